import t from 'tap';
import type { Refusal, Sides } from '../../src/handshake/explain.js';
import { verifyFailure, type TlsFailure } from '../../src/handshake/failure.js';
import { remedyFor } from '../../src/handshake/remedy.js';

const sides: Sides = {
  target: { cert: 'target_data_cert', key: 'target_data_private_key' },
  source: { cert: 'cert', key: 'private_key' },
};
const env = { openssl: '3.5.9', securityLevel: 2 };

function openssl(code: string, reason: string, stage: TlsFailure['stage']): TlsFailure {
  return { code, reason, own: true, stage };
}

// [what happened, the refusal, what the remedy must say]
const cases: [string, Refusal, RegExp][] = [
  [
    'the listener refused the source certificate',
    { side: 'listener', listener: verifyFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE') },
    /^cert was not issued by a certificate in ca: fetch the bundle again/,
  ],
  [
    'the client refused the target certificate',
    { side: 'client', client: verifyFailure('CERT_HAS_EXPIRED') },
    /^target_data_cert \(or its CA\) has expired/,
  ],
  [
    'the listener could not load a small key',
    { side: 'listener', listener: openssl('ERR_SSL_EE_KEY_TOO_SMALL', 'ee key too small', 'load') },
    /^target_data_cert's key is below OpenSSL 3\.5\.9's security level 2/,
  ],
  [
    'the client could not load a key that is not its own',
    {
      side: 'client',
      client: openssl('ERR_OSSL_X509_KEY_VALUES_MISMATCH', 'key values mismatch', 'load'),
    },
    /^the private key does not belong to cert/,
  ],
  [
    'TLS 1.2 found no cipher for the target key',
    {
      side: 'listener',
      listener: openssl('ERR_SSL_NO_SHARED_CIPHER', 'no shared cipher', 'handshake'),
    },
    /^target_data_cert allows no TLS 1\.2 key exchange/,
  ],
  [
    'a weak digest the client named only in words',
    {
      side: 'client',
      client: { ...verifyFailure('UNSPECIFIED'), reason: 'CA signature digest algorithm too weak' },
    },
    /^target_data_cert or a CA above it is signed with a hash below the security level/,
  ],
  [
    'a verify error the listener could not name',
    { side: 'listener', listener: verifyFailure('UNSPECIFIED') },
    /for a reason Node does not name: the chain, usage and strength checks of cert and ca/,
  ],
  [
    'nothing answered',
    {
      side: 'timeout',
      client: { code: 'ETIMEDOUT', reason: 'x', own: false, stage: 'timeout' },
    },
    /raise --timeout/,
  ],
  ['no failure at all', { side: 'unknown' }, /compare both sides/],
];

for (const [what, refusal, remedy] of cases) {
  t.test(what, async (t) => {
    t.match(remedyFor(refusal, sides, env), remedy);
  });
}
