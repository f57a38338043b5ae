import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generateBundle } from '../../src/gen/bundle.js';
import { startMock } from '../../src/mock/server.js';
import { wantsColour } from '../../src/terminal/colour.js';
import type { InspectView } from '../../src/inspect/view.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const ANSI = /\u001b\[\d+m/;

/** A folder for one test, removed afterwards. */
async function folder(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certkey-inspect-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a bundle into a test folder and returns its path. */
async function saved(t: Test, reply: unknown, name = 'bundle.json'): Promise<string> {
  const path = join(await folder(t), name);
  await writeFile(path, JSON.stringify(reply), { mode: 0o600 });
  return path;
}

/** No private key, whole or one line of it, in anything the run printed. */
function noKeys(t: Test, result: CliResult, reply: Record<string, unknown>): void {
  const printed = `${result.stdout}\n${result.stderr}`;
  t.notMatch(printed, /PRIVATE KEY/, 'no PRIVATE KEY label printed');
  const lines = Object.entries(reply)
    .filter(([field]) => field.endsWith('private_key'))
    .flatMap(([, pem]) => String(pem).split('\n'))
    .filter((line) => line.length >= 16 && /^[A-Za-z0-9+/=]+$/.test(line));
  t.ok(lines.length > 0, 'there are key lines to look for');
  t.notOk(
    lines.some((line) => printed.includes(line)),
    'no line of a private key printed',
  );
}

const healthy = await generateBundle();

t.test('text: every certificate, every key and the chain tree, exit 0', async (t) => {
  const result = await runCli(['inspect', '--bundle', await saved(t, healthy)]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stderr, '');
  const out = result.stdout;
  for (const label of ['ca', 'cert', 'target_mgmt_cert', 'target_data_cert']) {
    t.match(out, new RegExp(`^${label}  CN=`, 'm'), `${label} shown`);
  }
  for (const row of ['issuer', 'serial', 'valid', 'key usage', 'ext key usage', 'SHA-256']) {
    t.match(out, new RegExp(`^  ${row} +\\S`, 'm'), `${row} row`);
  }
  t.match(out, /valid +\S+Z to \S+Z \(\d+ days left\)/);
  t.match(out, /key +RSA-2048/);
  t.match(out, /signature +sha256WithRSAEncryption/);
  t.match(out, /ext key usage +clientAuth/);
  t.match(out, /subject alt +DNS:localhost, IP Address:127\.0\.0\.1/);
  t.match(out, /basic constr\. +CA:TRUE \(critical\)/);
  t.match(out, /SHA-256 +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  t.match(out, /SPKI SHA-256 +sha256:[0-9a-f]{64}/);
  t.match(out, /^private_key  private key, RSA-2048$/m);
  t.match(out, /pair +\[ok\] matches cert/);
  t.match(out, /^  ca CN=SMS CA \(self-signed root\)  \[ok\] self-signed$/m);
  t.match(out, /^  ├─ cert CN=sms-source  \[ok\] issuer  \[ok\] key-id  \[ok\] signature/m);
  t.match(out, /^  └─ target_data_cert CN=sms-target-data/m);
  t.match(out, /ca checks: \[ok\] anchor/);
  t.notMatch(out, ANSI, 'no colours when piped');
  noKeys(t, result, healthy);
});

t.test('--json: the same as data', async (t) => {
  const result = await runCli(['inspect', '--bundle', await saved(t, healthy), '--json']);
  t.equal(result.code, 0, result.stderr);
  const view = JSON.parse(result.stdout) as InspectView;
  t.equal(view.redacted, false);
  t.same(
    view.certificates.map((cert) => cert.label),
    ['ca', 'cert', 'target_mgmt_cert', 'target_data_cert'],
  );
  const cert = view.certificates[1];
  t.match(cert, {
    subject: 'CN=sms-source',
    issuer: 'CN=SMS CA',
    key: 'RSA-2048',
    validity: 'valid',
    extendedKeyUsage: ['clientAuth'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    basicConstraints: { ca: false },
  });
  t.type(cert?.daysLeft, 'number');
  t.same(
    view.keys.map((key) => [key.field, key.holds, key.match.status]),
    [
      ['private_key', 'private key', 'pass'],
      ['target_mgmt_private_key', 'private key', 'pass'],
      ['target_data_private_key', 'private key', 'pass'],
    ],
  );
  t.equal(view.keys[0]?.spkiSha256, cert?.spkiSha256, 'the key pairs with its certificate');
  const root = view.chain.roots[0];
  t.equal(view.chain.roots.length, 1);
  t.equal(root?.role, 'root');
  t.same(
    root?.children.map((child) => child.label),
    ['cert', 'target_mgmt_cert', 'target_data_cert'],
  );
  t.same(view.issues, []);
  noKeys(t, result, healthy);
});

t.test('a broken bundle is shown, not judged: verdicts in the tree, exit 0', async (t) => {
  const impostor = await generateBundle({ defect: 'impostor-ca' });
  const result = await runCli(['inspect', '--bundle', await saved(t, impostor)]);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /^  target_mgmt_cert CN=sms-target-mgmt \(no issuer in ca\)/m);
  t.match(result.stdout, /\[FAIL\] signature/);
  t.match(result.stdout, /signature: the signature of target_mgmt_cert does not verify/);

  const crossed = await generateBundle({ defect: 'crossed-target-keys' });
  const json = await runCli(['inspect', '--bundle', await saved(t, crossed), '--json']);
  const view = JSON.parse(json.stdout) as InspectView;
  t.same(
    view.keys.map((key) => key.match.status),
    ['pass', 'fail', 'fail'],
  );
  t.match(view.keys[1]?.match.message, /the keys are swapped/);
  noKeys(t, json, crossed);

  const encrypted = await generateBundle({ defect: 'encrypted-key' });
  const text = await runCli(['inspect', '--bundle', await saved(t, encrypted)]);
  t.equal(text.code, 0);
  t.match(text.stdout, /\[FAIL\] target_mgmt_private_key: target_mgmt_private_key is an encrypted/);
  noKeys(t, text, encrypted);
});

t.test('--at counts days from a chosen moment', async (t) => {
  const result = await runCli([
    'inspect',
    '--bundle',
    await saved(t, healthy),
    '--at',
    '2000-01-01',
  ]);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /as of 2000-01-01T00:00:00\.000Z/);
  t.match(result.stdout, /\(not yet valid\)/);
});

t.test('colours: on with FORCE_COLOR, off with NO_COLOR and when piped', async (t) => {
  const path = await saved(t, healthy);
  const forced = await runCli(['inspect', '--bundle', path], {
    env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
  });
  t.match(forced.stdout, ANSI, 'FORCE_COLOR=1 colours a pipe');
  const both = await runCli(['inspect', '--bundle', path], {
    env: { NO_COLOR: '1', FORCE_COLOR: '1' },
  });
  t.notMatch(both.stdout, ANSI, 'NO_COLOR wins');
  const piped = await runCli(['inspect', '--bundle', path], {
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: '1' },
  });
  t.notMatch(piped.stdout, ANSI, 'a pipe stays plain, even under CI');
  const json = await runCli(['inspect', '--bundle', path, '--json'], {
    env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
  });
  t.notMatch(json.stdout, ANSI, 'JSON is never coloured');

  t.equal(wantsColour({ isTTY: true }, {}), true, 'a terminal gets colours');
  t.equal(wantsColour({ isTTY: true }, { TERM: 'dumb' }), false, 'a dumb terminal does not');
  t.equal(wantsColour({ isTTY: true }, { NO_COLOR: '1' }), false);
  t.equal(wantsColour({ isTTY: false }, { FORCE_COLOR: '0' }), false, 'FORCE_COLOR=0 is off');
});

