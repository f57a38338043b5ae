import tls from 'node:tls';
import t from 'tap';
import { tlsEnvironment } from '../../src/handshake/environment.js';
import { makeCert, makeKey } from '../../src/gen/pki.js';

t.test('the OpenSSL version is the running one', async (t) => {
  const env = await tlsEnvironment();
  t.equal(env.openssl, process.versions.openssl);
  t.equal(await tlsEnvironment(), env, 'probed once');
});

t.test('the security level agrees with what a default context does with RSA keys', async (t) => {
  const env = await tlsEnvironment();
  t.type(env.securityLevel, 'number');
  const level = env.securityLevel as number;
  t.ok(level >= 0 && level <= 5);

  // A real RSA-1024 certificate loads exactly when the level is at most 1, and a real
  // RSA-2048 one exactly when it is at most 2.
  for (const [bits, maxLevel] of [
    [1024, 1],
    [2048, 2],
  ] as const) {
    const key = await makeKey({ type: 'rsa', bits });
    const cert = await makeCert({ subject: `CN=rsa-${bits}`, key });
    let loaded = true;
    try {
      tls.createSecureContext({ cert: cert.pem });
    } catch (error) {
      t.match((error as Error).message, /ee key too small/);
      loaded = false;
    }
    t.equal(loaded, level <= maxLevel, `RSA-${bits} at level ${level}`);
  }
});
