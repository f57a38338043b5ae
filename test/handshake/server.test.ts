import { connect, type Socket } from 'node:net';
import t from 'tap';
import { connectTls } from '../../src/handshake/client.js';
import { closeOpenListeners, startTargetServer } from '../../src/handshake/server.js';
import { identity, makeCa, makeLeaf, makePki } from './bundle.js';

const pki = await makePki();
const ca = [pki.ca.pem];

/** A plain TCP connection, resolved once connected, or with the error code. */
function tcp(port: number): Promise<Socket | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => resolve(socket));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

t.test('a key that does not belong to the certificate: the listener does not start', async (t) => {
  const started = await startTargetServer({
    cert: pki.leaves.target_mgmt_cert.pem,
    key: identity(pki.leaves.cert).key,
    ca,
    timeoutMs: 20_000,
  });
  t.notOk('port' in started);
  if ('port' in started) return;
  t.equal(started.failure.stage, 'load');
  t.equal(started.failure.reason, 'key values mismatch');
});

t.test('close() ends a connection that never spoke and stops listening', async (t) => {
  const started = await startTargetServer({
    ...identity(pki.leaves.target_mgmt_cert),
    ca,
    timeoutMs: 20_000,
  });
  if (!('port' in started)) throw new Error(started.failure.reason);

  const idle = await tcp(started.port);
  t.type(idle, 'object', 'a client connected and says nothing');
  const clientPort = (idle as Socket).localPort as number;
  const closed = new Promise((resolve) => (idle as Socket).on('close', resolve));
  await started.close();
  await closed;
  const seen = started.current(clientPort);
  t.equal(seen.connected, true);
  t.equal(seen.accepted, false);
  t.equal(await tcp(started.port), 'ECONNREFUSED');
});

t.test('closeOpenListeners closes every listener still open', async (t) => {
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const started = await startTargetServer({
      ...identity(pki.leaves.target_data_cert),
      ca,
      timeoutMs: 20_000,
    });
    if (!('port' in started)) throw new Error(started.failure.reason);
    ports.push(started.port);
  }
  await closeOpenListeners();
  for (const port of ports) t.equal(await tcp(port), 'ECONNREFUSED');
});

t.test('one listener judges each connection on its own, by the client port', async (t) => {
  const started = await startTargetServer({
    ...identity(pki.leaves.target_mgmt_cert),
    ca,
    timeoutMs: 20_000,
  });
  if (!('port' in started)) throw new Error(started.failure.reason);
  t.teardown(started.close);

  const common = { host: '127.0.0.1', port: started.port, ca, timeoutMs: 20_000, exchange: true };
  const stranger = identity(await makeLeaf('cert', await makeCa('CN=Other CA')));
  const [accepted, bare, foreign] = await Promise.all([
    connectTls({ ...common, ...identity(pki.leaves.cert), version: 'TLSv1.2' }),
    connectTls({ ...common, verifyServer: false }),
    connectTls({ ...common, ...stranger, version: 'TLSv1.3', verifyServer: false }),
  ]);
  const ports = [accepted, bare, foreign].map((outcome) => outcome.localPort as number);
  t.equal(new Set(ports).size, 3, 'three connections, three client ports');

  const [first, second, third] = await Promise.all(ports.map((port) => started.outcome(port)));
  t.same(
    [first?.accepted, first?.authorized, first?.exchanged, first?.failure],
    [true, true, true, undefined],
    'the source certificate is accepted',
  );
  t.equal(second?.accepted, false, 'the client without a certificate is refused');
  t.equal(second?.failure?.code, 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
  t.equal(third?.accepted, false, 'the stranger is refused after a finished TLS 1.3 handshake');
  t.equal(third?.failure?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.equal(accepted.exchanged, true);
  t.equal(foreign.connected && !foreign.exchanged, true, 'the stranger got no byte back');
});

t.test('a port never seen has a blank outcome, and forget() clears a judged one', async (t) => {
  const started = await startTargetServer({
    ...identity(pki.leaves.target_data_cert),
    ca,
    timeoutMs: 20_000,
  });
  if (!('port' in started)) throw new Error(started.failure.reason);
  t.teardown(started.close);

  t.same(started.current(1), {
    connected: false,
    accepted: false,
    authorized: false,
    exchanged: false,
  });
  const client = await connectTls({
    host: '127.0.0.1',
    port: started.port,
    ca,
    timeoutMs: 20_000,
    verifyServer: false,
  });
  const clientPort = client.localPort as number;
  t.equal((await started.outcome(clientPort)).connected, true);
  started.forget(clientPort);
  t.equal(started.current(clientPort).connected, false);
});
