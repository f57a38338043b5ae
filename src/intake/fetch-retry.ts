/**
 * When a failed request is worth sending again, and how long to wait first: network errors
 * that a second try may not meet, 429 and 5xx replies. Other 4xx replies are answers, not
 * accidents, and are never retried. Waits grow exponentially with jitter, or follow the
 * reply's Retry-After (seconds or an HTTP date, RFC 9110 section 10.2.3), capped.
 */
/** The longest wait between two attempts, Retry-After included. */
export const MAX_WAIT_MS = 30_000;

/** Connection failures a retry may get past; TLS and DNS-name failures are not among them. */
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** What undici hands the retry callback: a status error or a network error. */
interface FailedAttempt {
  statusCode?: number;
  code?: string;
  headers?: Record<string, string | string[] | undefined>;
  cause?: unknown;
}

/**
 * The wait in milliseconds before attempt `failures + 1`, or undefined when the failure is
 * final: not retryable, or `retries` already used. `failures` counts the attempts that
 * failed so far (1 after the first).
 */
export function retryDecision(
  error: Error,
  failures: number,
  retries: number,
  backoffMs: number,
): number | undefined {
  const failed = error as Error & FailedAttempt;
  if (failures > retries) return undefined;

  if (typeof failed.statusCode === 'number') {
    if (!retryableStatus(failed.statusCode)) return undefined;
    const after = retryAfterMs(header(failed.headers, 'retry-after'));
    if (after !== undefined) return Math.min(after, MAX_WAIT_MS);
    return backoff(failures, backoffMs);
  }

  return retryableCode(failed) ? backoff(failures, backoffMs) : undefined;
}

/** 429 and every 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Whether the error, or its cause, is a connection failure worth another try. */
function retryableCode(error: FailedAttempt): boolean {
  const cause = error.cause as FailedAttempt | undefined;
  return RETRY_CODES.has(error.code ?? '') || RETRY_CODES.has(cause?.code ?? '');
}

/** `base * 2^(n-1)`, capped, with equal jitter: between half and all of it. */
function backoff(failures: number, backoffMs: number): number {
  const ceiling = Math.min(backoffMs * 2 ** (failures - 1), MAX_WAIT_MS);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Retry-After in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;

  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** One header as a string. */
function header(headers: FailedAttempt['headers'], name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}
