import { connect, type Socket } from 'node:net';
import t from 'tap';
import { closeOpenListeners, startTargetServer } from '../../src/handshake/server.js';
import { identity, makePki } from './bundle.js';

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
