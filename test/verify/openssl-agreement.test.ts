/**
 * `certkey verify` against `openssl verify -x509_strict -purpose sslclient|sslserver` on the
 * same files, chain by chain. Every disagreement must be in DISAGREEMENTS with its reason,
 * and every entry there must still disagree: the table is the documented difference
 * (README: certkey verify) and cannot go stale. Skips when the openssl CLI is absent.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { verdictOf, verifyChecks } from '../../src/verify/check.js';
import { readVerifyInputs } from '../../src/verify/inputs.js';
import { buildChains, makeKeys, type Chain } from './chains.js';

t.setTimeout(600_000);

const run = promisify(execFile);
type Verdict = 'valid' | 'invalid';

/** Where certkey and openssl part ways on purpose, by chain name. */
const DISAGREEMENTS: Record<string, { openssl: Verdict; certkey: Verdict; reason: string }> = {
  'int-after-leaf-in-cert-file': {
    openssl: 'invalid',
    certkey: 'valid',
    reason:
      'certkey takes the certificates after the leaf in --cert as untrusted intermediates, as ' +
      'a TLS peer sends them; openssl verify reads only the first and needs -untrusted',
  },
  'leaf-ca-true': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'certkey refuses a TLS leaf with basicConstraints cA=TRUE; the sslserver purpose of ' +
      'openssl verify accepts it when its keyUsage allows TLS',
  },
  'rsa-key-encipherment-only-server': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'certkey wants digitalSignature, which TLS 1.3 and ECDHE need; the sslserver purpose ' +
      'accepts keyEncipherment alone (RSA key transport, gone from TLS 1.3)',
  },
  'ec-key-agreement-only-server': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'certkey wants digitalSignature; the sslserver purpose accepts keyAgreement alone, ' +
      'which no TLS 1.2 ECDHE-ECDSA or TLS 1.3 handshake can use',
  },
  'ec-key-agreement-only-client': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'certkey wants digitalSignature, with which a TLS client signs CertificateVerify; the ' +
      'sslclient purpose accepts keyAgreement alone',
  },
  'rsa-1024-leaf': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'certkey judges keys at security level 2 (OpenSSL 3.2+, Node 22/24); openssl verify ' +
      'applies no security level unless given -auth_level',
  },
  'rsa-1024-root': {
    openssl: 'valid',
    certkey: 'invalid',
    reason: 'as rsa-1024-leaf: a 1024-bit CA key is refused at security level 2',
  },
  'sha1-leaf': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'SHA-1 signatures are refused at security level 1 and up in OpenSSL 3.x TLS; openssl ' +
      'verify applies no security level unless given -auth_level',
  },
  'md5-leaf': {
    openssl: 'valid',
    certkey: 'invalid',
    reason: 'as sha1-leaf: MD5 signatures are refused by every TLS security level',
  },
  'sha1-intermediate': {
    openssl: 'valid',
    certkey: 'invalid',
    reason: "as sha1-leaf, for an intermediate (a root's self-signature only warns)",
  },
  'leaf-subject-is-ca-subject': {
    openssl: 'valid',
    certkey: 'invalid',
    reason:
      'certkey refuses a leaf named like its CA: peers may take it for its own issuer and ' +
      'name-based chain building goes wrong; openssl verify finds the right issuer by key id',
  },
  'leaf-without-aki': {
    openssl: 'invalid',
    certkey: 'valid',
    reason:
      'certkey only warns: TLS handshakes (no -x509_strict) accept a leaf without an ' +
      'authority key identifier; -x509_strict refuses it',
  },
  'int-without-ski': {
    openssl: 'invalid',
    certkey: 'valid',
    reason:
      'certkey only warns: TLS handshakes accept a CA without a subject key identifier; ' +
      '-x509_strict refuses it',
  },
};

async function opensslVersion(): Promise<string | null> {
  try {
    return (await run('openssl', ['version'])).stdout.trim();
  } catch {
    return null;
  }
}

const version = await opensslVersion();
t.test(
  `certkey verify agrees with ${version ?? 'openssl verify'}`,
  version === null ? { skip: 'the openssl command line tool is absent: nothing to compare' } : {},
  async (t) => compare(t, version ?? ''),
);

async function compare(t: Test, version: string) {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-verify-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const chains = await buildChains(await makeKeys());
  t.ok(chains.length >= 40, `${chains.length} chains compared with ${version}`);

  const rows: string[] = [];
  for (const chain of chains) {
    const files = await writeChain(dir, chain);
    const openssl = await opensslVerdict(chain, files);
    const certkey = await certkeyVerdict(chain, files);
    const expected = DISAGREEMENTS[chain.name];
    rows.push(
      `${chain.name}: openssl ${openssl.verdict} (${openssl.detail}), ` +
        `certkey ${certkey.verdict} (${certkey.detail})`,
    );

    if (expected) {
      t.same(
        { openssl: openssl.verdict, certkey: certkey.verdict },
        { openssl: expected.openssl, certkey: expected.certkey },
        `${chain.name}: still disagrees as listed (${expected.reason})`,
      );
      t.not(openssl.verdict, certkey.verdict, `${chain.name}: the listed disagreement holds`);
    } else {
      t.equal(
        certkey.verdict,
        openssl.verdict,
        `${chain.name}: agrees (openssl: ${openssl.detail}; certkey: ${certkey.detail})`,
      );
    }
  }
  for (const name of Object.keys(DISAGREEMENTS)) {
    t.ok(
      chains.some((chain) => chain.name === name),
      `${name} is a chain of the comparison`,
    );
  }
  if (process.env.CERTKEY_VERIFY_TABLE) t.comment(rows.join('\n'));
}

interface Files {
  ca: string;
  untrusted?: string;
  cert: string;
}

async function writeChain(dir: string, chain: Chain): Promise<Files> {
  const pem = (certs: { pem: string }[]) => certs.map((cert) => cert.pem).join('');
  const base = join(dir, chain.name);
  const files: Files = { ca: `${base}-ca.pem`, cert: `${base}-leaf.pem` };
  await writeFile(files.ca, pem(chain.ca));
  await writeFile(files.cert, pem([chain.leaf, ...(chain.extra ?? [])]));
  if (chain.untrusted.length > 0) {
    files.untrusted = `${base}-untrusted.pem`;
    await writeFile(files.untrusted, pem(chain.untrusted));
  }
  return files;
}

async function opensslVerdict(chain: Chain, files: Files) {
  const args = ['verify', '-x509_strict', '-purpose', `ssl${chain.purpose}`];
  if (chain.at) args.push('-attime', String(Math.floor(chain.at.getTime() / 1000)));
  args.push('-CAfile', files.ca);
  if (files.untrusted) args.push('-untrusted', files.untrusted);
  args.push(files.cert);
  try {
    await run('openssl', args);
    return { verdict: 'valid' as Verdict, detail: 'OK' };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const output = `${stdout}\n${stderr}`;
    const reason = /error \d+ at \d+ depth lookup: (.*)/.exec(output)?.[1] ?? 'failed';
    return { verdict: 'invalid' as Verdict, detail: reason };
  }
}

async function certkeyVerdict(chain: Chain, files: Files) {
  const inputs = await readVerifyInputs(files);
  const at = chain.at ?? new Date();
  const checks = await verifyChecks(inputs, chain.purpose, {
    at,
    minDays: 30,
    handshakeTimeoutMs: 0,
  });
  const failed = checks.filter((check) => check.status === 'fail');
  const detail = failed.map((check) => `${check.suite}/${check.subject}/${check.name}`).join(', ');
  return { verdict: verdictOf(checks), detail: detail || 'no failure' };
}
