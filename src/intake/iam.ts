/**
 * An IAM user token from a user name, domain (account) name and password, as Huawei Cloud's
 * IAM hands them out: `POST /v3/auth/tokens` with a password identity scoped to a project;
 * the token is the `X-Subject-Token` reply header and lasts 24 hours.
 *
 * The password goes in the request body and nowhere else: no message, log or report shows
 * it, and IAM's own error text is scrubbed of it before it is shown.
 */
import { debuglog } from 'node:util';
import { request, type Dispatcher } from 'undici';
import { CertkeyError } from '../errors.js';
import { buildDispatcher, type NetworkOptions } from './dispatcher.js';
import { clean, deadlineError, networkError } from './fetch-errors.js';

const debug = debuglog('certkey');

/** The variable the password is read from. */
export const PASSWORD_VARIABLE = 'HUAWEICLOUD_IAM_PASSWORD';

/** The global IAM endpoint, for messages. */
const GLOBAL_IAM = 'https://iam.myhuaweicloud.com';

/** Enough of a reply to read the token's expiry or IAM's error; the rest is dropped. */
const MAX_BODY_BYTES = 256 * 1024;

/** One token request. */
export interface IamTokenRequest {
  /** The IAM endpoint, such as https://iam.myhuaweicloud.com. */
  endpoint: string;
  /** The IAM user name. */
  user: string;
  /** The domain (account) name the user belongs to. */
  domain: string;
  /** The project the token is scoped to: its name, which is often the region id. */
  project: string;
  password: string;
  timeoutMs: number;
  /** `certkey/<version>`. */
  userAgent: string;
  /** Proxy and private CA, as for the SMS fetch; a POST is never retried. */
  network?: NetworkOptions;
}

/** A token as IAM issued it. */
export interface IamToken {
  /** The X-Subject-Token value: a secret, never to be printed except where asked for. */
  token: string;
  /** `token.expires_at` from the reply body, when it could be read. */
  expiresAt?: string;
}

/**
 * Checks an IAM endpoint and returns the token URL. Plain http is refused except on
 * loopback, since the password travels in the body. Throws E_USAGE naming the flag.
 */
export function iamTokenUrl(endpoint: string): URL {
  const usage = (problem: string) =>
    new CertkeyError(
      'E_USAGE',
      `--iam-endpoint ${problem}`,
      `give ${GLOBAL_IAM} or a regional one`,
    );

  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usage('is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw usage('is not https');
  if (url.protocol === 'http:' && !/^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(url.hostname)) {
    throw usage('must be https: the password would cross the network in clear text');
  }
  if (url.username || url.password) throw usage('must not hold a user name or password');
  if (url.search || url.hash) throw usage('must not hold a query or fragment');

  const base = url.pathname.replace(/\/+$/, '').replace(/\/v3\/auth\/tokens$/, '');
  return new URL(`${url.origin}${base}/v3/auth/tokens?nocatalog=true`);
}

/** The request body: a password identity scoped to a project by name. */
export function tokenRequestBody(request: IamTokenRequest): string {
  return JSON.stringify({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: request.user,
            password: request.password,
            domain: { name: request.domain },
          },
        },
      },
      scope: { project: { name: request.project } },
    },
  });
}

/**
 * Gets a project-scoped user token. Throws E_USAGE for a bad endpoint, E_AUTH when IAM
 * refuses the user (401, 403, 400, 404), E_FETCH_HTTP for a failure on IAM's side, and
 * E_FETCH_NETWORK or E_FETCH_TIMEOUT when no reply came. IAM is reached through the same
 * proxy and trusts the same private CA as the SMS fetch.
 */
export async function fetchIamToken(options: IamTokenRequest): Promise<IamToken> {
  const url = iamTokenUrl(options.endpoint);
  for (const [flag, value] of [
    ['--user', options.user],
    ['--domain', options.domain],
    ['--project', options.project],
  ] as const) {
    if (!value.trim()) throw new CertkeyError('E_USAGE', `${flag} is empty`, `give ${flag} NAME`);
  }

  const net = buildDispatcher({ ...options.network, retries: 0 }, options.timeoutMs);
  const totalMs = options.timeoutMs * 3;
  const deadline = AbortSignal.timeout(totalMs);
  try {
    const response = await send(net.dispatcher, url, options, deadline);
    debug('POST %s%s: %d', url.origin, url.pathname, response.statusCode);
    const body = await readBody(response);

    if (response.statusCode !== 200 && response.statusCode !== 201) {
      throw replyError(response.statusCode, body, options);
    }
    const token = headerOf(response, 'x-subject-token')?.trim();
    if (!token) {
      throw new CertkeyError(
        'E_AUTH',
        `IAM at ${url.host} answered ${response.statusCode} without an X-Subject-Token header`,
        `check that --iam-endpoint is IAM itself (${GLOBAL_IAM}), not a proxy or web page`,
      );
    }
    const expiresAt = expiryOf(body);
    return { token, ...(expiresAt ? { expiresAt } : {}) };
  } catch (error) {
    if (error instanceof CertkeyError) throw error;
    if (deadline.aborted) throw deadlineError(url.host, totalMs);
    // The shared sentences speak of --endpoint; here the flag is --iam-endpoint (but
    // --endpoint-ca stays: it serves both).
    const failure = networkError(error, url.host, options.timeoutMs);
    const remedy = failure.remedy.replace(/--endpoint(?!-)/g, '--iam-endpoint');
    throw new CertkeyError(failure.code, failure.message, remedy);
  } finally {
    await net.close();
  }
}

