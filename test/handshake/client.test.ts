import { X509Certificate } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import t from 'tap';
import { connectTls } from '../../src/handshake/client.js';
import { startTargetServer, type TargetServer } from '../../src/handshake/server.js';
import { identity, makeCa, makeLeaf, makePki } from './bundle.js';

const pki = await makePki();
const ca = [pki.ca.pem];
const source = identity(pki.leaves.cert);

async function listener(cert = identity(pki.leaves.target_mgmt_cert)): Promise<TargetServer> {
  const started = await startTargetServer({ ...cert, ca, timeoutMs: 20_000 });
  if (!('port' in started)) throw new Error(`listener did not start: ${started.failure.reason}`);
  return started;
}

t.test('a healthy handshake reports version, cipher, peer names and fingerprint', async (t) => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    const server = await listener();
    t.teardown(server.close);
    const outcome = await connectTls({
      host: '127.0.0.1',
      port: server.port,
      ...source,
      ca,
      version,
      timeoutMs: 20_000,
      exchange: true,
    });
    t.equal(outcome.connected, true, version);
    t.equal(outcome.exchanged, true);
    t.equal(outcome.protocol, version);
    t.type(outcome.cipher, 'string');
    t.type(outcome.handshakeMs, 'number');
    t.equal(outcome.failure, undefined);
    t.equal(outcome.peer?.commonName, 'target_mgmt_cert');
    t.match(outcome.peer?.altNames, /IP Address:127\.0\.0\.1/);
    const expected = pki.leaves.target_mgmt_cert.pem;
    t.equal(outcome.peer?.fingerprint256, new X509Certificate(expected).fingerprint256);
    t.type(outcome.localPort, 'number', 'the client knows its own port');
    const judged = await server.outcome(outcome.localPort as number);
    t.equal(judged.accepted && judged.authorized && judged.exchanged, true);
  }
});

t.test('a server from another CA is refused by the client, with the OpenSSL reason', async (t) => {
  const other = await makeCa('CN=Other CA');
  const server = await listener(identity(await makeLeaf('target_mgmt_cert', other)));
  t.teardown(server.close);
  const outcome = await connectTls({
    host: '127.0.0.1',
    port: server.port,
    ...source,
    ca,
    timeoutMs: 20_000,
  });
  t.equal(outcome.connected, false);
  t.equal(outcome.failure?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.equal(outcome.failure?.reason, 'unable to verify the first certificate');
  t.equal(outcome.failure?.own, true);
  t.equal(outcome.failure?.stage, 'verify');
});

t.test('a key that does not match the certificate fails before connecting', async (t) => {
  const wrongKey = identity(pki.leaves.target_data_cert).key;
  const outcome = await connectTls({
    host: '127.0.0.1',
    port: 9,
    cert: source.cert,
    key: wrongKey,
    ca,
    timeoutMs: 20_000,
  });
  t.equal(outcome.failure?.stage, 'load');
  t.match(outcome.failure?.code, /KEY_VALUES_MISMATCH/);
  t.equal(outcome.failure?.reason, 'key values mismatch');
  t.notMatch(JSON.stringify(outcome), /PRIVATE KEY/);
});

t.test(
  'a target that accepts TCP and never answers times out, and the socket is closed',
  async (t) => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.resume(); // read and drop the ClientHello; answer nothing
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const outcome = await connectTls({ host: '127.0.0.1', port, ...source, ca, timeoutMs: 1_000 });
    t.equal(outcome.connected, false);
    t.equal(outcome.failure?.code, 'ETIMEDOUT');
    t.equal(outcome.failure?.stage, 'timeout');
    t.match(outcome.failure?.reason, /within 1000 ms/);

    // The client end is destroyed, so the silent server sees its side close.
    await t.resolves(async () => {
      while (sockets.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    });
  },
);
