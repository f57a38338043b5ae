import t from 'tap';
import { controlContext } from '../../src/handshake/controls.js';
import { connectTls } from '../../src/handshake/client.js';
import { startTargetServer } from '../../src/handshake/server.js';
import { identity, makePki } from './bundle.js';

const pki = await makePki();

t.test('each control context is made once per process', async (t) => {
  t.equal(await controlContext('no-cert'), await controlContext('no-cert'));
  t.equal(await controlContext('foreign'), await controlContext('foreign'));
  t.not(await controlContext('no-cert'), await controlContext('foreign'));
});

t.test('the control clients trust no CA and only the listener decides', async (t) => {
  const started = await startTargetServer({
    ...identity(pki.leaves.target_mgmt_cert),
    ca: [pki.ca.pem],
    timeoutMs: 20_000,
    rejectUnauthorized: false,
  });
  if (!('port' in started)) throw new Error(started.failure.reason);
  t.teardown(started.close);

  for (const control of ['no-cert', 'foreign'] as const) {
    const common = { host: '127.0.0.1', port: started.port, timeoutMs: 20_000, exchange: true };
    const trusting = await connectTls({
      ...common,
      ca: [],
      context: await controlContext(control),
    });
    // Asked to verify, it finds no CA of its own to trust the listener's chain with.
    t.equal(trusting.failure?.stage, 'verify', `${control}: no CA held`);

    const lax = await connectTls({
      ...common,
      ca: [],
      context: await controlContext(control),
      verifyServer: false,
    });
    t.equal(lax.connected && lax.exchanged, true, `${control}: a lax listener lets it in`);
    t.equal(lax.peer?.commonName, 'target_mgmt_cert', 'the listener is still described');
  }
});
