import { connect } from 'node:net';
import t from 'tap';
import { describeRefusal, refusalOf, type Sides } from '../../src/handshake/explain.js';
import { verifyFailure } from '../../src/handshake/failure.js';
import { controlContext } from '../../src/handshake/controls.js';
import { openTargetListener, runHandshake } from '../../src/handshake/mutual.js';
import { identity, makeCa, makeLeaf, makePki } from './bundle.js';

const pki = await makePki();
const ca = [pki.ca.pem];
const target = identity(pki.leaves.target_mgmt_cert);
const client = identity(pki.leaves.cert);
const sides: Sides = {
  target: { cert: 'target_mgmt_cert', key: 'target_mgmt_private_key' },
  source: { cert: 'cert', key: 'private_key' },
};

/** Resolves with the error code of a plain TCP connection attempt. */
function connectCode(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

t.test('a mutual handshake, and the listener is closed afterwards', async (t) => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    const result = await runHandshake({ target, client, ca, version, timeoutMs: 20_000 });
    t.equal(result.mutual, true, version);
    t.equal(result.client?.protocol, version);
    t.equal(result.server?.authorized, true);
    t.equal(refusalOf(result), undefined);
    t.type(result.port, 'number');
    t.equal(await connectCode(result.port as number), 'ECONNREFUSED');
  }
});

t.test('the listener is closed after a refusal too', async (t) => {
  const result = await runHandshake({ target, ca, timeoutMs: 20_000, verifyServer: false });
  t.equal(result.mutual, false);
  t.equal(result.server?.accepted, false);
  t.equal(result.server?.failure?.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  t.equal(await connectCode(result.port as number), 'ECONNREFUSED');
});

t.test('TLS 1.3: the client finishes first, but the listener has the last word', async (t) => {
  const stranger = identity(await makeLeaf('cert', await makeCa('CN=Other CA')));
  const result = await runHandshake({
    target,
    client: stranger,
    ca,
    version: 'TLSv1.3',
    timeoutMs: 20_000,
  });
  t.equal(result.client?.connected, true, 'the client saw a finished handshake');
  t.equal(result.client?.exchanged, false, 'but no byte came back');
  t.equal(result.mutual, false);

  const refusal = refusalOf(result);
  t.equal(refusal?.side, 'listener');
  t.equal(refusal?.listener?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.match(
    describeRefusal(refusal ?? { side: 'unknown' }, sides),
    'the target listener (target_mgmt_cert) refused the client certificate (cert): ' +
      'unable to verify the first certificate [UNABLE_TO_VERIFY_LEAF_SIGNATURE]',
  );
});

t.test('when both sides refuse, both are named', async (t) => {
  const other = await makeCa('CN=Other CA');
  const result = await runHandshake({
    target: identity(await makeLeaf('target_mgmt_cert', other)),
    client: identity(await makeLeaf('cert', other)),
    ca,
    version: 'TLSv1.3',
    timeoutMs: 20_000,
  });
  // The client refuses first; whether the listener read the client's certificate before the
  // connection dropped is a race, so either verdict is right.
  t.equal(result.mutual, false);
  t.match(refusalOf(result)?.side, /^(client|both)$/);

  const text = describeRefusal(
    {
      side: 'both',
      client: verifyFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      listener: verifyFailure('CERT_HAS_EXPIRED'),
    },
    sides,
  );
  t.equal(
    text,
    'the client (cert) refused the target certificate (target_mgmt_cert): unable to verify the ' +
      'first certificate [UNABLE_TO_VERIFY_LEAF_SIGNATURE]; and the target listener ' +
      '(target_mgmt_cert) refused the client certificate (cert): certificate has expired ' +
      '[CERT_HAS_EXPIRED]',
  );
});

t.test('a target key that does not match its certificate stops the listener', async (t) => {
  const wrong = { cert: target.cert, key: client.key };
  const result = await runHandshake({ target: wrong, client, ca, timeoutMs: 20_000 });
  t.equal(result.mutual, false);
  t.equal(result.port, undefined, 'nothing listened');
  t.match(result.serverLoad?.code, /KEY_VALUES_MISMATCH/);
  t.match(
    describeRefusal(refusalOf(result) ?? { side: 'unknown' }, sides),
    /could not load target_mgmt_cert with target_mgmt_private_key: key values mismatch/,
  );
});

t.test('one listener for every attempt against a target, each judged on its own', async (t) => {
  const listener = await openTargetListener({ target, ca, timeoutMs: 20_000 });
  const [tls12, tls13, bare, foreign] = await Promise.all([
    listener.attempt({ client, version: 'TLSv1.2' }),
    listener.attempt({ client, version: 'TLSv1.3' }),
    listener.attempt({ context: await controlContext('no-cert'), verifyServer: false }),
    listener.attempt({ context: await controlContext('foreign'), verifyServer: false }),
  ]);
  const port = tls12.port as number;
  t.same([tls13.port, bare.port, foreign.port], [port, port, port], 'the same listener');

  t.equal(tls12.mutual, true);
  t.equal(tls12.client?.protocol, 'TLSv1.2', 'the client pins the version');
  t.equal(tls13.mutual, true);
  t.equal(tls13.client?.protocol, 'TLSv1.3');
  t.equal(bare.mutual, false);
  t.equal(bare.server?.failure?.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  t.equal(foreign.mutual, false);
  t.equal(foreign.server?.failure?.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  t.equal(refusalOf(foreign)?.side, 'listener');

  t.equal(await connectCode(port), 'connected', 'open until closed');
  await listener.close();
  t.equal(await connectCode(port), 'ECONNREFUSED', 'nothing listens afterwards');
});

t.test('a listener that cannot load gives every attempt the same load failure', async (t) => {
  const listener = await openTargetListener({
    target: { cert: target.cert, key: client.key },
    ca,
    timeoutMs: 20_000,
  });
  const results = await Promise.all([
    listener.attempt({ client, version: 'TLSv1.2' }),
    listener.attempt({ verifyServer: false }),
  ]);
  await listener.close();
  for (const result of results) {
    t.equal(result.mutual, false);
    t.equal(result.client, undefined, 'no client connected');
    t.match(result.serverLoad?.code, /KEY_VALUES_MISMATCH/);
  }
});

t.test('a client that cannot load its key leaves the listener with nothing to judge', async (t) => {
  const listener = await openTargetListener({ target, ca, timeoutMs: 20_000 });
  t.teardown(listener.close);
  const result = await listener.attempt({ client: { cert: client.cert, key: target.key } });
  t.equal(result.client?.failure?.stage, 'load');
  t.same(result.server, { connected: false, accepted: false, authorized: false, exchanged: false });
});
