/**
 * Chains for comparing `certkey verify` with `openssl verify`, built with the generator:
 * healthy ones of every key type, and one defect each. Keys are made once and shared;
 * none is ever written to disk.
 */
import {
  keyIdOf,
  makeCert,
  makeKey,
  type CertSpec,
  type Issued,
  type KeyPair,
} from '../../src/gen/pki.js';

const DAY = 86_400_000;

/** One chain: the files `verify` gets, the purpose and the judging moment. */
export interface Chain {
  name: string;
  purpose: 'client' | 'server';
  ca: Issued[];
  untrusted: Issued[];
  /** The leaf; `extra` certificates follow it in the same file. */
  leaf: Issued;
  extra?: Issued[];
  at?: Date;
}

/** The keys every chain draws from. */
export interface Keys {
  rsa: KeyPair[];
  ec: KeyPair[];
  ed: KeyPair[];
  pss: KeyPair[];
  rsa1024: KeyPair;
}

/** Makes the shared keys: five RSA-2048, three EC P-256, two Ed25519, two RSA-PSS. */
export async function makeKeys(): Promise<Keys> {
  const many = (count: number, make: () => Promise<KeyPair>) =>
    Promise.all(Array.from({ length: count }, make));
  return {
    rsa: await many(5, () => makeKey({ type: 'rsa' })),
    ec: await many(3, () => makeKey({ type: 'ec' })),
    ed: await many(2, () => makeKey({ type: 'ed25519' })),
    pss: await many(2, () => makeKey({ type: 'rsa-pss' })),
    rsa1024: await makeKey({ type: 'rsa', bits: 1024 }),
  };
}

type Part = Omit<CertSpec, 'subject' | 'key'> & { subject?: string; key?: KeyPair };

const LEAF = { serverAuth: ['serverAuth'], clientAuth: ['clientAuth'] };

