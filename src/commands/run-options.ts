/** Reads and validates the options of `certkey run`; every mistake is E_USAGE naming the flag. */
import { readFile } from 'node:fs/promises';
import { CertkeyError } from '../errors.js';
import type { NetworkOptions } from '../intake/dispatcher.js';
import type { AkSkCredentials } from '../intake/sign.js';
import type { CheckOptions } from '../model.js';
import { VERSION } from '../version.js';

/**
 * How a fetch authenticates (an IAM token, or AK/SK signing), and the network path it takes
 * (proxy, private CA, retries).
 */
export type ApiAuth = ({ token: string } | { credentials: AkSkCredentials }) & {
  network?: NetworkOptions;
};

/** The retries of a fetch when --retries is not given. */
export const DEFAULT_RETRIES = 3;

/** The global IAM endpoint, the default of --iam-endpoint. */
export const DEFAULT_IAM_ENDPOINT = 'https://iam.myhuaweicloud.com';

/** Where the bundle comes from. */
export type BundleSource =
  | { kind: 'file'; path: string }
  | ({ kind: 'api'; endpoint: string; taskId: string; saveTo?: string } & ApiAuth);

/** Validated options of `certkey run`. */
export interface RunOptions {
  source: BundleSource;
  check: CheckOptions;
  out: string;
  strict: boolean;
  json: boolean;
  verbose: boolean;
  timeoutMs: number;
}

/** Parses `--at`; a date alone means midnight UTC of that day. */
export function parseAt(value: unknown): Date {
  if (value === undefined) return new Date();

  const text = String(value);
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(at.getTime()) || !isCalendarDate(text)) {
    throw new CertkeyError(
      'E_USAGE',
      `--at ${JSON.stringify(text)} is not a date`,
      'give an ISO date such as 2027-03-01 or 2027-03-01T22:00:00Z',
    );
  }
  return at;
}

/**
 * Whether the date part of an ISO text names a real day: `new Date` rolls 2027-02-30 over
 * into March instead of refusing it.
 */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return true;

  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The longest `--timeout` accepted: an hour, far below what timers can hold. */
const MAX_TIMEOUT_SECONDS = 3600;

/**
 * The shortest `--timeout` accepted. The same timeout bounds the fetch from SMS (a TCP
 * connection, TLS and the reply, across regions or through a proxy: several round trips of
 * up to a few hundred ms) and each loopback handshake (tens of ms on an idle machine, several
 * times that on a busy CI runner with 4096-bit keys). Below a second it measures the machine
 * and the network, not the bundle: a healthy bundle fails its mtls checks.
 */
const MIN_TIMEOUT_SECONDS = 1;

/** `--timeout` in milliseconds: from 1 second to an hour. */
export function timeoutMsOf(value: unknown): number {
  const seconds = Number(value ?? 10);
  if (Number.isFinite(seconds) && seconds > 0 && seconds < MIN_TIMEOUT_SECONDS) {
    throw new CertkeyError(
      'E_USAGE',
      `--timeout ${String(value)} is under ${MIN_TIMEOUT_SECONDS} second: the fetch and the ` +
        'handshakes of a healthy bundle would time out',
      `give --timeout ${MIN_TIMEOUT_SECONDS} or more (seconds; default 10)`,
    );
  }
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new CertkeyError(
      'E_USAGE',
      `--timeout must be a number of seconds from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS}`,
      'fix --timeout (default 10)',
    );
  }
  return Math.round(seconds * 1000);
}

/** A finite, non-negative number option. */
function nonNegative(name: string, value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new CertkeyError('E_USAGE', `--${name} must be a number of 0 or more`, `fix --${name}`);
  }
  return number;
}

/** The IAM token: SMS_AUTH_TOKEN, or the first line of --token-file. */
export async function readToken(tokenFile: unknown): Promise<string> {
  if (typeof tokenFile === 'string') {
    let text: string;
    try {
      text = await readFile(tokenFile, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CertkeyError(
        'E_INPUT_READ',
        `cannot read the token file ${tokenFile} (${reason})`,
        'check the path given to --token-file',
      );
    }
    const token = text.trim();
    if (token) return token;
    throw new CertkeyError(
      'E_INPUT_READ',
      `the token file ${tokenFile} is empty`,
      'put the IAM token (the X-Subject-Token value) in it',
    );
  }

  const token = process.env.SMS_AUTH_TOKEN?.trim();
  if (token) return token;
  throw new CertkeyError(
    'E_USAGE',
    'no token: SMS_AUTH_TOKEN is not set and --token-file is not given',
    'export SMS_AUTH_TOKEN=<IAM token> (`certkey token` gets one) or pass --token-file FILE; ' +
      'for AK/SK, export HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK or pass --credentials-file',
  );
}

/**
 * An IAM token from --iam-user; else AK/SK from --credentials-file; else the token
 * (--token-file, SMS_AUTH_TOKEN); else AK/SK from HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK.
 */
async function readAuth(
  argv: Record<string, unknown>,
  network: NetworkOptions,
  timeoutMs: number,
): Promise<ApiAuth> {
  const file = argv['credentials-file'];
  if (typeof file === 'string' && argv['token-file'] !== undefined) {
    throw new CertkeyError(
      'E_USAGE',
      '--credentials-file and --token-file both given',
      'give one of them',
    );
  }
  if (argv['iam-user'] !== undefined) return { token: await iamToken(argv, network, timeoutMs) };

  const { loadCredentials, readCredentials } = await import('../intake/credentials.js');
  if (typeof file === 'string') return { credentials: await loadCredentials({ file }) };
  if (argv['token-file'] === undefined && !process.env.SMS_AUTH_TOKEN?.trim()) {
    const credentials = await readCredentials();
    if (credentials) return { credentials };
  }
  return { token: await readToken(argv['token-file']) };
}

/**
 * Gets a token for --iam-user with the password from HUAWEICLOUD_IAM_PASSWORD or a prompt.
 * The project defaults to the region in --endpoint (`sms.<region>.`).
 */
async function iamToken(
  argv: Record<string, unknown>,
  network: NetworkOptions,
  timeoutMs: number,
): Promise<string> {
  for (const other of ['token-file', 'credentials-file']) {
    if (argv[other] === undefined) continue;
    const message = `--iam-user and --${other} both given`;
    throw new CertkeyError('E_USAGE', message, 'give one way to authenticate');
  }
  const text = (flag: string): string | undefined => {
    const value = argv[flag];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value.trim()) return value.trim();
    throw new CertkeyError('E_USAGE', `--${flag} is empty`, `give --${flag} NAME`);
  };
  const user = text('iam-user') ?? '';
  const domain = text('iam-domain');
  if (domain === undefined) {
    throw new CertkeyError(
      'E_USAGE',
      '--iam-user needs --iam-domain',
      'add --iam-domain NAME (the account the IAM user belongs to)',
    );
  }
  const project = text('iam-project') ?? regionOf(argv.endpoint);

  const { fetchIamToken, readIamPassword } = await import('../intake/iam.js');
  const password = await readIamPassword({ who: `${user}@${domain}` });
  const { token } = await fetchIamToken({
    endpoint: text('iam-endpoint') ?? DEFAULT_IAM_ENDPOINT,
    user,
    domain,
    project,
    password,
    timeoutMs,
    userAgent: `certkey/${VERSION}`,
    network,
  });
  return token;
}

