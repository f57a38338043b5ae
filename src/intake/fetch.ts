/**
 * Fetches a task's certkey bundle from SMS with a user token. Kept lean: `run` loads it on
 * start-up. The token goes in one header and nowhere else: not the URL, not a message.
 */
import { debuglog } from 'node:util';
import { request, type Dispatcher } from 'undici';
import { CertkeyError } from '../errors.js';
import type { RawBundle } from '../model.js';
import { toRawBundle } from './bundle.js';
import { buildDispatcher, type NetworkOptions, type RetryListener } from './dispatcher.js';
import { clockSkewSeconds, skewNote } from './fetch-clock.js';
import { clean, deadlineError, httpError, networkError, withAttempts } from './fetch-errors.js';
import { checkRequest } from './fetch-input.js';
import { signRequest, type AkSkCredentials } from './sign.js';

const debug = debuglog('certkey');

/** Seven fields of at most 1 MiB each, plus room for JSON escapes and punctuation. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Enough of an error reply to read `error_code` and `error_msg`; the rest is dropped. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Connect, headers and body-idle timeouts are each `timeoutMs`; the whole exchange gets this
 * many times that, so a reply that trickles in byte by byte still ends.
 */
const DEADLINE_FACTOR = 3;

/** One fetch: where, which task, with which token, and how long to wait. */
export interface FetchRequest {
  /** The SMS endpoint, such as `https://sms.ap-southeast-3.myhuaweicloud.com`. */
  endpoint: string;
  taskId: string;
  /** The IAM user token, sent as `X-Auth-Token`; absent when `credentials` are given. */
  token?: string;
  /** AK/SK credentials: the request is signed (SDK-HMAC-SHA256) instead of carrying a token. */
  credentials?: AkSkCredentials;
  timeoutMs: number;
  /** `certkey/<version>`. */
  userAgent: string;
  /** The body size cap; MAX_BODY_BYTES when absent. */
  maxBodyBytes?: number;
  /** Proxy, private CA and retries; direct (or as the proxy variables say), no retry. */
  network?: NetworkOptions;
  /** Where a clock skew warning goes; stderr when absent. */
  warn?: (line: string) => void;
  /** Told of each failed attempt that is retried. */
  onRetry?: RetryListener;
}

/** A fetched bundle, with what the reply said about itself. */
export interface FetchedBundle {
  raw: RawBundle;
  /** The `X-Request-Id` header, for support. */
  requestId?: string;
  /** The `Date` header: the service's clock. */
  date?: string;
  /** Seconds the service's clock is ahead of this machine's (negative: behind). */
  clockSkewSeconds?: number;
  /** How many times the request was sent. */
  attempts: number;
}

/**
 * GETs `/v3/tasks/{task_id}/certkey?enable_ca_cert=true`. Throws E_USAGE for a bad endpoint,
 * task id or token, E_FETCH_HTTP for an error reply, E_FETCH_NETWORK and E_FETCH_TIMEOUT when
 * no reply came, E_FETCH_BODY for a reply that is too large or not a JSON object. Network
 * errors, 429 and 5xx are retried as `network.retries` allows; the final error says how many
 * attempts were made. A clock skew over five minutes is warned about and noted in the bundle.
 */
