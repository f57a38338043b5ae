/**
 * How certkey reaches SMS and IAM through an enterprise network: the proxy (HTTPS_PROXY,
 * HTTP_PROXY and NO_PROXY, or --proxy), a private CA for the endpoints (--endpoint-ca) and
 * retries with backoff (--retries). One undici dispatcher carries all three; fetch.ts and
 * iam.ts ask this module for it and know nothing of proxies.
 */
import { rootCertificates } from 'node:tls';
import * as tls from 'node:tls';
import { debuglog } from 'node:util';
import {
  EnvHttpProxyAgent,
  ProxyAgent,
  interceptors,
  type buildConnector,
  type Dispatcher,
} from 'undici';
import { CertkeyError } from '../errors.js';
import { MAX_WAIT_MS, retryDecision } from './fetch-retry.js';
import { proxyClientFactory, tunnelPoolFactory } from './proxy-connect.js';

const debug = debuglog('certkey');

/** The network choices a user makes on the command line. */
export interface NetworkOptions {
  /** `--proxy URL`: every request goes through it, whatever the environment says. */
  proxy?: string;
  /** `--endpoint-ca`: PEM text of CA certificates trusted beside the system's. */
  endpointCa?: string;
  /** `--retries`: how many times a failed request is sent again; none when absent. */
  retries?: number;
  /** The first backoff in milliseconds, doubled on each retry; 500 when absent. */
  backoffMs?: number;
  /** Where proxy variables are read; process.env when absent. */
  env?: Record<string, string | undefined>;
}

/**
 * Told of each failed attempt that will be retried: its number (1 for the first), why it
 * failed (an HTTP status or an error code, never a header or a body) and the wait before the
 * next one. `run --verbose` prints it.
 */
export type RetryListener = (attempt: number, why: string, waitMs: number) => void;

/** A dispatcher for one fetch, with what it saw. */
export interface BuiltDispatcher {
  dispatcher: Dispatcher;
  /** How many times a request was sent so far, first try included. */
  attempts(): number;
  /** Call once a reply is handed to the caller: from then on nothing is retried. */
  delivered(): void;
  /** The longest a request can take in all, retries and waits included. */
  budgetMs(perAttemptMs: number): number;
  /** Drops every connection. */
  close(): Promise<void>;
}

/** The proxy variables, in undici's order of preference (lowercase first). */
const PROXY_VARIABLES = {
  http: ['http_proxy', 'HTTP_PROXY'],
  https: ['https_proxy', 'HTTPS_PROXY'],
  none: ['no_proxy', 'NO_PROXY'],
} as const;

/**
 * Builds the dispatcher for one fetch. Throws E_USAGE for a bad --proxy and E_CONFIG for
 * a bad proxy variable; neither message shows a password the URL may carry.
 */
export function buildDispatcher(
  options: NetworkOptions,
  timeoutMs: number,
  onRetry?: RetryListener,
): BuiltDispatcher {
  const kept = KEPT.get(options);
  const base = kept?.built ?? proxiedAgent(options, connectOptions(options, timeoutMs));
  if (kept) kept.built = base;

  let attempts = 0;
  let delivered = false;
  const counting: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    attempts += 1;
    return dispatch(opts, handler);
  };
  const retries = options.retries ?? 0;
  const backoffMs = options.backoffMs ?? 500;
  const retry = interceptors.retry({
    throwOnError: false,
    maxRetries: retries,
    retry: (error, { state, opts }, callback) => {
      const wait = delivered ? undefined : retryDecision(error, state.counter, retries, backoffMs);
      if (wait === undefined || opts.method !== 'GET') return callback(error);
      const failed = error as Error & { statusCode?: number; code?: string };
      const why = failed.statusCode ?? failed.code ?? 'failure';
      debug('attempt %d failed (%s): retry in %d ms', state.counter, why, wait);
      onRetry?.(state.counter, String(why), wait);
      setTimeout(() => callback(null), wait);
    },
  });

  return {
    dispatcher: base.compose(counting, retry),
    attempts: () => attempts,
    delivered: () => {
      delivered = true;
    },
    budgetMs: (perAttemptMs) => perAttemptMs * (retries + 1) + retries * MAX_WAIT_MS,
    // A kept agent outlives the fetch: keepConnections' release destroys it.
    close: () => (kept ? Promise.resolve() : base.destroy().catch(() => undefined)),
  };
}

/** Agents kept by keepConnections, by the network options they serve; built at first use. */
const KEPT = new WeakMap<NetworkOptions, { built?: Dispatcher }>();

/**
 * Makes every fetch with these very options (the same object) share one agent, so a wave's
 * tasks reuse connections and TLS sessions to the endpoint instead of opening one each.
 * Each fetch still counts its own attempts and has its own retries and deadline. Call the
 * returned function once the fetches are done: it closes the connections.
 */