/** Builds every chain of the comparison. */
export async function buildChains(keys: Keys): Promise<Chain[]> {
  const [k0, k1, k2, k3, k4] = keys.rsa as [KeyPair, KeyPair, KeyPair, KeyPair, KeyPair];
  const now = Date.now();
  const root = (part: Part = {}) =>
    makeCert({ subject: 'CN=Verify Root', key: k0, ca: true, ...part });
  const inter = (issuer: Issued, part: Part = {}) =>
    makeCert({ subject: 'CN=Verify Int', key: k1, ca: true, issuer, ...part });
  const leaf = (issuer: Issued, part: Part = {}) =>
    makeCert({ subject: 'CN=leaf.example', key: k3, issuer, san: ['leaf.example'], ...part });

  const r = await root();
  const i = await inter(r);
  const chains: Chain[] = [];
  const add = (chain: Chain) => chains.push(chain);
  const simple = async (name: string, purpose: Chain['purpose'], part: Part = {}) =>
    add({ name, purpose, ca: [r], untrusted: [], leaf: await leaf(r, part) });

  // Healthy chains of each key type, with and without an intermediate.
  await simple('rsa-root-leaf-server', 'server', { extKeyUsage: LEAF.serverAuth });
  await simple('rsa-root-leaf-client', 'client', { extKeyUsage: LEAF.clientAuth });
  await simple('rsa-no-eku-server', 'server');
  add({ name: 'rsa-int-server', purpose: 'server', ca: [r], untrusted: [i], leaf: await leaf(i) });
  add({ name: 'rsa-int-client', purpose: 'client', ca: [r], untrusted: [i], leaf: await leaf(i) });
  const i2 = await makeCert({ subject: 'CN=Verify Int 2', key: k2, ca: true, issuer: i });
  add({
    name: 'rsa-two-ints-server',
    purpose: 'server',
    ca: [r],
    untrusted: [i, i2],
    leaf: await leaf(i2),
  });
  add({ name: 'int-in-cafile', purpose: 'server', ca: [r, i], untrusted: [], leaf: await leaf(i) });
  add({
    name: 'int-after-leaf-in-cert-file',
    purpose: 'server',
    ca: [r],
    untrusted: [],
    leaf: await leaf(i),
    extra: [i],
  });
  for (const [type, [a, b]] of [
    ['ec', keys.ec],
    ['ed25519', keys.ed],
    ['rsa-pss', keys.pss],
  ] as const) {
    const ca = await makeCert({ subject: `CN=${type} Root`, key: a as KeyPair, ca: true });
    for (const purpose of ['server', 'client'] as const) {
      const issued = await makeCert({
        subject: `CN=${type} ${purpose}`,
        key: b as KeyPair,
        issuer: ca,
      });
      add({ name: `${type}-root-leaf-${purpose}`, purpose, ca: [ca], untrusted: [], leaf: issued });
    }
  }
  const [e0, e1, e2] = keys.ec as [KeyPair, KeyPair, KeyPair];
  const ecRoot = await makeCert({ subject: 'CN=EC Root 2', key: e0, ca: true });
  const ecInt = await makeCert({ subject: 'CN=EC Int', key: e1, ca: true, issuer: ecRoot });
  add({
    name: 'ec-int-client',
    purpose: 'client',
    ca: [ecRoot],
    untrusted: [ecInt],
    leaf: await makeCert({ subject: 'CN=ec client', key: e2, issuer: ecInt }),
  });

  // Dates: of the leaf, of a CA, and the judging moment.
  await simple('expired-leaf', 'server', {
    notBefore: new Date(now - 400 * DAY),
    notAfter: new Date(now - DAY),
  });
  await simple('not-yet-valid-leaf', 'server', { notBefore: new Date(now + 2 * DAY) });
  await simple('leaf-expires-in-10-days', 'server', { notAfter: new Date(now + 10 * DAY) });
  const oldRoot = await root({
    notBefore: new Date(now - 400 * DAY),
    notAfter: new Date(now - DAY),
  });
  add({
    name: 'expired-root',
    purpose: 'server',
    ca: [oldRoot],
    untrusted: [],
    leaf: await leaf(oldRoot),
  });
  const lateInt = await inter(r, { notBefore: new Date(now + 2 * DAY) });
  add({
    name: 'not-yet-valid-int',
    purpose: 'server',
    ca: [r],
    untrusted: [lateInt],
    leaf: await leaf(lateInt),
  });
  const oldInt = await inter(r, {
    notBefore: new Date(now - 400 * DAY),
    notAfter: new Date(now - DAY),
  });
  add({
    name: 'expired-int',
    purpose: 'server',
    ca: [r],
    untrusted: [oldInt],
    leaf: await leaf(oldInt),
  });
  add({ ...(chains[0] as Chain), name: 'judged-after-expiry', at: new Date(now + 400 * DAY) });
  add({ ...(chains[0] as Chain), name: 'judged-before-issue', at: new Date(now - 2 * DAY) });

  // Trust: another CA, an impostor with the same name and key id, a root sent untrusted.
  const other = await makeCert({ subject: 'CN=Other Root', key: k4, ca: true });
  add({ name: 'wrong-ca', purpose: 'server', ca: [other], untrusted: [], leaf: await leaf(r) });
  const impostor = await root({ key: k4, subjectKeyId: await keyIdOf(k0.publicKey) });
  add({
    name: 'same-name-impostor-ca',
    purpose: 'server',
    ca: [r],
    untrusted: [],
    leaf: await leaf(impostor),
  });
  await simple('aki-mismatch', 'server', { authorityKeyId: new Uint8Array(20).fill(0x5a) });
  add({
    name: 'root-only-untrusted',
    purpose: 'server',
    ca: [other],
    untrusted: [i, r],
    leaf: await leaf(i),
  });
  add({ name: 'cafile-int-only', purpose: 'server', ca: [i], untrusted: [], leaf: await leaf(i) });

  // The CA's profile.
  const noBcRoot = await root({ basicConstraints: false });
  add({
    name: 'root-without-basic-constraints',
    purpose: 'server',
    ca: [noBcRoot],
    untrusted: [],
    leaf: await leaf(noBcRoot),
  });
  const noBcInt = await inter(r, { basicConstraints: false, keyUsage: ['keyCertSign', 'cRLSign'] });
  add({
    name: 'int-without-basic-constraints',
    purpose: 'server',
    ca: [r],
    untrusted: [noBcInt],
    leaf: await leaf(noBcInt),
  });
  const falseInt = await inter(r, { ca: false, keyUsage: ['keyCertSign', 'cRLSign'] });
  add({
    name: 'int-ca-false',
    purpose: 'server',
    ca: [r],
    untrusted: [falseInt],
    leaf: await leaf(falseInt),
  });
  const noSignInt = await inter(r, { keyUsage: ['cRLSign'] });
  add({
    name: 'int-without-key-cert-sign',
    purpose: 'server',
    ca: [r],
    untrusted: [noSignInt],
    leaf: await leaf(noSignInt),
  });
  const noSignRoot = await root({ keyUsage: ['digitalSignature', 'cRLSign'] });
  add({
    name: 'root-without-key-cert-sign',
    purpose: 'server',
    ca: [noSignRoot],
    untrusted: [],
    leaf: await leaf(noSignRoot),
  });
  const root0 = await root({ pathLength: 0 });
  const under0 = await inter(root0);
  const under0b = await makeCert({ subject: 'CN=Verify Int 2', key: k2, ca: true, issuer: under0 });
  add({
    name: 'path-length-exceeded',
    purpose: 'server',
    ca: [root0],
    untrusted: [under0],
    leaf: await leaf(under0),
  });
  add({
    name: 'path-length-exceeded-deeper',
    purpose: 'server',
    ca: [root0],
    untrusted: [under0, under0b],
    leaf: await leaf(under0b),
  });

  // The leaf's profile and usage.
  await simple('leaf-ca-true', 'server', {
    ca: true,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
  });
  await simple('leaf-ca-true-key-cert-sign', 'client', { ca: true });
  for (const [eku, purpose] of [
    ['clientAuth', 'server'],
    ['clientAuth', 'client'],
    ['serverAuth', 'client'],
    ['serverAuth', 'server'],
    ['codeSigning', 'server'],
    ['codeSigning', 'client'],
  ] as const) {
    await simple(`eku-${eku}-only-${purpose}`, purpose, { extKeyUsage: [eku] });
  }
  await simple('eku-any-only-server', 'server', { extKeyUsage: ['2.5.29.37.0'] });
  await simple('rsa-key-encipherment-only-server', 'server', { keyUsage: ['keyEncipherment'] });
  await simple('rsa-key-encipherment-only-client', 'client', { keyUsage: ['keyEncipherment'] });
  await simple('non-repudiation-only-server', 'server', { keyUsage: ['nonRepudiation'] });
  for (const purpose of ['server', 'client'] as const) {
    const issued = await makeCert({
      subject: 'CN=ec ka',
      key: e2,
      issuer: r,
      keyUsage: ['keyAgreement'],
    });
    add({
      name: `ec-key-agreement-only-${purpose}`,
      purpose,
      ca: [r],
      untrusted: [],
      leaf: issued,
    });
  }

  // Strength.
  await simple('rsa-1024-leaf', 'server', { key: keys.rsa1024 });
  const weakRoot = await root({ key: keys.rsa1024 });
  add({
    name: 'rsa-1024-root',
    purpose: 'server',
    ca: [weakRoot],
    untrusted: [],
    leaf: await leaf(weakRoot),
  });
  await simple('sha1-leaf', 'server', { hash: 'SHA-1' });
  await simple('md5-leaf', 'server', { hash: 'MD5' });
  const sha1Root = await root({ hash: 'SHA-1' });
  add({
    name: 'sha1-self-signed-root',
    purpose: 'server',
    ca: [sha1Root],
    untrusted: [],
    leaf: await leaf(sha1Root),
  });
  const sha1Int = await inter(r, { hash: 'SHA-1' });
  add({
    name: 'sha1-intermediate',
    purpose: 'server',
    ca: [r],
    untrusted: [sha1Int],
    leaf: await leaf(sha1Int),
  });

  // Names and key identifiers.
  await simple('leaf-subject-is-ca-subject', 'server', { subject: 'CN=Verify Root' });
  await simple('leaf-without-aki', 'server', { authorityKeyId: 'omit' });
  const noSkiInt = await inter(r, { subjectKeyId: false });
  add({
    name: 'int-without-ski',
    purpose: 'server',
    ca: [r],
    untrusted: [noSkiInt],
    leaf: await leaf(noSkiInt),
  });
  return chains;
}
