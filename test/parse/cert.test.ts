import { X509Certificate } from 'node:crypto';
import t from 'tap';
import { makeCert, makeKey } from '../../src/gen/pki.js';
import { readCertificate } from '../../src/parse/cert.js';
import { x509 } from '../../src/parse/x509.js';

/** A healthy RSA certificate whose RSAPublicKey SEQUENCE tag is turned into a SET. */
async function certWithCorruptKey(): Promise<{ good: Buffer; bad: Buffer }> {
  const key = await makeKey();
  const cert = await makeCert({ subject: 'CN=corrupt key', key });
  const good = Buffer.from(new X509Certificate(cert.pem).raw);

  // The BIT STRING of an RSA-2048 SubjectPublicKeyInfo opens with 03 82 01 0f 00 30 82 01 0a.
  const at = good.indexOf(Buffer.from('038201 0f00 3082010a'.replace(/ /g, ''), 'hex'));
  if (at < 0) throw new Error('no RSA-2048 subjectPublicKey found');
  const bad = Buffer.from(good);
  bad[at + 5] = 0x31;
  return { good, bad };
}

t.test(
  'a certificate whose public key does not decode fails parse, it does not throw',
  async (t) => {
    const { good, bad } = await certWithCorruptKey();

    const healthy = readCertificate('cert', good, 'cert');
    t.equal(healthy.ok, true, 'the unchanged certificate reads');
    if (healthy.ok) {
      const pem = new x509.X509Certificate(new Uint8Array(good)).toString('pem');
      t.equal(healthy.cert.pem, pem, 'its PEM text is the one the X.509 decoder writes');
    }

    const read = readCertificate('cert', bad, 'cert');
    t.equal(read.ok, false);
    if (read.ok) return;
    t.equal(read.status, 'fail', 'a defect of the bundle, not a limit of certkey');
    t.match(read.message, /^cert holds a public key that does not decode/);
    t.match(read.remedy, /fetch the bundle again/);
  },
);