t.test('unreadable input: exit 2, naming the file or flag', async (t) => {
  const dir = await folder(t);
  const missing = await runCli(['inspect', '--bundle', join(dir, 'nope.json')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^certkey: E_INPUT_READ: cannot read .*nope\.json: no such file/);
  t.equal(missing.stdout, '');

  const notJson = join(dir, 'bad.json');
  await writeFile(notJson, '{"cert": "-----BEGIN');
  const bad = await runCli(['inspect', '--bundle', notJson]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /E_INPUT_JSON: .*bad\.json is not valid JSON/);

  const none = await runCli(['inspect']);
  t.equal(none.code, 2);
  t.match(none.stderr, /no bundle: give --bundle FILE or --task-id ID --endpoint URL/);
  t.match(none.stderr, /remedy: see `certkey inspect --help`/);
});

t.test('--task-id and --endpoint: fetched with the token as run takes it', async (t) => {
  const TOKEN = 'MIIEinspectTokenNeverPrinted0123456789abcdef';
  const mock = await startMock({
    token: TOKEN,
    bundles: (id) => (id === 'task-7' ? healthy : undefined),
  });
  t.teardown(() => mock.close());

  const args = ['inspect', '--task-id', 'task-7', '--endpoint', mock.url];
  const result = await runCli(args, { env: { SMS_AUTH_TOKEN: TOKEN } });
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /\/v3\/tasks\/task-7\/certkey/, 'the origin is the request URL');
  t.match(result.stdout, /^cert  CN=sms-source$/m);
  t.notMatch(`${result.stdout}${result.stderr}`, TOKEN, 'the token is not printed');
  noKeys(t, result, healthy);

  const refused = await runCli(args, { env: { SMS_AUTH_TOKEN: 'wrong-token-0123456789' } });
  t.equal(refused.code, 3, 'a failed fetch exits 3');
  t.match(refused.stderr, /E_FETCH_HTTP: .*401/);
  t.notMatch(refused.stderr, /wrong-token-0123456789/);
});