export function keepConnections(options: NetworkOptions): () => Promise<void> {
  const kept: { built?: Dispatcher } = {};
  KEPT.set(options, kept);
  return async () => {
    KEPT.delete(options);
    await kept.built?.destroy().catch(() => undefined);
  };
}

/** The connect and TLS options of every connection: the timeout and the endpoint's trust. */
function connectOptions(options: NetworkOptions, timeoutMs: number): buildConnector.BuildOptions {
  return { timeout: timeoutMs, ...trustOf(options.endpointCa) };
}

/** --proxy when given, else an agent that reads the proxy variables and NO_PROXY. */
function proxiedAgent(
  options: NetworkOptions,
  tlsOptions: buildConnector.BuildOptions,
): Dispatcher {
  const common = (proxyOf: (origin: URL) => string | undefined) => ({
    connect: tlsOptions,
    requestTls: tlsOptions,
    proxyTls: tlsOptions,
    clientFactory: proxyClientFactory,
    factory: tunnelPoolFactory(proxyOf),
  });
  if (options.proxy !== undefined) {
    const uri = proxyUrl(options.proxy, '--proxy');
    debug('proxy %s (from --proxy)', redactUrl(uri));
    return new ProxyAgent({ ...common(() => uri), uri });
  }

  const env = options.env ?? process.env;
  const [httpProxy, httpsProxy] = (['http', 'https'] as const).map((scheme) => {
    const name = PROXY_VARIABLES[scheme].find((variable) => env[variable]?.trim());
    if (!name) return '';
    const uri = proxyUrl(env[name] ?? '', name);
    debug('proxy for %s: %s (from %s)', scheme, redactUrl(uri), name);
    return uri;
  });
  const none = PROXY_VARIABLES.none.map((name) => env[name]).find((value) => value?.trim());
  // As undici picks: HTTPS_PROXY for an https endpoint, falling back to HTTP_PROXY.
  const proxyOf = (origin: URL) =>
    (origin.protocol === 'https:' ? httpsProxy || httpProxy : httpProxy) || undefined;
  return new EnvHttpProxyAgent({
    ...common(proxyOf),
    httpProxy: httpProxy ?? '',
    httpsProxy: httpsProxy ?? '',
    noProxy: none ?? '',
  });
}

/**
 * Checks a proxy URL; a bare `host:port`, as curl takes it, means http. Throws E_USAGE for
 * the flag or E_CONFIG for a variable, showing the URL without its password.
 */
export function proxyUrl(value: string, source: string): string {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const code = source.startsWith('--') ? 'E_USAGE' : 'E_CONFIG';
  const fail = (problem: string) =>
    new CertkeyError(
      code,
      `${source} ${problem}`,
      `give the proxy as http://[user:password@]host:port (${source})`,
    );

  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw fail('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail(`is not an http(s) proxy (${redactUrl(withScheme)})`);
  }
  if (!url.hostname) throw fail('names no host');
  return url.href;
}

/** A URL with any user name and password replaced, for messages and logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return url.href;
    url.username = '***';
    url.password = '';
    return url.href;
  } catch {
    return '[not a URL]';
  }
}

/**
 * TLS trust for the endpoints: the default store plus the private CA. Node's `ca` option
 * replaces the default store, so the default is listed again beside the private CA.
 *
 * Limitation: on Node 20 (no tls.getCACertificates) the default store listed again is the
 * bundled Mozilla set only; certificates from NODE_EXTRA_CA_CERTS or the system store are
 * not kept beside --endpoint-ca there.
 */
function trustOf(endpointCa: string | undefined): { ca?: string[] } {
  if (endpointCa === undefined) return {};

  const withDefaults = tls as typeof tls & { getCACertificates?: (kind: string) => string[] };
  const defaults = withDefaults.getCACertificates?.('default') ?? [...rootCertificates];
  return { ca: [...defaults, endpointCa] };
}

/** The largest --endpoint-ca file read: a CA bundle of a few hundred certificates. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

/**
 * Reads `--endpoint-ca FILE`: one or more PEM certificates. Throws E_INPUT_READ naming the
 * file when it cannot be read or holds no certificate that parses.
 */
export async function readEndpointCa(path: string): Promise<string> {
  const { readFile, stat } = await import('node:fs/promises');
  const { X509Certificate } = await import('node:crypto');
  const fail = (problem: string) =>
    new CertkeyError(
      'E_INPUT_READ',
      `--endpoint-ca ${path} ${problem}`,
      'give a PEM file of the CA that issued the endpoint certificate (BEGIN CERTIFICATE)',
    );

  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw fail('is not a file');
    if (info.size > MAX_CA_FILE_BYTES) throw fail(`is over ${MAX_CA_FILE_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof CertkeyError) throw error;
    throw fail(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }

  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks) throw fail('holds no PEM certificate');
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch {
      throw fail(`holds a certificate that does not parse (block ${index + 1})`);
    }
  });
  return `${blocks.join('\n')}\n`;
}
