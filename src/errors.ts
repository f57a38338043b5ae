/**
 * Every error certkey shows a user: a stable code, a sentence naming the field or file,
 * and a remedy. Exit codes are part of the interface and documented in the README.
 */

/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  fetch: 3,
  internal: 70,
  sigint: 130,
  sigterm: 143,
} as const;

/** The stable error codes and the exit code each leads to. */
export const ERROR_CODES = {
  E_USAGE: EXIT.usage,
  E_INPUT_READ: EXIT.usage,
  E_INPUT_JSON: EXIT.usage,
  E_INPUT_SHAPE: EXIT.usage,
  E_CONFIG: EXIT.usage,
  E_FETCH_HTTP: EXIT.fetch,
  E_FETCH_NETWORK: EXIT.fetch,
  E_FETCH_TIMEOUT: EXIT.fetch,
  E_FETCH_BODY: EXIT.fetch,
  E_AUTH: EXIT.usage,
  E_REPORT_WRITE: EXIT.usage,
  E_OUTPUT_EXISTS: EXIT.usage,
  E_OUTPUT_WRITE: EXIT.usage,
  E_INTERNAL: EXIT.internal,
  E_INTERRUPTED: EXIT.sigint,
} as const;

/** A stable error code, such as `E_FETCH_HTTP`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error meant for a user: printed as one line plus a remedy, never with a stack. */
export class CertkeyError extends Error {
  /** The stable code. */
  readonly code: ErrorCode;
  /** What the user can do about it. */
  readonly remedy: string;
  /** The process exit code this error leads to. */
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, remedy: string) {
    super(message);
    this.name = 'CertkeyError';
    this.code = code;
    this.remedy = remedy;
    this.exitCode = ERROR_CODES[code];
  }
}

/** Formats an error as the one or two lines printed on stderr. */
export function formatError(error: CertkeyError): string {
  return `certkey: ${error.code}: ${error.message}\n  remedy: ${error.remedy}\n`;
}

/**
 * Turns anything thrown into a CertkeyError. Unknown errors become E_INTERNAL with their
 * message only: no stack, and the message is scrubbed of PEM blocks in case a library
 * echoed its input.
 */
export function toCertkeyError(error: unknown): CertkeyError {
  if (error instanceof CertkeyError) return error;

  const raw = error instanceof Error ? error.message : String(error);
  return new CertkeyError(
    'E_INTERNAL',
    `unexpected failure: ${scrubSecrets(raw)}`,
    'this is a bug in certkey: run again with NODE_DEBUG=certkey and report the output',
  );
}

/** Removes PEM blocks and long base64 runs from a message before it is shown. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/-----BEGIN [^-]+-----[\s\S]*?(-----END [^-]+-----|$)/g, '[PEM removed]')
    .replace(/[A-Za-z0-9+/=]{40,}/g, '[data removed]');
}
