const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/** A host name that can only mean this machine: plain http to it is safe (the emulator). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);
}
