import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { startMock } from '../../src/mock/server.js';
import type { InspectView } from '../../src/inspect/view.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const reply = await generateBundle();

/** Every base64 line of the original key fields. */
const KEY_LINES = Object.entries(reply)
  .filter(([field]) => field.endsWith('private_key'))
  .flatMap(([, pem]) => pem.split('\n'))
  .filter((line) => /^[A-Za-z0-9+/=]+$/.test(line));

/** A folder holding the original bundle, removed afterwards. */
async function setup(t: Test, bundle: unknown = reply): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-export-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'bundle.json');
  await writeFile(path, JSON.stringify(bundle, null, 2), { mode: 0o600 });
  return { dir, path };
}

/** The written copy holds no private key: no label, and not one line of an original key. */
function noKeysIn(t: Test, text: string, what: string): void {
  t.notMatch(text, /PRIVATE KEY/, `${what}: no PRIVATE KEY`);
  const lines = new Set(text.split(/\\n|\n/).map((line) => line.replace(/^\s*"?|"?,?$/g, '')));
  const whole = KEY_LINES.filter((line) => lines.has(line));
  t.same(whole, [], `${what}: no line of an original key as a line`);
  const inside = KEY_LINES.filter((line) => line.length >= 16 && text.includes(line));
  t.same(inside, [], `${what}: no long line of an original key anywhere`);
}

function noKeysPrinted(t: Test, result: CliResult): void {
  noKeysIn(t, `${result.stdout}\n${result.stderr}`, 'printed');
}

t.test('--redacted: public keys in place of the keys, and a marker', async (t) => {
  const { dir, path } = await setup(t);
  const out = join(dir, 'redacted.json');
  const result = await runCli(['export', '--redacted', '--bundle', path, '--out', out]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, '');
  t.match(result.stderr, /^certkey: wrote a redacted copy of .*bundle\.json to .*redacted\.json\n/);
  t.match(result.stderr, /public key private_key sha256:[0-9a-f]{64}/);
  noKeysPrinted(t, result);

  const text = await readFile(out, 'utf8');
  noKeysIn(t, text, 'the copy');
  const copy = JSON.parse(text) as Record<string, unknown>;
  t.match(copy.certkey_redacted, {
    version: 1,
    fingerprints: { private_key: /^sha256:[0-9a-f]{64}$/ },
  });
  t.match(copy.private_key, /^-----BEGIN PUBLIC KEY-----\n/);
  t.equal(copy.cert, reply.cert, 'certificates unchanged');
  if (process.platform !== 'win32') t.equal((await stat(out)).mode & 0o777, 0o644);
});

t.test('run and inspect take the copy: every suite but mtls runs', async (t) => {
  const { dir, path } = await setup(t);
  const out = join(dir, 'redacted.json');
  t.equal((await runCli(['export', '--redacted', '--bundle', path, '--out', out])).code, 0);

  const run = await runCli(['run', '--bundle', out, '--out', join(dir, 'reports'), '--json']);
  t.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    checks: { suite: string; subject: string; status: string; message: string }[];
  };
  const suites = new Set(report.checks.map((check) => check.suite));
  for (const suite of ['parse', 'pair', 'chain', 'expiry', 'usage', 'strength', 'mtls']) {
    t.ok(suites.has(suite), `${suite} reported`);
  }
  const pair = report.checks.filter((check) => check.suite === 'pair');
  t.same(
    pair.map((check) => check.status),
    ['pass', 'pass', 'pass'],
    'pairs matched by public key',
  );
  const mtls = report.checks.filter((check) => check.suite === 'mtls');
  t.ok(mtls.length > 0);
  for (const check of mtls) {
    t.equal(check.status, 'skip', `mtls ${check.subject} skipped`);
    t.match(check.message, /redacted/, 'with the reason');
  }
  noKeysPrinted(t, run);

  const inspect = await runCli(['inspect', '--bundle', out, '--json']);
  t.equal(inspect.code, 0, inspect.stderr);
  const view = JSON.parse(inspect.stdout) as InspectView;
  t.equal(view.redacted, true);
  t.same(
    view.keys.map((key) => [key.holds, key.match.status]),
    [
      ['public key', 'pass'],
      ['public key', 'pass'],
      ['public key', 'pass'],
    ],
  );
  const text = await runCli(['inspect', '--bundle', out]);
  t.match(text.stdout, /\(redacted export: public keys only\)/);
  t.match(text.stdout, /^private_key  public key \(redacted\), RSA-2048$/m);
});

