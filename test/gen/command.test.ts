/** `certkey gen` through the built CLI, stdout and stderr read apart. */
import { X509Certificate } from 'node:crypto';
import { lstat, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DEFECTS } from '../../src/gen/defects.js';
import { runCli } from '../helpers/cli.js';

// Each run makes RSA keys; on a busy shared machine that can take a while.
t.setTimeout(600_000);
const cli = (args: string[]) => runCli(args, { timeoutMs: 300_000 });

const dir = await mkdtemp(join(tmpdir(), 'certkey-gen-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

t.test('--out FILE writes the bundle with mode 0600', async (t) => {
  const file = join(dir, 'bundle.json');
  const result = await cli(['gen', '--out', file]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, '', 'nothing on stdout');

  t.equal((await lstat(file)).mode & 0o777, 0o600);
  const bundle = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  t.ok(
    new X509Certificate(bundle.cert ?? '').checkIssued(new X509Certificate(bundle.ca_cert ?? '')),
  );
  t.match(bundle.private_key, /^-----BEGIN RSA PRIVATE KEY-----/);
});

t.test('--defect builds one in; --out - is refused, keys never go to stdout', async (t) => {
  const file = join(dir, 'named-ca.json');
  const result = await cli(['gen', '--out', file, '--defect', 'ca-field-named-ca']);
  t.equal(result.code, 0, result.stderr);
  const bundle = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  t.ok('ca' in bundle && !('ca_cert' in bundle), 'the defect is there');
  t.equal(result.stdout, '');
  t.equal(result.stderr, '');

  const refused = await cli(['gen', '--out', '-']);
  t.equal(refused.code, 2);
  t.equal(refused.stdout, '');
  t.match(refused.stderr, /E_USAGE: gen does not write to stdout/);
});

t.test(
  '--list names every defect, whether healthy or only a warning, and what it is',
  async (t) => {
    const result = await cli(['gen', '--list']);
    t.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    t.equal(lines.length, Object.keys(DEFECTS).length);
    for (const [name, defect] of Object.entries(DEFECTS)) {
      const line = lines.find((l) => l.startsWith(`${name} `)) ?? '';
      const kind = defect.healthy ? 'healthy' : defect.fails.length === 0 ? 'warning' : 'defect';
      t.match(line, new RegExp(`^${name} +${kind} +\\S`), `${name} is listed as ${kind}`);
      t.ok(line.endsWith(defect.description), `${name} has its description`);
    }
  },
);

t.test('an unknown defect is a usage error that says how to list them', async (t) => {
  const result = await cli(['gen', '--out', join(dir, 'x.json'), '--defect', 'no-such-thing']);
  t.equal(result.code, 2);
  t.equal(result.stdout, '');
  t.match(result.stderr, /E_USAGE: unknown defect 'no-such-thing'/);
  t.match(result.stderr, /certkey gen --list/);
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

t.test('without --out or --list gen says what is missing', async (t) => {
  const result = await cli(['gen']);
  t.equal(result.code, 2);
  t.match(result.stderr, /E_USAGE: gen needs --out/);
});

t.test('gen refuses to write keys where others could read them', async (t) => {
  const open = join(dir, 'readable.json');
  await writeFile(open, 'old', { mode: 0o644 });
  const refused = await cli(['gen', '--out', open]);
  t.equal(refused.code, 2);
  t.match(refused.stderr, /E_OUTPUT_EXISTS: \S*readable\.json already exists/);
  t.match(refused.stderr, /--force/);

  const result = await cli(['gen', '--out', open, '--force']);
  t.equal(result.code, 2);
  t.match(
    result.stderr,
    /E_OUTPUT_EXISTS: \S*readable\.json already exists and others can read it \(mode 644\)/,
  );
  t.equal(await readFile(open, 'utf8'), 'old', 'the file is left alone');

  const link = join(dir, 'link.json');
  await symlink(join(dir, 'elsewhere.json'), link);
  const linked = await cli(['gen', '--out', link, '--force']);
  t.equal(linked.code, 2);
  t.match(linked.stderr, /E_OUTPUT_EXISTS: cannot write \S*link\.json: it is a symbolic link/);
  await t.rejects(lstat(join(dir, 'elsewhere.json')), 'nothing written through the link');

  const nowhere = await cli(['gen', '--out', join(dir, 'no-such-folder', 'x.json')]);
  t.equal(nowhere.code, 2);
  t.match(nowhere.stderr, /E_OUTPUT_WRITE: cannot write \S*x\.json: ENOENT/);

  const mine = join(dir, 'mine.json');
  await writeFile(mine, 'x'.repeat(20000), { mode: 0o600 });
  const replaced = await cli(['gen', '--out', mine, '--force']);
  t.equal(replaced.code, 0, replaced.stderr);
  t.ok(JSON.parse(await readFile(mine, 'utf8')), 'a private file is replaced whole');
});
