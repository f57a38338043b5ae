/**
 * The sentences for a failed fetch: an HTTP error reply from SMS or its gateway, or a
 * network failure. Each names the host or status and ends with what to do; none carries
 * the token.
 */
import { STATUS_CODES } from 'node:http';
import { CertkeyError, scrubSecrets } from '../errors.js';
import { describeSkew } from './fetch-clock.js';
import { TLS_CODE, proxyError } from './fetch-proxy-errors.js';

/** What the service said in an error reply, as far as it said anything. */
export interface ErrorReply {
  status: number;
  contentType: string;
  body: string;
  requestId?: string;
  location?: string;
}

/** The fields of an SMS or gateway error body. */
interface ParsedError {
  code: string;
  message: string;
  requestId?: string;
}

/** The API caps error_msg at 1,024 characters; anything longer is cut. */
const MAX_MESSAGE_CHARS = 1024;

/** What to do for each status SMS documents. */
const REMEDIES: Record<number, string> = {
  400:
    'the service rejected the request as malformed: check the task id; if it looks right, ' +
    'quote the request id to support',
  401:
    'the token is expired or wrong: get a new IAM token (the X-Subject-Token header of ' +
    'POST /v3/auth/tokens; it lasts 24 hours) for a project in this region',
  403:
    'the account lacks the SMS permission to read task certificates: grant the IAM user ' +
    'sms:server:getCert (or a role that includes it)',
  404:
    'no such task: check the task id and that the endpoint is the region the task runs in ' +
    '(https://sms.<region>.myhuaweicloud.com)',
  429: 'the service is limiting requests: wait a minute and try again',
};

/** What the request was, for the remedy. */
export interface RequestContext {
  /** True when the request was AK/SK-signed rather than carrying a token. */
  signed?: boolean;
  /** Seconds the service's clock is ahead of this machine's, from its Date header. */
  skew?: number;
}

/** Builds the E_FETCH_HTTP error for a reply other than 200. */
export function httpError(
  reply: ErrorReply,
  url: string,
  token: string,
  context: RequestContext = {},
): CertkeyError {
  const parsed = parseErrorBody(reply.body);
  const requestId = reply.requestId ?? parsed?.requestId;
  const status = `${reply.status} ${STATUS_CODES[reply.status] ?? ''}`.trim();
  const said = whatItSaid(reply, parsed, token);
  const safeId = requestId ? clean(requestId, token) : undefined;
  const id = safeId ? ` (request id ${safeId})` : '';
  return new CertkeyError(
    'E_FETCH_HTTP',
    `GET ${url} returned ${status}: ${said}${id}`,
    reply.status === 401 && context.signed
      ? signedRemedy(parsed?.code, context.skew)
      : remedyFor(reply, safeId),
  );
}

/**
 * A signed request refused with 401: the signature, not a token, failed. Either the clock
 * is off (APIGW.0303, or SMS.0205 for the agent) or the AK and SK are not a live pair.
 */
function signedRemedy(code: string | undefined, skew: number | undefined): string {
  const measured = skew === undefined ? '' : ` (${describeSkew(skew)})`;
  const clock =
    `set this machine's clock right (NTP, and the time zone): the gateway refuses ` +
    `signatures more than 15 minutes off${measured}`;
  const pair =
    'check that the AK and SK are one current pair of this account (not deleted, disabled ' +
    'or mistyped; temporary ones need HUAWEICLOUD_SDK_SECURITY_TOKEN)';
  if (code === 'APIGW.0303') return clock;
  return `${pair}; and ${clock}`;
}

/** Adds the number of attempts to a failure that was retried. */
export function withAttempts(error: CertkeyError, attempts: number): CertkeyError {
  if (attempts <= 1) return error;
  return new CertkeyError(
    error.code,
    `${error.message} (after ${attempts} attempts)`,
    error.remedy,
  );
}

/** The service's own words, or what kind of reply stood in for them. */
function whatItSaid(reply: ErrorReply, parsed: ParsedError | undefined, token: string): string {
  if (parsed) {
    const code = clean(parsed.code, token) || 'no error_code';
    const message = clean(parsed.message, token) || 'no error_msg';
    return `${code}: ${message}`;
  }

  if (reply.status >= 300 && reply.status < 400) {
    const where = reply.location ? clean(reply.location.split('?')[0] ?? '', token) : 'nowhere';
    return `a redirect to ${where}`;
  }

  const stand = "not the service's JSON error (a proxy or gateway answered)";
  if (reply.body.trim() === '') return `an empty reply, ${stand}`;
  const type = clean(reply.contentType.split(';')[0] ?? '', token) || 'no content type';
  return `a ${type} reply, ${stand}`;
}

/** The remedy for a status, quoting the request id where support would want it. */
function remedyFor(reply: ErrorReply, requestId: string | undefined): string {
  const known = REMEDIES[reply.status];
  if (known) return known;

  if (reply.status >= 300 && reply.status < 400) {
    const target = reply.location ? hostOf(reply.location) : undefined;
    return (
      `the endpoint redirects${target ? ` to ${target}` : ''}: give the final endpoint as ` +
      '--endpoint (certkey does not follow redirects, so the token is never sent elsewhere)'
    );
  }
  if (reply.status >= 500) {
    const quote = requestId ? `, quoting request id ${requestId}` : '';
    return `the service failed: retry later; if it persists, contact Huawei Cloud support${quote}`;
  }
  return 'check that --endpoint is the SMS API of the task region';
}