/** Sends the POST; redirects are not followed, so the password only reaches the endpoint. */
function send(
  dispatcher: Dispatcher,
  url: URL,
  options: IamTokenRequest,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  return request(url, {
    method: 'POST',
    dispatcher,
    signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    headers: {
      'content-type': 'application/json;charset=utf8',
      accept: 'application/json',
      'user-agent': options.userAgent,
    },
    body: tokenRequestBody(options),
  });
}

/** The reply body as text, cut at MAX_BODY_BYTES. */
async function readBody(response: Dispatcher.ResponseData): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      response.body.destroy();
      break;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `token.expires_at` when the body is the JSON IAM sends with a token. */
function expiryOf(body: string): string | undefined {
  try {
    const expires = (JSON.parse(body) as { token?: { expires_at?: unknown } }).token?.expires_at;
    return typeof expires === 'string' ? clean(expires, '') : undefined;
  } catch {
    return undefined;
  }
}

/** What to do, by status. */
const REMEDIES: Record<number, [CertkeyError['code'], string]> = {
  400: ['E_AUTH', 'check --project (a project name such as ap-southeast-3) and --domain'],
  401: [
    'E_AUTH',
    `check --user, --domain (the account name) and ${PASSWORD_VARIABLE}; after several ` +
      'failures IAM locks the user for a while',
  ],
  403: [
    'E_AUTH',
    'the user may be disabled, lack programmatic access, or be barred by an access policy ' +
      '(allowed IP ranges): check the user in the IAM console',
  ],
  404: ['E_AUTH', `check --iam-endpoint: it is ${GLOBAL_IAM} or a regional IAM endpoint`],
};

/** The error for a reply other than 200 or 201, with IAM's own words. */
function replyError(status: number, body: string, options: IamTokenRequest): CertkeyError {
  const [code, remedy] = REMEDIES[status] ?? [
    'E_FETCH_HTTP',
    status >= 300 && status < 400
      ? `IAM redirects: give the final address as --iam-endpoint`
      : 'IAM failed: retry later',
  ];
  const said = iamMessage(body, options.password);
  const user = scrubPassword(options.user, options.password);
  const domain = scrubPassword(options.domain, options.password);
  const message = `IAM refused a token for user ${user} of domain ${domain} (${status}): ${said}`;
  return new CertkeyError(code, message, remedy);
}

/**
 * IAM's message from `{"error": {"code", "message"}}` or `{"error_code", "error_msg"}`,
 * scrubbed of the password; a stand-in when the body is neither.
 */
function iamMessage(body: string, password: string): string {
  let json: Record<string, unknown>;
  try {
    json = Object(JSON.parse(body)) as Record<string, unknown>;
  } catch {
    return body.trim() ? "a reply that is not IAM's JSON error" : 'an empty reply';
  }

  const error = json['error'];
  const nested =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const parts = [nested['code'] ?? json['error_code'], nested['message'] ?? json['error_msg']];
  const text = parts
    .filter((part) => typeof part === 'string' || typeof part === 'number')
    .join(': ');
  return scrubPassword(text, password) || "a reply without IAM's error fields";
}

/** Removes every occurrence of the password, then control characters and key material. */
function scrubPassword(text: string, password: string): string {
  const removed = password ? text.split(password).join('[password removed]') : text;
  return clean(removed, '');
}

/** One response header as a string. */
function headerOf(response: Dispatcher.ResponseData, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A terminal to ask on: stdin in the program, a stand-in in tests. */
export interface PromptInput extends NodeJS.EventEmitter {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Where the password comes from. */
export interface PasswordSources {
  /** The environment; process.env when absent. */
  env?: Record<string, string | undefined>;
  /** process.stdin when absent. */
  input?: PromptInput;
  /** Where the question is written; process.stderr when absent, so stdout stays data. */
  output?: NodeJS.WritableStream;
  /** Named in the question, such as `migrator@example-domain`. */
  who?: string;
}

/**
 * The IAM password: HUAWEICLOUD_IAM_PASSWORD when set, else asked for on the terminal with
 * echo off. Throws E_USAGE when neither is possible, E_INTERRUPTED on Ctrl-C.
 */
export async function readIamPassword(sources: PasswordSources = {}): Promise<string> {
  const fromEnv = (sources.env ?? process.env)[PASSWORD_VARIABLE]?.replace(/\r?\n$/, '');
  if (fromEnv) return fromEnv;

  const input = sources.input ?? process.stdin;
  if (!input.isTTY || !input.setRawMode) {
    throw new CertkeyError(
      'E_USAGE',
      `no password: ${PASSWORD_VARIABLE} is not set and stdin is not a terminal to ask on`,
      `export ${PASSWORD_VARIABLE} (from a secret store, not typed into a script), or run ` +
        'certkey token in a terminal',
    );
  }

  const question = `IAM password${sources.who ? ` for ${sources.who}` : ''}: `;
  const password = await promptHidden(input, sources.output ?? process.stderr, question);
  if (password) return password;
  throw new CertkeyError('E_USAGE', 'the password is empty', 'type the IAM user password');
}

/**
 * Asks a question and reads one line in raw mode, echoing nothing. Backspace and Ctrl-U
 * edit; Enter or Ctrl-D ends; Ctrl-C (which raw mode turns into a character) interrupts.
 */
export function promptHidden(
  input: PromptInput,
  output: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const wasRaw = input.isRaw === true;

    const finish = (error?: CertkeyError) => {
      input.off('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') {
          const remedy = 'run certkey token again when ready';
          return finish(new CertkeyError('E_INTERRUPTED', 'interrupted at the password', remedy));
        }
        if (char === '\u007f' || char === '\b') answer = [...answer].slice(0, -1).join('');
        else if (char === '\u0015') answer = '';
        else if (char >= ' ') answer += char;
      }
    };

    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
    output.write(question);
  });
}