t.test('without the marker, public keys in key fields fail the parse suite', async (t) => {
  const { dir, path } = await setup(t);
  const out = join(dir, 'redacted.json');
  await runCli(['export', '--redacted', '--bundle', path, '--out', out]);
  const copy = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  delete copy.certkey_redacted;
  const unmarked = join(dir, 'unmarked.json');
  await writeFile(unmarked, JSON.stringify(copy));

  const run = await runCli(['run', '--bundle', unmarked, '--out', join(dir, 'reports')]);
  t.equal(run.code, 1);
  t.match(run.stdout, /FAIL +parse\/private_key: private_key holds a public key where/);
});

t.test('refusals: no --redacted, no --out, an existing file, the input itself', async (t) => {
  const { dir, path } = await setup(t);
  const out = join(dir, 'redacted.json');

  const plain = await runCli(['export', '--bundle', path, '--out', out]);
  t.equal(plain.code, 2);
  t.match(plain.stderr, /^certkey: E_USAGE: certkey export writes redacted copies only/);
  t.match(plain.stderr, /remedy: add --redacted/);
  await t.rejects(stat(out), { code: 'ENOENT' }, 'nothing written');

  const noOut = await runCli(['export', '--redacted', '--bundle', path]);
  t.equal(noOut.code, 2);
  t.match(noOut.stderr, /--out is needed/);

  await writeFile(out, 'keep me');
  const exists = await runCli(['export', '--redacted', '--bundle', path, '--out', out]);
  t.equal(exists.code, 2);
  t.match(exists.stderr, /E_OUTPUT_EXISTS: --out .*redacted\.json already exists/);
  t.match(exists.stderr, /add --force/);
  t.equal(await readFile(out, 'utf8'), 'keep me', 'the file is untouched');

  const forced = await runCli(['export', '--redacted', '--bundle', path, '--out', out, '--force']);
  t.equal(forced.code, 0, forced.stderr);
  noKeysIn(t, await readFile(out, 'utf8'), 'the replaced file');

  const self = await runCli(['export', '--redacted', '--bundle', path, '--out', path, '--force']);
  t.equal(self.code, 2);
  t.match(self.stderr, /--out .*bundle\.json is the bundle being exported/);
  t.match(await readFile(path, 'utf8'), /PRIVATE KEY/, 'the original is untouched');

  const missing = await runCli([
    'export',
    '--redacted',
    '--bundle',
    join(dir, 'no.json'),
    '--out',
    join(dir, 'x.json'),
  ]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /E_INPUT_READ: cannot read .*no\.json/);

  const folderOut = await runCli([
    'export',
    '--redacted',
    '--bundle',
    path,
    '--out',
    join(dir, 'nope', 'x.json'),
  ]);
  t.equal(folderOut.code, 2);
  t.match(folderOut.stderr, /E_OUTPUT_WRITE: cannot write --out .*: its folder does not exist/);
});

t.test('a key under another label in cert: exit 2 naming cert, nothing written', async (t) => {
  for (const label of ['RSA PRIVATE  KEY', 'CERTIFICATE']) {
    const key = (reply.private_key ?? '').replace(
      /-----(BEGIN|END) [A-Z ]+-----/g,
      `-----$1 ${label}-----`,
    );
    const { dir, path } = await setup(t, { ...reply, cert: `${reply.cert}${key}` });
    for (const out of [join(dir, 'redacted.json'), '-']) {
      const result = await runCli(['export', '--redacted', '--bundle', path, '--out', out]);
      t.equal(result.code, 2, `${label} to ${out}: exit 2`);
      t.match(
        result.stderr,
        /^certkey: E_INPUT_SHAPE: \S*bundle\.json: cert holds private key material outside any /,
        `${label}: names the field`,
      );
      t.match(result.stderr, /\n {2}remedy: remove the private key material from cert /, label);
      t.notMatch(result.stderr, /this is a bug|\n\s+at \S/, `${label}: no bug, no stack`);
      t.equal(result.stdout, '', `${label} to ${out}: nothing on stdout`);
      noKeysPrinted(t, result);
    }
    await t.rejects(stat(join(dir, 'redacted.json')), { code: 'ENOENT' }, `${label}: no file`);
  }
});

