/**
 * AK/SK authentication for the mock, as the API gateway in front of SMS does it: a request
 * whose Authorization header is `SDK-HMAC-SHA256 ...` is judged by its signature against a
 * known AK/SK; a refusal is a 401 with the gateway's `{error_code, error_msg, request_id}`.
 */
import type { IncomingMessage } from 'node:http';
import {
  ALGORITHM,
  verifySignature,
  type AkSkCredentials,
  type SignatureRejection,
} from '../intake/sign.js';
import type { Authenticator } from './auth.js';
import type { MockError } from './replies.js';

/** The mock's clock; tests set it to judge X-Sdk-Date against a chosen moment. */
export type Clock = () => Date;

/** The 401 the gateway sends for a refused signature. */
export function rejectionError(rejection: SignatureRejection): MockError {
  return { status: 401, code: rejection.errorCode, message: rejection.errorMsg, fromGateway: true };
}

/**
 * Checks one received request and its body against the known AK/SK: undefined when the
 * signature holds, else the error to send.
 */
export function checkSignedRequest(
  req: IncomingMessage,
  body: Uint8Array,
  credentials: AkSkCredentials,
  now: Date,
): MockError | undefined {
  const verdict = verifySignature(
    { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
    credentials,
    now,
  );
  return verdict.ok ? undefined : rejectionError(verdict);
}

/**
 * Accepts requests signed with the known AK/SK.
 *
 * Limitation: an Authenticator sees the request before its body is read, so the body is
 * taken as empty. The certkey API is a GET without one; a route with a body should call
 * checkSignedRequest once the body is in.
 */
export function akskAuthenticator(
  credentials: AkSkCredentials,
  clock: Clock = () => new Date(),
): Authenticator {
  return (req) => checkSignedRequest(req, new Uint8Array(), credentials, clock());
}

/**
 * Token or AK/SK, as the service takes either: a request carrying an `SDK-HMAC-SHA256`
 * Authorization header is judged by its signature, any other by `token`. Without
 * credentials this is `token` itself.
 */
export function withAkSk(
  token: Authenticator,
  credentials: AkSkCredentials | undefined,
  clock: Clock = () => new Date(),
): Authenticator {
  if (!credentials) return token;

  const aksk = akskAuthenticator(credentials, clock);
  return (req) => {
    const authorization = req.headers['authorization'];
    const signed = typeof authorization === 'string' && authorization.startsWith(ALGORITHM);
    return signed ? aksk(req) : token(req);
  };
}
