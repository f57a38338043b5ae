/**
 * Failures that belong to the proxy rather than the endpoint: a proxy that cannot be
 * reached, or one that refuses the CONNECT tunnel. Without this, a dead proxy would read as
 * the endpoint refusing the connection, and an https:// proxy that speaks no TLS as the
 * endpoint timing out. The proxy is named without any password.
 */
import { STATUS_CODES } from 'node:http';
import { CertkeyError } from '../errors.js';
import { failedProxy } from './proxy-connect.js';

/** The error for a failure at the proxy; undefined when the proxy is not to blame. */
export function proxyError(
  error: unknown,
  host: string,
  timeoutMs: number,
): CertkeyError | undefined {
  return proxyRefusal(error, host) ?? proxyUnreachable(error, timeoutMs);
}

/** Timeouts of a connection, from undici's connector or the socket. */
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** A connection to the proxy that failed: refused, unresolved, timed out or TLS. */
function proxyUnreachable(error: unknown, timeoutMs: number): CertkeyError | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const failure = [error, cause].find((each) => failedProxy(each) !== undefined);
  const proxy = failedProxy(failure);
  if (!proxy) return undefined;

  const code = (failure as { code?: unknown }).code;
  const shown = `${proxy.protocol}//${proxy.host}`;
  const remedy = proxyRemedy(proxy);
  if (typeof code === 'string' && TIMEOUTS.has(code)) {
    const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
    return new CertkeyError(
      'E_FETCH_TIMEOUT',
      `connecting to the proxy ${shown} timed out (${seconds})`,
      `${remedy}; else raise --timeout`,
    );
  }

  if (code === 'UND_ERR_PRX_CONN') {
    return new CertkeyError(
      'E_FETCH_NETWORK',
      `the proxy ${shown} closed the connection instead of opening a tunnel (CONNECT)`,
      `${remedy}; and the proxy must allow CONNECT to the endpoint's port`,
    );
  }

  const said = typeof code === 'string' ? code : 'unknown error';
  const message = TLS_CODE.test(said)
    ? `TLS with the proxy ${shown} failed (${said})`
    : `cannot reach the proxy ${shown} (${said})`;
  return new CertkeyError('E_FETCH_NETWORK', message, remedy);
}

/** TLS failures, by the codes Node and OpenSSL give them. */
export const TLS_CODE =
  /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO|HOSTNAME)/;

/**
 * What to check for a proxy that could not be reached. An https:// proxy is one that takes
 * TLS itself; most take plain HTTP (a CONNECT tunnel carries the endpoint's own TLS), so a
 * proxy given as https:// by mistake fails here, at TLS or by never answering.
 */
function proxyRemedy(proxy: URL): string {
  const where = '--proxy, HTTPS_PROXY or HTTP_PROXY';
  if (proxy.protocol !== 'https:') {
    return `check ${where}; if the endpoint is reachable directly, list its host in NO_PROXY`;
  }
  return (
    `check the proxy URL's scheme (${where}): https:// is only for a proxy that speaks TLS ` +
    `itself, most want http://${proxy.host} even for https endpoints; a TLS proxy with a ` +
    'private CA needs that CA in --endpoint-ca'
  );
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
