import { ExitCode } from '../../core/exit-codes.js';
import type { Clock } from '../../core/clock.js';
import { chooseProxy, proxyAgentsFor, safeProxyUrl } from '../../api/proxy.js';

/** Which proxy requests to this URL go through, for the doctor's line. */
export { describeProxy } from '../../api/proxy.js';
import { fail, pass, warn, type CheckResult } from './verdicts.js';

/** A task id no service ever issues: reading it proves the key without creating (paying for) a task. */
const PROBE_TASK_ID = 'spark-style-doctor-probe-0000';

interface ProbeOptions {
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/**
 * One GET of a task that cannot exist, through the same proxy choice as the client. It
 * answers three questions: is the service reachable (and how fast), does TLS verify, and is
 * the key accepted (404: yes; 401/403: no).
 */
export async function probeService(options: ProbeOptions): Promise<CheckResult[]> {
  const { default: got, RequestError, TimeoutError } = await import('got');
  const url = `${options.baseUrl}/model/v1/generation/task/${PROBE_TASK_ID}`;
  const https = url.startsWith('https:');
  const proxy = chooseProxy(url).proxy;
  const started = options.clock.now();
  let status: number;
  try {
    const response = await got(url, {
      agent: proxyAgentsFor(url),
      headers: { 'user-agent': 'spark-style doctor', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      timeout: { request: options.timeoutMs },
    });
    status = response.statusCode;
  } catch (error) {
    const code = error instanceof RequestError ? (error.code ?? '') : '';
    const message = (error as Error).message;
    if (/CERT|SELF_SIGNED|ERR_TLS|UNABLE_TO_VERIFY/i.test(code) || /certificate/i.test(message)) {
      return [
        fail(
          'service',
          `${options.baseUrl}: TLS does not verify (${code || message})`,
          'for a private CA, point NODE_EXTRA_CA_CERTS at its PEM file; otherwise check --base-url and the system clock',
          ExitCode.NETWORK,
        ),
      ];
    }
    const why = error instanceof TimeoutError ? `no answer in ${options.timeoutMs} ms` : code || message;
    const fix = proxy
      ? `check the proxy ${safeProxyUrl(proxy)} (HTTPS_PROXY/HTTP_PROXY, NO_PROXY) and that it allows CONNECT to ${new URL(url).host}`
      : 'check your network, --base-url (or SPARK_STYLE_BASE_URL, config base-url) and any firewall; behind a proxy set HTTPS_PROXY';
    return [fail('service', `${options.baseUrl} unreachable: ${why}`, fix, ExitCode.NETWORK)];
  }
  const ms = Math.round(options.clock.now() - started);
  const service = pass('service', `${options.baseUrl} reachable${https ? ', TLS verified' : ' (plain http)'}, ${ms} ms round trip`);
  return [service, keyVerdict(status, options.apiKey !== undefined)];
}

function keyVerdict(status: number, haveKey: boolean): CheckResult {
  if (!haveKey) return fail('key accepted', 'not tried: no key', 'set a key first (see "api key" above)', ExitCode.AUTH);
  if (status === 404) return pass('key accepted', 'yes (a read of a task that cannot exist answered 404; no task was created)');
  if (status === 401)
    return fail(
      'key accepted',
      'no: refused with 401 (the key is wrong or revoked)',
      'check the key: spark-style config list; make a new one in the Vtrix console',
      ExitCode.AUTH,
    );
  if (status === 403)
    return fail(
      'key accepted',
      'no: refused with 403 (no permission, or the balance is too low)',
      'check your balance and permissions in the Vtrix console',
      ExitCode.AUTH,
    );
  if (status === 429) return warn('key accepted', 'not known: rate limited (429)', 'wait a minute and run doctor again');
  if (status >= 500)
    return fail('key accepted', `not known: the service answered ${status}`, 'the service is having trouble; try again later', ExitCode.NETWORK);
  return warn('key accepted', `not known: unexpected answer ${status}`, 'check --base-url: it should be the API root, e.g. https://cloud.vtrix.ai');
}
