/**
 * What went wrong in a handshake, in OpenSSL's own words: a stable code, OpenSSL's reason
 * and whether the side that reports it decided (refused) or only felt the other side leave.
 */

/** One side's failure. */
export interface TlsFailure {
  /** An OpenSSL verify code (`CERT_HAS_EXPIRED`), an `ERR_SSL_*` code or a Node code. */
  code: string;
  /** OpenSSL's reason, such as `certificate has expired`. */
  reason: string;
  /**
   * True when this side made the decision (a verify error, a local OpenSSL error); false for
   * resets, alerts received from the peer and timeouts, which only echo the other side.
   */
  own: boolean;
  /** Where it happened: loading the certificate and key, the handshake, or afterwards. */
  stage: 'load' | 'handshake' | 'verify' | 'exchange' | 'timeout';
}

/**
 * OpenSSL 3's text for each verify code Node names (X509_verify_cert_error_string). The
 * listener side learns only the code from Node, so the words come from here; a test compares
 * them with what the running OpenSSL tells a client.
 */
const VERIFY_REASONS: Readonly<Record<string, string>> = {
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_GET_CRL: 'unable to get certificate CRL',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "unable to decrypt certificate's signature",
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'unable to decode issuer public key',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_HAS_EXPIRED: 'certificate has expired',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: "format error in certificate's notBefore field",
  ERROR_IN_CERT_NOT_AFTER_FIELD: "format error in certificate's notAfter field",
  OUT_OF_MEM: 'out of memory',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  CERT_REVOKED: 'certificate revoked',
  INVALID_CA: 'invalid CA certificate',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  INVALID_PURPOSE: 'unsuitable certificate purpose',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
  HOSTNAME_MISMATCH: 'hostname mismatch',
};

/** Whether a code is one of the certificate verification codes above (or Node's catch-all). */
export function isVerifyCode(code: string): boolean {
  return code in VERIFY_REASONS || code === 'UNSPECIFIED';
}

/** The failure for a verify code, as reported by Node's `authorizationError`. */
export function verifyFailure(code: string): TlsFailure {
  // Limitation: Node names only the codes listed above; others (such as a peer key below the
  // security level) reach the server side as UNSPECIFIED, without OpenSSL's words.
  const reason =
    VERIFY_REASONS[code] ?? 'certificate verification failed (OpenSSL reason not named by Node)';
  return { code, reason, own: true, stage: 'verify' };
}

/** The failure recorded when a side gave up waiting. */
export function timeoutFailure(timeoutMs: number, what: string): TlsFailure {
  return {
    code: 'ETIMEDOUT',
    reason: `${what} did not finish within ${timeoutMs} ms`,
    own: false,
    stage: 'timeout',
  };
}

/** Node's extra advice on verify errors, which does not apply to an explicit `ca`. */
const NODE_HINT = /;\s*if the root CA is installed locally.*$/s;

/**
 * Describes anything a TLS socket, server or secure context threw. The message is never
 * shown as is: OpenSSL's `reason` (or the first clause of the message) is kept, without
 * source file paths.
 */
export function describeTlsError(error: unknown, stage: TlsFailure['stage']): TlsFailure {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    reason?: unknown;
    message?: unknown;
  };
  const code = typeof fields.code === 'string' ? fields.code : 'UNKNOWN';
  const message = typeof fields.message === 'string' ? fields.message : String(error);

  if (isVerifyCode(code)) {
    const reason = message.replace(NODE_HINT, '').trim();
    return { code, reason: reason || verifyFailure(code).reason, own: true, stage: 'verify' };
  }

  const reason = typeof fields.reason === 'string' ? fields.reason : firstClause(message);
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return { code, reason, own: false, stage: 'timeout' };
  return { code, reason, own: isOwnError(code), stage };
}

/** Resets, broken pipes and received alerts are the peer's doing, not this side's. */
function isOwnError(code: string): boolean {
  if (code.includes('_ALERT_')) return false;
  return !['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_SOCKET_CLOSED'].includes(code);
}

/** OpenSSL messages read `...:SSL routines:func:reason:file:line:`; keep the reason. */
function firstClause(message: string): string {
  const line = message.split('\n')[0] ?? message;
  const parts = line.split(':');
  const routines = parts.findIndex((part) => / routines$/.test(part));
  if (routines >= 0 && parts[routines + 2]) return parts[routines + 2] as string;
  return line.trim();
}
