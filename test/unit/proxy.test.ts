import { afterEach, describe, expect, it } from 'vitest';
import { chooseProxy, describeProxy, proxyAgentsFor } from '../../src/api/proxy.js';

const NAMES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));

function setEnv(values: Record<string, string>): void {
  for (const name of NAMES) delete process.env[name];
  Object.assign(process.env, values);
}

afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('chooseProxy', () => {
  it('picks HTTPS_PROXY for https and HTTP_PROXY for http, in either case', () => {
    setEnv({ https_proxy: 'http://proxy.corp:3128', HTTP_PROXY: 'http://other.corp:8080' });
    expect(chooseProxy('https://cloud.vtrix.ai')).toEqual({ proxy: 'http://proxy.corp:3128', reason: 'from https_proxy' });
    expect(chooseProxy('http://cdn.example/x.jpg')).toEqual({ proxy: 'http://other.corp:8080', reason: 'from HTTP_PROXY' });
  });

  it('never proxies loopback, whatever NO_PROXY says', () => {
    setEnv({ HTTPS_PROXY: 'http://proxy.corp:3128', HTTP_PROXY: 'http://proxy.corp:3128' });
    for (const url of ['http://127.0.0.1:8787', 'http://localhost:1', 'https://[::1]:8443', 'http://127.5.6.7/x']) {
      expect(chooseProxy(url)).toEqual({ proxy: null, reason: 'loopback is never proxied' });
    }
  });

  it('honours NO_PROXY (suffixes and exact names)', () => {
    setEnv({ HTTPS_PROXY: 'http://proxy.corp:3128', no_proxy: '.vtrix.ai,cdn.example' });
    expect(chooseProxy('https://cloud.vtrix.ai').proxy).toBeNull();
    expect(chooseProxy('https://cloud.vtrix.ai').reason).toBe('NO_PROXY matches this host');
    expect(chooseProxy('https://cdn.example/a.jpg').proxy).toBeNull();
    expect(chooseProxy('https://elsewhere.example').proxy).toBe('http://proxy.corp:3128');
  });

  it('says when no proxy is set, and masks a proxy password', () => {
    setEnv({});
    expect(describeProxy('https://cloud.vtrix.ai')).toBe('direct (no HTTPS_PROXY set)');
    setEnv({ HTTPS_PROXY: 'http://alice:s3cret@proxy.corp:3128' });
    const line = describeProxy('https://cloud.vtrix.ai');
    expect(line).toContain('via proxy http://alice:****@proxy.corp:3128');
    expect(line).not.toContain('s3cret');
  });

  it('hands got no agent for a direct connection and one shared pair per proxy', () => {
    setEnv({ HTTPS_PROXY: 'http://proxy.corp:3128' });
    expect(proxyAgentsFor('http://127.0.0.1:1')).toEqual({});
    const first = proxyAgentsFor('https://a.example');
    expect(first.https).toBeDefined();
    expect(proxyAgentsFor('https://b.example').https).toBe(first.https);
  });
});