/** The region of `https://sms.<region>.<domain>`, the usual project name. */
export function regionOf(endpoint: unknown): string {
  const host = typeof endpoint === 'string' && URL.canParse(endpoint) ? new URL(endpoint).host : '';
  const region = /^sms\.([a-z0-9-]+)\./.exec(host)?.[1];
  if (region) return region;
  throw new CertkeyError(
    'E_USAGE',
    '--iam-project is needed: --endpoint does not read sms.<region>.…',
    'add --iam-project NAME (the project, often the region id such as ap-southeast-3)',
  );
}

/** --proxy, --endpoint-ca and --retries. */
export async function readNetworkOptions(argv: Record<string, unknown>): Promise<NetworkOptions> {
  const retries = Number(argv.retries ?? DEFAULT_RETRIES);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new CertkeyError('E_USAGE', '--retries must be a whole number from 0 to 10', 'fix it');
  }

  const { proxyUrl, readEndpointCa } = await import('../intake/dispatcher.js');
  const proxy = argv.proxy;
  const ca = argv['endpoint-ca'];
  if (proxy !== undefined && typeof proxy !== 'string') {
    throw new CertkeyError('E_USAGE', '--proxy needs a URL', 'give --proxy http://host:port');
  }
  if (ca !== undefined && (typeof ca !== 'string' || ca === '')) {
    throw new CertkeyError('E_USAGE', '--endpoint-ca needs a file', 'give --endpoint-ca FILE');
  }
  return {
    retries,
    ...(proxy === undefined ? {} : { proxy: proxyUrl(proxy, '--proxy') }),
    ...(ca === undefined ? {} : { endpointCa: await readEndpointCa(ca) }),
  };
}

/** Validates the arguments of `certkey run`. */
export async function readRunOptions(argv: Record<string, unknown>): Promise<RunOptions> {
  const bundle = argv.bundle;
  const taskId = argv['task-id'];
  const endpoint = argv.endpoint;

  if (bundle !== undefined && taskId !== undefined) {
    throw new CertkeyError('E_USAGE', '--bundle and --task-id both given', 'give one of them');
  }
  let source: BundleSource;
  if (typeof bundle === 'string') {
    source = { kind: 'file', path: bundle };
  } else if (typeof taskId === 'string' && taskId !== '') {
    if (typeof endpoint !== 'string' || endpoint === '') {
      throw new CertkeyError(
        'E_USAGE',
        '--task-id needs --endpoint',
        'add --endpoint https://sms.<region>.myhuaweicloud.com',
      );
    }
    const network = await readNetworkOptions(argv);
    const timeout = timeoutMsOf(argv.timeout);
    const saveTo = await readSaveBundle(argv);
    source = {
      kind: 'api',
      endpoint,
      taskId,
      ...(await readAuth(argv, network, timeout)),
      network,
      ...(saveTo === undefined ? {} : { saveTo }),
    };
  } else {
    throw new CertkeyError(
      'E_USAGE',
      'nothing to check: give --bundle FILE or --task-id ID --endpoint URL',
      'see `certkey run --help`',
    );
  }

  const timeoutMs = timeoutMsOf(argv.timeout);
  return {
    source,
    check: {
      at: parseAt(argv.at),
      minDays: nonNegative('min-days', argv['min-days'] ?? 30),
      handshakeTimeoutMs: timeoutMs,
    },
    out: typeof argv.out === 'string' ? argv.out : 'reports',
    strict: argv.strict === true,
    json: argv.json === true,
    verbose: argv.verbose === true,
    timeoutMs,
  };
}

/** `--save-bundle FILE`: only for a fetch, and refused early when FILE is readable by others. */
async function readSaveBundle(argv: Record<string, unknown>): Promise<string | undefined> {
  const path = argv['save-bundle'];
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path === '') {
    throw new CertkeyError('E_USAGE', '--save-bundle needs a file name', 'add --save-bundle FILE');
  }

  const { checkSaveTarget } = await import('../intake/save.js');
  await checkSaveTarget(path);
  return path;
}
