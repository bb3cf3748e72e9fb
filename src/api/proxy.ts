import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';
import { isLoopbackHost } from '../core/loopback.js';

/**
 * Which proxy a request goes through, from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY
 * (upper or lower case, read by proxy-from-env). Loopback never goes through a proxy: the
 * emulator and --offline must work on a machine whose environment points at a corporate proxy.
 */
interface ProxyChoice {
  /** The proxy URL, or null for a direct connection. */
  readonly proxy: string | null;
  /** Why: the variable that named the proxy, or why the connection is direct. */
  readonly reason: string;
}

export function chooseProxy(target: string | URL): ProxyChoice {
  // proxy-from-env reads process.env itself, so the reasons below read it too.
  const env = process.env;
  const url = typeof target === 'string' ? new URL(target) : target;
  if (isLoopbackHost(url.hostname)) return { proxy: null, reason: 'loopback is never proxied' };
  const proxy = getProxyForUrl(url);
  if (proxy) return { proxy, reason: `from ${proxyVariable(url.protocol, proxy, env)}` };
  const scheme = url.protocol.replace(':', '');
  const configured = envValue(env, `${scheme}_proxy`) || envValue(env, 'all_proxy');
  return { proxy: null, reason: configured ? 'NO_PROXY matches this host' : `no ${scheme.toUpperCase()}_PROXY set` };
}

/** One line for --verbose and doctor; a password in the proxy URL is masked. */
export function describeProxy(target: string | URL): string {
  const choice = chooseProxy(target);
  return choice.proxy ? `via proxy ${safeProxyUrl(choice.proxy)} (${choice.reason}, https through a CONNECT tunnel)` : `direct (${choice.reason})`;
}

export function safeProxyUrl(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password) url.password = '****';
    return url.href.replace(/\/$/, '');
  } catch {
    return proxy;
  }
}

type Agents = { http?: HttpAgent; https?: HttpsAgent };
const agentsByProxy = new Map<string, Agents>();

/**
 * got's `agent` option for a request to `target`: hpagent tunnels through the proxy with
 * CONNECT (for https the proxy sees only the host name, never the key). Empty for a direct
 * connection. One pair of agents per proxy, kept alive so a batch reuses its tunnels.
 */
export function proxyAgentsFor(target: string | URL): Agents {
  const { proxy } = chooseProxy(target);
  if (!proxy) return {};
  let agents = agentsByProxy.get(proxy);
  if (!agents) {
    const options = { proxy, keepAlive: true, maxFreeSockets: 16 };
    // The https agent verifies the target's certificate as usual (NODE_EXTRA_CA_CERTS included).
    agents = { http: new HttpProxyAgent(options), https: new HttpsProxyAgent(options) };
    agentsByProxy.set(proxy, agents);
  }
  return agents;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || '';
}

/** The variable the proxy came from, in proxy-from-env's order (lower case first). */
function proxyVariable(protocol: string, proxy: string, env: NodeJS.ProcessEnv): string {
  const scheme = protocol.replace(':', '');
  for (const name of [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY']) {
    const value = env[name];
    if (value && (value === proxy || proxy.endsWith(`://${value}`))) return name;
  }
  return `${scheme.toUpperCase()}_PROXY`;
}
