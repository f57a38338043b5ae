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

/**
 * An Agent `factory` for the proxied agents: the pool undici would make for an endpoint, its
 * connector wrapped. When a proxy drops the connection while the CONNECT tunnel is being
 * opened (a proxy that does not implement CONNECT, or an https-only proxy given as http://),
 * undici 7 takes the socket error for a recoverable one and opens the tunnel again at once,
 * thousands of times a second, until the fetch's deadline and beyond. The error is passed on
 * under another code, so the request fails and the retries of --retries decide.
 *
 * Limitation: undici 8 fixes this itself (nodejs/undici#5441); undici 7 is kept for Node 20.
 */
export function tunnelPoolFactory(
  proxyOf: (origin: URL) => string | undefined,
): (origin: URL | string, options: object) => Dispatcher {
  return (origin, options) => {
    const given = (options as { connect?: unknown }).connect;
    // Only a tunnel comes with a connect function; a direct pool (NO_PROXY) has TLS options.
    if (typeof given !== 'function') return new Pool(origin, options);
    const connect = given as buildConnector.connector;

    const proxy = proxyOf(new URL(String(origin)));
    const failFast: buildConnector.connector = (opts, callback) => {
      connect(opts, (...args) => {
        const [error] = args;
        if (!error || (error as { code?: string }).code !== 'UND_ERR_SOCKET') {
          return callback(...args);
        }

        const dropped = Object.assign(
          new Error('the proxy closed the connection while the tunnel was being opened'),
          { code: 'UND_ERR_PRX_CONN', cause: error },
        );
        if (proxy) PROXY_FAILURES.set(dropped, new URL(proxy));
        callback(dropped, null);
      });
    };
    return new Pool(origin, { ...options, connect: failFast });
  };
}