export async function fetchBundle(options: FetchRequest): Promise<FetchedBundle> {
  const { base, token, taskId } = checkRequest(options);
  const origin = `${base.href.replace(/\/+$/, '')}/v3/tasks/${encodeURIComponent(taskId)}/certkey`;
  const host = base.host;
  const cap = options.maxBodyBytes ?? MAX_BODY_BYTES;

  const net = buildDispatcher(options.network ?? {}, options.timeoutMs, options.onRetry);
  const totalMs = net.budgetMs(options.timeoutMs * DEADLINE_FACTOR);
  const deadline = AbortSignal.timeout(totalMs);
  try {
    const url = `${origin}?enable_ca_cert=true`;
    const response = await send(net.dispatcher, url, token, options, deadline);
    net.delivered();
    const skew = clockSkewSeconds(headerOf(response, 'date'), Date.now());
    const requestId = headerOf(response, 'x-request-id');
    debug('GET %s: %d, request id %s', origin, response.statusCode, clean(requestId ?? '', token));

    if (response.statusCode !== 200) {
      const body = await readBody(response, MAX_ERROR_BODY_BYTES, host, 'truncate');
      const reply = {
        status: response.statusCode,
        contentType: headerOf(response, 'content-type') ?? '',
        body: new TextDecoder().decode(body),
        ...(requestId ? { requestId } : {}),
        ...withLocation(headerOf(response, 'location')),
      };
      const signed = options.credentials !== undefined;
      throw httpError(reply, origin, token, { signed, ...(skew === undefined ? {} : { skew }) });
    }

    const body = await readBody(response, cap, host, 'fail');
    const raw = toRawBundle(decodeReply(body, host, headerOf(response, 'content-type')), origin);
    const note = skewNote(skew, host);
    if (note) {
      raw.notes = [...(raw.notes ?? []), note];
      (options.warn ?? warnOncePerHost(host))(`certkey: warning: ${note}`);
    }
    return {
      raw,
      attempts: net.attempts(),
      ...(requestId ? { requestId: clean(requestId, token) } : {}),
      ...withDate(headerOf(response, 'date')),
      ...(skew === undefined ? {} : { clockSkewSeconds: skew }),
    };
  } catch (error) {
    const failure = failureOf(error, deadline, host, totalMs, options.timeoutMs);
    throw withAttempts(failure, net.attempts());
  } finally {
    await net.close();
  }
}

/** Hosts already warned about on stderr: a wave of tasks warns once per host, not per task. */
const warnedHosts = new Set<string>();

/** The default warning: one line on stderr, the first time for each host. */
function warnOncePerHost(host: string): (line: string) => void {
  return (line) => {
    if (warnedHosts.has(host)) return;
    warnedHosts.add(host);
    process.stderr.write(`${line}\n`);
  };
}

/** Any failure as a CertkeyError. */
function failureOf(
  error: unknown,
  deadline: AbortSignal,
  host: string,
  totalMs: number,
  timeoutMs: number,
): CertkeyError {
  if (error instanceof CertkeyError) return error;
  if (deadline.aborted) return deadlineError(host, totalMs);
  return networkError(error, host, timeoutMs);
}

/** Sends the GET; redirects are not followed, so the token only reaches the endpoint. */
function send(
  dispatcher: Dispatcher,
  url: string,
  token: string,
  options: FetchRequest,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  return request(url, {
    method: 'GET',
    dispatcher,
    signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    headers: {
      ...(options.credentials
        ? signRequest({ method: 'GET', url, headers: {} }, options.credentials)
        : { 'x-auth-token': token }),
      'user-agent': options.userAgent,
      accept: 'application/json',
    },
  });
}

/** Reads the body up to `cap` bytes: past it, either keep what came or fail. */
async function readBody(
  response: Dispatcher.ResponseData,
  cap: number,
  host: string,
  over: 'truncate' | 'fail',
): Promise<Buffer> {
  const declared = Number(headerOf(response, 'content-length') ?? NaN);
  if (over === 'fail' && declared > cap) throw tooLarge(host, cap);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > cap) {
      response.body.destroy();
      if (over === 'fail') throw tooLarge(host, cap);
      chunks.push(buffer.subarray(0, buffer.length - (size - cap)));
      break;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Decodes a 200 reply, which must be a UTF-8 JSON object. */
function decodeReply(body: Buffer, host: string, contentType: string | undefined): unknown {
  const type = clean((contentType ?? 'no content type').split(';')[0] ?? '', '');
  const fail = (what: string) =>
    new CertkeyError(
      'E_FETCH_BODY',
      `the 200 reply from ${host} is ${what} (content type ${type})`,
      'check that --endpoint is the SMS API and not a proxy or login page',
    );

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw fail('not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fail('JSON but not an object');
  }
  return json;
}

/** The E_FETCH_BODY error for a reply over the cap. */
function tooLarge(host: string, cap: number): CertkeyError {
  return new CertkeyError(
    'E_FETCH_BODY',
    `the reply from ${host} is over ${cap} bytes, more than a certkey reply can be`,
    'check that --endpoint is the SMS API and not a proxy or download server',
  );
}

/** One response header as a string. */
function headerOf(response: Dispatcher.ResponseData, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `{ location }` when there is one, for exactOptionalPropertyTypes. */
function withLocation(location: string | undefined): { location?: string } {
  return location ? { location } : {};
}

/** `{ date }` when there is one. */
function withDate(date: string | undefined): { date?: string } {
  return date ? { date } : {};
}
