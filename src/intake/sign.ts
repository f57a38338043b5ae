/**
 * AK/SK request signing as Huawei Cloud's API gateway checks it (`SDK-HMAC-SHA256`), and the
 * gateway's side of it for the mock: recompute, compare in constant time, judge the clock.
 * The algorithm follows the Go SDK's signer: a canonical request, a string to sign, and a
 * lowercase hex HMAC-SHA256 keyed with the SK.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The algorithm name that starts the string to sign and the Authorization header. */
export const ALGORITHM = 'SDK-HMAC-SHA256';

/** How far X-Sdk-Date may be from the gateway's clock before it refuses (APIGW.0303). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The request to sign: `url` is absolute; `headers` are those that will be sent. */
export interface SignableRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** An AK/SK pair; temporary credentials add a security token. */
export interface AkSkCredentials {
  ak: string;
  sk: string;
  projectId?: string;
  securityToken?: string;
}

/** Choices a caller rarely needs. */
export interface SignOptions {
  /**
   * Exactly which headers to sign (lowercase names). By default: host, content-type when
   * present, x-sdk-date, x-project-id and x-security-token when present.
   */
  signedHeaders?: readonly string[];
}

/** The parts a canonical request is made of, as the gateway sees them on arrival. */
export interface CanonicalParts {
  method: string;
  /** The path as sent, percent-encoded as on the wire, without the query. */
  path: string;
  /** The query as sent, without the `?`; empty when there is none. */
  query: string;
  /** Lowercase header names to their values. */
  headers: Record<string, string>;
  /** The signed header names in the order they are signed. */
  signedHeaders: readonly string[];
  body: Uint8Array;
}

/** The characters the canonical forms keep as they are. */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** Percent-encodes every byte of the UTF-8 text except `A-Za-z0-9-_.~`, in uppercase hex. */
export function escape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes one percent-encoded piece; a malformed escape is kept as it came. */
function decode(piece: string): string {
  try {
    return decodeURIComponent(piece);
  } catch {
    return piece;
  }
}

/** The canonical URI: each segment decoded then escaped, a `/` appended when missing. */
export function canonicalUri(path: string): string {
  const uri = path
    .split('/')
    .map((segment) => escape(decode(segment)))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Orders strings by their UTF-8 bytes, as Go's sort.Strings does. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The canonical query: keys lowercased and sorted, each key's values sorted, `k=v` by `&`. */
export function canonicalQuery(query: string): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(query)) {
    const name = key.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), value]);
  }

  const pairs: string[] = [];
  for (const key of [...values.keys()].sort(byBytes)) {
    for (const value of (values.get(key) ?? []).sort(byBytes)) {
      pairs.push(`${escape(key)}=${escape(value)}`);
    }
  }
  return pairs.join('&');
}

/**
 * The six parts the signature covers, joined by newlines. A signed header the request lacks
 * adds no line, as in the Go SDK's signer.
 */
export function canonicalRequest(parts: CanonicalParts): string {
  const lines: string[] = [];
  for (const name of parts.signedHeaders) {
    const value = parts.headers[name];
    if (value !== undefined) lines.push(`${name}:${value.trim()}`);
  }

  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.path),
    canonicalQuery(parts.query),
    `${lines.join('\n')}\n`,
    parts.signedHeaders.join(';'),
    sha256Hex(parts.body),
  ].join('\n');
}

/** The lowercase hex signature of a canonical request at a given X-Sdk-Date. */
export function signatureOf(canonical: string, sdkDate: string, sk: string): string {
  const stringToSign = [ALGORITHM, sdkDate, sha256Hex(canonical)].join('\n');
  return createHmac('sha256', sk).update(stringToSign, 'utf8').digest('hex');
}

/** `20060102T150405Z`: the X-Sdk-Date form of a moment, in UTC. */
export function formatSdkDate(moment: Date): string {
  return moment
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** Reads an X-Sdk-Date value; undefined when it is not exactly `YYYYMMDDTHHMMSSZ`. */
export function parseSdkDate(value: string): Date | undefined {
  const found = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!found) return undefined;

  const [, year, month, day, hour, minute, second] = found;
  const moment = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(moment.getTime()) ? undefined : moment;
}

/**
 * Signs a request and returns the headers to add to it: X-Sdk-Date, Authorization, and
 * X-Project-Id and X-Security-Token when the credentials carry them. The Host header signed
 * is the request's own `host` header when given, else the URL's host (with a non-default
 * port), which is what an HTTP client sends.
 */
export function signRequest(
  request: SignableRequest,
  credentials: AkSkCredentials,
  now: Date = new Date(),
  options: SignOptions = {},
): Record<string, string> {
  const url = new URL(request.url);
  const sdkDate = formatSdkDate(now);

  const added: Record<string, string> = { 'X-Sdk-Date': sdkDate };
  if (credentials.projectId) added['X-Project-Id'] = credentials.projectId;
  if (credentials.securityToken) added['X-Security-Token'] = credentials.securityToken;

  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries({ ...request.headers, ...added })) {
    headers[name.toLowerCase()] = value;
  }

  const signedHeaders = options.signedHeaders
    ? options.signedHeaders.map((name) => name.toLowerCase())
    : defaultSignedHeaders(headers);
  const canonical = canonicalRequest({
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    signedHeaders,
    body: toBytes(request.body),
  });

  const signature = signatureOf(canonical, sdkDate, credentials.sk);
  added['Authorization'] =
    `${ALGORITHM} Access=${credentials.ak}, SignedHeaders=${signedHeaders.join(';')}, ` +
    `Signature=${signature}`;
  return added;
}

