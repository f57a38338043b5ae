import 'reflect-metadata';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import t from 'tap';
import { foreignIdentity, makeForeignIdentity } from '../../src/handshake/foreign.js';
import { makePki } from './bundle.js';

t.test('the foreign client is a fresh self-signed P-256 certificate with its key', async (t) => {
  const foreign = await makeForeignIdentity();
  const cert = new X509Certificate(foreign.cert);
  t.equal(cert.publicKey.asymmetricKeyType, 'ec');
  t.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.equal(cert.issuer, cert.subject, 'self-issued');
  t.ok(cert.verify(cert.publicKey), 'self-signed');
  t.ok(cert.checkPrivateKey(createPrivateKey(foreign.key)), 'the key belongs to it');

  const pki = await makePki();
  t.notOk(cert.checkIssued(new X509Certificate(pki.ca.pem)), 'not issued by a bundle CA');
  t.not((await makeForeignIdentity()).cert, foreign.cert, 'a new one each time it is made');
  t.equal(await foreignIdentity(), await foreignIdentity(), 'one per process for the suite');
});