t.test("--out -: the copy on stdout; a bundle's unreadable keys are left out", async (t) => {
  const encrypted = await generateBundle({ defect: 'encrypted-key' });
  const { path } = await setup(t, encrypted);
  const result = await runCli(['export', '--redacted', '--bundle', path, '--out', '-']);
  t.equal(result.code, 0, result.stderr);
  const copy = JSON.parse(result.stdout) as Record<string, unknown>;
  t.notOk('target_mgmt_private_key' in copy, 'the encrypted key is left out');
  t.match(copy.certkey_redacted, { omitted: { target_mgmt_private_key: /encrypted/ } });
  t.match(result.stderr, /target_mgmt_private_key: held no readable private key/);
  t.notMatch(result.stdout, /PRIVATE KEY/);
  const lines = Object.entries(encrypted)
    .filter(([field]) => field.endsWith('private_key'))
    .flatMap(([, pem]) => pem.split('\n'))
    .filter((line) => line.length >= 16 && /^[A-Za-z0-9+/=]+$/.test(line));
  t.notOk(lines.some((line) => result.stdout.includes(line) || result.stderr.includes(line)));
});

t.test('--task-id: the fetched bundle is redacted before it touches the disk', async (t) => {
  const TOKEN = 'MIIEexportTokenNeverPrinted0123456789abcdef';
  const mock = await startMock({ token: TOKEN, bundles: () => reply });
  t.teardown(() => mock.close());
  const { dir } = await setup(t);
  const out = join(dir, 'fetched.json');

  const args = ['export', '--redacted', '--task-id', 'task-9', '--endpoint', mock.url];
  const result = await runCli([...args, '--out', out], { env: { SMS_AUTH_TOKEN: TOKEN } });
  t.equal(result.code, 0, result.stderr);
  t.notMatch(result.stderr, TOKEN);
  noKeysIn(t, await readFile(out, 'utf8'), 'the fetched copy');
  t.equal(JSON.parse(await readFile(out, 'utf8')).cert, reply.cert);
});

t.test('--redacted exports EC SEC1 and PKCS#8, Ed25519, RSA and not-pem bundles', async (t) => {
  const defects = [
    'ec-sec1-keys',
    'ec-pkcs8-keys',
    'ec-target-key-agreement-only',
    'ed25519-keys',
    'pkcs8-keys',
    'not-pem',
  ];
  const { dir } = await setup(t);
  for (const defect of defects) {
    const path = join(dir, `${defect}.json`);
    const out = join(dir, `${defect}.red.json`);
    const gen = await runCli(['gen', '--defect', defect, '--out', path]);
    t.equal(gen.code, 0, gen.stderr);
    const result = await runCli(['export', '--redacted', '--bundle', path, '--out', out]);
    t.equal(result.code, 0, `${defect}: ${result.stderr}`);
    t.notMatch(result.stderr, /E_INTERNAL/, `${defect}: no internal error`);

    const original = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    const text = await readFile(out, 'utf8');
    t.notMatch(text, /PRIVATE KEY/, `${defect}: no PRIVATE KEY`);
    const copy = JSON.parse(text) as Record<string, unknown>;
    for (const [field, value] of Object.entries(original)) {
      if (!field.endsWith('private_key')) {
        t.equal(copy[field], value, `${defect}: ${field} copied as it was`);
        continue;
      }
      const half = createPublicKey(value).export({ type: 'spki', format: 'pem' }).toString();
      t.equal(copy[field], half, `${defect}: ${field} is exactly its public key`);
    }
  }
});
