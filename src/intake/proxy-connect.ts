/**
 * The connection to a proxy, as undici's ProxyAgent makes it, with two changes: no IP
 * address as the TLS server name of an https:// proxy, and every failure to connect to
 * the proxy marked as the proxy's, so the error names the proxy and not the endpoint.
 */
import { isIP } from 'node:net';
import { Pool, type buildConnector, type Dispatcher } from 'undici';

/** Failures of a connection to a proxy, with the proxy they belong to (no credentials). */
const PROXY_FAILURES = new WeakMap<object, URL>();

/**
 * A ProxyAgent `clientFactory`: the pool undici would make for the proxy, its connector
 * wrapped. ProxyAgent asks for the proxy's host name as the TLS server name, even when it
 * is an IP address, which RFC 6066 section 3 forbids and Node warns about (DEP0123) on
 * stderr; the name is dropped then, and the certificate is checked against the address.
 */
export function proxyClientFactory(origin: URL, options: object): Dispatcher {
  const connect = (options as { connect: buildConnector.connector }).connect;
  const proxy = new URL(`${origin.protocol}//${origin.host}`);

  const viaProxy: buildConnector.connector = (opts, callback) => {
    const { servername, ...rest } = opts;
    // A URL's IPv6 host keeps its brackets: `[::1]`.
    const address = servername?.replace(/^\[(.*)\]$/, '$1');
    const named = servername && address && isIP(address) === 0 ? { servername } : {};
    connect({ ...rest, ...named }, (...args) => {
      if (args[0]) PROXY_FAILURES.set(args[0], proxy);
      callback(...args);
    });
  };
  return new Pool(origin, { ...options, connect: viaProxy });
}

/** The proxy (scheme, host and port only) when the failure was connecting to it. */
export function failedProxy(error: unknown): URL | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return PROXY_FAILURES.get(error);
}
