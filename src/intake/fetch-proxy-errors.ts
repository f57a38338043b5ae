/**
 * Failures that belong to the proxy rather than the endpoint: a proxy that cannot be
 * reached, or one that refuses the CONNECT tunnel. Without this, a dead proxy would read as
 * the endpoint refusing the connection. The proxy is named without any password.
 */
import { STATUS_CODES } from 'node:http';
import { CertkeyError } from '../errors.js';

/** The proxies a request may have gone through, and the endpoint's port. */
export interface ProxyRoute {
  /** Proxy URLs in use (from --proxy or the variables), credentials and all. */
  proxies: readonly string[];
  /** The endpoint's port, 443 or 80 when the URL names none. */
  endpointPort: number;
}

/** The error for a failure at the proxy; undefined when the proxy is not to blame. */
export function proxyError(
  error: unknown,
  host: string,
  route: ProxyRoute | undefined,
): CertkeyError | undefined {
  return proxyRefusal(error, host) ?? (route ? proxyUnreachable(error, route) : undefined);
}

/** The socket error fields node:net sets on a failed connect or lookup. */
interface SocketFailure {
  code?: unknown;
  port?: unknown;
  hostname?: unknown;
}

/** A connect or lookup that failed for the proxy's own address. */
function proxyUnreachable(error: unknown, route: ProxyRoute): CertkeyError | undefined {
  const failures = [error, (error as { cause?: unknown } | undefined)?.cause] as SocketFailure[];
  for (const failure of failures) {
    if (typeof failure?.code !== 'string') continue;
    const proxy = route.proxies.map(toUrl).find((url) => url && isThisProxy(failure, url, route));
    if (!proxy) continue;

    const shown = `${proxy.protocol}//${proxy.host}`;
    return new CertkeyError(
      'E_FETCH_NETWORK',
      `cannot reach the proxy ${shown} (${failure.code})`,
      'check --proxy or HTTPS_PROXY/HTTP_PROXY; if the endpoint is reachable directly, ' +
        'list its host in NO_PROXY',
    );
  }
  return undefined;
}

/** Whether a socket failure was for this proxy: its host name, or its port and not ours. */
function isThisProxy(failure: SocketFailure, proxy: URL, route: ProxyRoute): boolean {
  if (typeof failure.hostname === 'string') return failure.hostname === proxy.hostname;
  const port = Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
  return failure.port === port && port !== route.endpointPort;
}

/** A URL, or undefined. */
function toUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * A proxy that answered CONNECT with something other than 200; undici says so only in its
 * message. The proxy's URL (and any password in it) is not repeated.
 */
function proxyRefusal(error: unknown, host: string): CertkeyError | undefined {
  const text = error instanceof Error ? error.message : '';
  const status = /Proxy response \((\d{3})\)|Proxy Authentication Required \((\d{3})\)/.exec(text);
  const code = Number(status?.[1] ?? status?.[2]);
  if (!code) return undefined;

  const said = `${code} ${STATUS_CODES[code] ?? ''}`.trim();
  const remedy =
    code === 407
      ? 'check the proxy user name and password (http://user:password@host:port in --proxy ' +
        'or HTTPS_PROXY), or ask for the proxy to let this machine through'
      : `ask for ${host} to be allowed through the proxy, or bypass it with NO_PROXY`;
  return new CertkeyError(
    'E_FETCH_NETWORK',
    `the proxy refused a tunnel to ${host} (${said})`,
    remedy,
  );
}