/** The headers signed by default, in sorted order. */
function defaultSignedHeaders(headers: Record<string, string>): string[] {
  const wanted = ['content-type', 'host', 'x-project-id', 'x-sdk-date', 'x-security-token'];
  return wanted.filter((name) => headers[name] !== undefined);
}

/** A body as bytes; none is the empty body. */
function toBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array();
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Lowercase hex SHA-256. */
function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A request as a server received it: the raw target (`/path?query`) and its headers. */
export interface ReceivedRequest {
  method: string;
  /** The request target as received, such as `/v3/tasks/1/certkey?enable_ca_cert=true`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** Why a request was refused, in the gateway's terms. */
export interface SignatureRejection {
  ok: false;
  /** A stable reason for tests and logs. */
  reason: 'malformed' | 'unknown-ak' | 'expired' | 'signature' | 'security-token';
  /** The gateway's error code: APIGW.0303 for an expired date, APIGW.0301 otherwise. */
  errorCode: 'APIGW.0301' | 'APIGW.0303';
  /** A message in the gateway's style; it holds no secret. */
  errorMsg: string;
}

/** The verdict of verifySignature. */
export type SignatureVerdict = { ok: true; ak: string } | SignatureRejection;

/** `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`. */
const AUTHORIZATION =
  /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;

/**
 * Checks a received request against a known AK/SK the way the gateway does: parses the
 * Authorization header, refuses an X-Sdk-Date more than 15 minutes from `now`, recomputes
 * the signature over the headers it names and compares in constant time. When the
 * credentials carry a security token, the request must carry (and sign) the same one.
 */
export function verifySignature(
  request: ReceivedRequest,
  credentials: AkSkCredentials,
  now: Date = new Date(),
): SignatureVerdict {
  const headers = lowerHeaders(request.headers);
  const found = AUTHORIZATION.exec((headers['authorization'] ?? '').trim());
  if (!found?.[1] || !found[2] || !found[3]) {
    return reject('malformed', 'Authorization is missing or is not SDK-HMAC-SHA256');
  }
  const [, ak, names, claimed] = found;
  const signedHeaders = names.toLowerCase().split(';');

  const refusal =
    checkAk(ak, credentials) ??
    checkDate(headers['x-sdk-date'], now) ??
    checkHeaders(headers, signedHeaders, credentials);
  if (refusal) return refusal;

  const queryAt = request.url.indexOf('?');
  const canonical = canonicalRequest({
    method: request.method,
    path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
    query: queryAt < 0 ? '' : request.url.slice(queryAt + 1),
    headers,
    signedHeaders,
    body: request.body,
  });
  const expected = signatureOf(canonical, headers['x-sdk-date'] ?? '', credentials.sk);
  if (!safeEqual(claimed, expected)) return reject('signature', 'verify aksk signature fail');
  return { ok: true, ak };
}

/** Refuses an AK other than the known one. */
function checkAk(ak: string, credentials: AkSkCredentials): SignatureRejection | undefined {
  if (safeEqual(ak, credentials.ak)) return undefined;
  return reject('unknown-ak', 'Get secretKey failed, ak not exist');
}

/** Refuses a missing or malformed X-Sdk-Date, or one more than 15 minutes from `now`. */
function checkDate(sdkDate: string | undefined, now: Date): SignatureRejection | undefined {
  const signedAt = parseSdkDate(sdkDate ?? '');
  if (!signedAt) return reject('malformed', 'X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ');
  if (Math.abs(now.getTime() - signedAt.getTime()) <= MAX_CLOCK_SKEW_MS) return undefined;

  return {
    ok: false,
    reason: 'expired',
    errorCode: 'APIGW.0303',
    errorMsg:
      'Incorrect app authentication information: signature expired, ' +
      `signature time:${sdkDate}, server time:${formatSdkDate(now)}`,
  };
}

/** Refuses signed headers the request lacks, and a missing, unsigned or wrong token. */
function checkHeaders(
  headers: Record<string, string>,
  signedHeaders: readonly string[],
  credentials: AkSkCredentials,
): SignatureRejection | undefined {
  const absent = signedHeaders.find((name) => headers[name] === undefined);
  if (absent !== undefined) {
    return reject('malformed', `signed header ${absent} is not in the request`);
  }

  const expected = credentials.securityToken;
  if (expected === undefined) return undefined;
  const token = headers['x-security-token'];
  if (signedHeaders.includes('x-security-token') && safeEqual(token ?? '', expected)) {
    return undefined;
  }
  return reject('security-token', 'X-Security-Token is missing, unsigned or wrong');
}

/** A rejection with APIGW.0301. */
function reject(reason: SignatureRejection['reason'], detail: string): SignatureRejection {
  return {
    ok: false,
    reason,
    errorCode: 'APIGW.0301',
    errorMsg: `Incorrect IAM authentication information: ${detail}`,
  };
}

/** Header names lowercased; repeated headers joined by `, ` as node:http does. */
function lowerHeaders(headers: ReceivedRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Compares two strings in time independent of where they differ. */
function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