/** Reads `{error_code, error_msg, request_id}`; undefined when the body is not that JSON. */
function parseErrorBody(body: string): ParsedError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;

  const record = json as Record<string, unknown>;
  const code = record['error_code'];
  const message = record['error_msg'];
  const requestId = record['request_id'];
  if (typeof code !== 'string' && typeof message !== 'string') return undefined;

  return {
    code: typeof code === 'string' ? code : '',
    message: typeof message === 'string' ? message : '',
    ...(typeof requestId === 'string' && requestId ? { requestId } : {}),
  };
}

/** Makes service text safe for one line: no control characters, no token, no key. */
export function clean(text: string, token: string): string {
  let safe = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (token.length >= 4) safe = safe.split(token).join('[token removed]');
  safe = scrubSecrets(safe);
  return safe.length > MAX_MESSAGE_CHARS ? `${safe.slice(0, MAX_MESSAGE_CHARS)}...` : safe;
}

/** Builds the error for a request that got no reply: E_FETCH_TIMEOUT or E_FETCH_NETWORK. */
export function networkError(error: unknown, host: string, timeoutMs: number): CertkeyError {
  const viaProxy = proxyError(error, host, timeoutMs);
  if (viaProxy) return viaProxy;

  const code = errorCode(error);
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const slow = 'check the network path to the endpoint, or raise --timeout';

  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return new CertkeyError(
      'E_FETCH_TIMEOUT',
      `connecting to ${host} timed out (${seconds})`,
      slow,
    );
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new CertkeyError('E_FETCH_TIMEOUT', `${host} sent no reply within ${seconds}`, slow);
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    const message = `${host} stopped sending its reply for ${seconds}`;
    return new CertkeyError('E_FETCH_TIMEOUT', message, slow);
  }

  const [message, remedy] = networkSentence(code, host);
  return new CertkeyError('E_FETCH_NETWORK', message, remedy);
}

/** The timeout for the whole exchange, when the reply trickles in too slowly. */
export function deadlineError(host: string, totalMs: number): CertkeyError {
  const seconds = Math.round(totalMs / 100) / 10;
  return new CertkeyError(
    'E_FETCH_TIMEOUT',
    `the reply from ${host} took over ${seconds} s in all`,
    'check the network path to the endpoint, or raise --timeout',
  );
}

/** Message and remedy for a connection that failed outright. */
function networkSentence(code: string, host: string): [string, string] {
  const path = 'check --endpoint and that this machine can reach it (firewall, proxy, VPN)';
  if (code === 'ECONNREFUSED') return [`${host} refused the connection`, path];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return [`cannot resolve ${host.replace(/:\d+$/, '')}`, `check the host name and DNS; ${path}`];
  }
  if (/^(ECONNRESET|EPIPE|UND_ERR_SOCKET)$/.test(code)) {
    return [`${host} closed the connection before replying in full`, `retry; ${path}`];
  }
  if (/^(ENETUNREACH|EHOSTUNREACH|ENETDOWN|EHOSTDOWN)$/.test(code)) {
    return [`${host} is unreachable from this machine (${code})`, path];
  }
  const tls = tlsSentence(code, host);
  if (tls) return tls;
  return [`cannot reach ${host} (${code})`, path];
}

/** Certificate verification codes that mean the endpoint's issuer is not trusted here. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/** What the TLS codes mean, in words. */
const TLS_REASONS: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is issued by a CA this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate chains to a CA this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate chains to a CA this machine does not trust',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed CA this machine does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  CERT_UNTRUSTED: 'its certificate is not trusted',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet (or this clock is behind)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not name this host',
};

/** Message and remedy for a TLS failure; undefined when the code is not one. */
function tlsSentence(code: string, host: string): [string, string] | undefined {
  if (!TLS_CODE.test(code)) return undefined;

  const reason = TLS_REASONS[code];
  const message = `TLS with ${host} failed: ${reason ? `${reason} (${code})` : code}`;
  if (UNTRUSTED.has(code)) {
    return [
      message,
      'if the endpoint (or a proxy that inspects TLS) uses a private CA, pass that CA as ' +
        '--endpoint-ca FILE (PEM); else check --endpoint',
    ];
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return [message, 'use the host name the certificate is issued for in --endpoint'];
  }
  return [
    message,
    'check --endpoint, and with a TLS-inspecting proxy pass its CA as --endpoint-ca',
  ];
}

/** The most specific error code on an error or its cause. */
function errorCode(error: unknown): string {
  const own = codeOf(error);
  const cause = codeOf((error as { cause?: unknown } | undefined)?.cause);
  if (own && own !== 'UND_ERR' && !/^UND_ERR_(ABORTED|DESTROYED)$/.test(own)) return own;
  return cause ?? own ?? (error instanceof Error ? error.name : 'unknown error');
}

/** An error's `code` property when it is a string. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The host of a URL, or undefined when it is not one. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
