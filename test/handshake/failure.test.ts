import t from 'tap';
import { connectTls } from '../../src/handshake/client.js';
import { describeTlsError, verifyFailure } from '../../src/handshake/failure.js';
import { startTargetServer } from '../../src/handshake/server.js';
import { makeCert, makeKey, type Issued } from '../../src/gen/pki.js';
import { identity, makeCa, makeLeaf, makePki } from './bundle.js';

const DAY = 86_400_000;

t.test(
  'the listener-side words for verify codes are the words OpenSSL gives the client',
  async (t) => {
    const pki = await makePki();
    const ecKey = () => makeKey({ type: 'ec' });
    const past = {
      notBefore: new Date(Date.now() - 30 * DAY),
      notAfter: new Date(Date.now() - DAY),
    };

    // [code, the listener's certificate, extra trusted CA certificates]
    const cases: [string, Issued, Issued[]][] = [
      [
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        await makeLeaf('target_mgmt_cert', await makeCa('CN=X')),
        [],
      ],
      ['CERT_HAS_EXPIRED', await makeLeaf('target_mgmt_cert', pki.ca, past), []],
      [
        'CERT_NOT_YET_VALID',
        await makeLeaf('target_mgmt_cert', pki.ca, { notBefore: new Date(Date.now() + DAY) }),
        [],
      ],
      [
        'INVALID_PURPOSE',
        await makeLeaf('target_mgmt_cert', pki.ca, { extKeyUsage: ['clientAuth'] }),
        [],
      ],
      [
        'DEPTH_ZERO_SELF_SIGNED_CERT',
        await makeCert({ subject: 'CN=self', key: await ecKey() }),
        [],
      ],
    ];

    for (const [code, leaf, extra] of cases) {
      const ca = [pki.ca.pem, ...extra.map((cert) => cert.pem)];
      const server = await startTargetServer({ ...identity(leaf), ca, timeoutMs: 20_000 });
      if (!('port' in server)) throw new Error(server.failure.reason);
      t.teardown(server.close);
      const outcome = await connectTls({
        host: '127.0.0.1',
        port: server.port,
        ...identity(pki.leaves.cert),
        ca,
        timeoutMs: 20_000,
      });
      t.equal(outcome.failure?.code, code);
      t.equal(outcome.failure?.reason, verifyFailure(code).reason, code);
    }
  },
);

t.test('OpenSSL errors keep the reason and drop source paths', async (t) => {
  const error = Object.assign(
    new Error(
      '40DD02AF887F0000:error:0A000410:SSL routines:ssl3_read_bytes:ssl/tls alert handshake ' +
        'failure:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 40\n',
    ),
    { code: 'ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE' },
  );
  const failure = describeTlsError(error, 'handshake');
  t.equal(failure.reason, 'ssl/tls alert handshake failure');
  t.equal(failure.own, false, 'an alert received is the peer speaking');

  const local = describeTlsError(
    Object.assign(new Error('x'), { code: 'ERR_SSL_NO_SHARED_CIPHER', reason: 'no shared cipher' }),
    'handshake',
  );
  t.same(local, {
    code: 'ERR_SSL_NO_SHARED_CIPHER',
    reason: 'no shared cipher',
    own: true,
    stage: 'handshake',
  });

  t.equal(
    describeTlsError(
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'handshake',
    ).own,
    false,
  );
  t.equal(describeTlsError('odd', 'load').code, 'UNKNOWN');
});

t.test('Node advice about system CAs is not part of the reason', async (t) => {
  const error = Object.assign(
    new Error(
      'unable to verify the first certificate; if the root CA is installed locally, try ' +
        'running Node.js with --use-system-ca',
    ),
    { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
  );
  t.same(describeTlsError(error, 'handshake'), {
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    reason: 'unable to verify the first certificate',
    own: true,
    stage: 'verify',
  });
  t.match(verifyFailure('UNSPECIFIED').reason, /not named by Node/);
});
