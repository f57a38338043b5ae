/**
 * How the mock decides whether a request may read a bundle. Token checks today; an AK/SK
 * signature check is another function of the same shape.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { MOCK_ERRORS, type MockError } from './replies.js';

/** Checks a request's credentials: undefined when accepted, else the error to send. */
export type Authenticator = (req: IncomingMessage) => MockError | undefined;

/** Accepts requests whose `X-Auth-Token` equals `token`, compared in constant time. */
export function tokenAuthenticator(token: string): Authenticator {
  const expected = digest(token);
  return (req) => {
    const sent = req.headers['x-auth-token'];
    if (typeof sent !== 'string' || sent === '') return MOCK_ERRORS.tokenMissing;
    return timingSafeEqual(digest(sent), expected) ? undefined : MOCK_ERRORS.tokenWrong;
  };
}

/** Hashing first gives equal lengths, so the comparison leaks neither content nor length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
