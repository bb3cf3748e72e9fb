// proxy-from-env ships no types.
declare module 'proxy-from-env' {
  /** The proxy URL for a request to `url` from HTTP(S)_PROXY / ALL_PROXY and NO_PROXY in process.env; '' when none. */
  export function getProxyForUrl(url: string | URL): string;
}
