import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/cli.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).
const dir = await mkdtemp(join(tmpdir(), 'certkey-options-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const bundle = join(dir, 'bundle.json');

t.before(async () => {
  const gen = await runCli(['gen', '--out', bundle]);
  if (gen.code !== 0) throw new Error(`gen failed: ${gen.stderr}`);
});

const cases: Array<[string, string[], RegExp]> = [
  ['a flag without its value', ['--min-days', '--json'], /E_USAGE: --min-days needs a number/],
  ['a mistyped yes/no flag', ['--jsn'], /E_USAGE: unknown option --jsn .*\n.*did you mean --json/],
  ['a mistyped flag', ['--strictt'], /E_USAGE: unknown option --strictt .*\n.*--strict\?/],
  ['an unknown flag', ['--bogus', 'x'], /E_USAGE: unknown option --bogus for certkey run\n/],
  ['--bundle twice', ['--bundle', 'b.json'], /E_USAGE: --bundle is given more than once\n/],
  ['--min-days twice', ['--min-days', '1', '--min-days', '2'], /--min-days is given more/],
  ['a yes/no flag with a value', ['--strict=maybe'], /E_USAGE: --strict takes no value/],
  ['a day that does not exist', ['--at', '2027-02-30'], /E_USAGE: --at "2027-02-30" is not/],
  ['a zero timeout', ['--timeout', '0'], /E_USAGE: --timeout must be .* from 1 to 3600/],
  ['a timeout past any timer', ['--timeout', '1e9'], /E_USAGE: --timeout must be .* to 3600/],
  // Above 0, but a healthy bundle's handshakes cannot finish in a nanosecond.
  ['a timeout of a nanosecond', ['--timeout', '1e-9'], /E_USAGE: --timeout 1e-9 is under 1 s/],
  ['a timeout under a second', ['--timeout', '0.5'], /E_USAGE: --timeout 0\.5 is under 1 s/],
];

for (const [name, extra, message] of cases) {
  t.test(`run refuses ${name} (exit 2, no report)`, async (t) => {
    const out = join(dir, name.replace(/\W+/g, '-'));
    const result = await runCli(['run', '--bundle', bundle, '--out', out, ...extra]);
    t.equal(result.code, 2, result.stderr);
    t.match(result.stderr, message);
    t.match(result.stderr, /remedy: /);
    t.equal(result.stdout, '');
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
}

t.test('run refuses an empty --out: the reports would land in the current folder', async (t) => {
  const cwd = await mkdtemp(join(dir, 'cwd-'));
  const result = await runCli(['run', '--bundle', bundle, '--out', ''], { cwd });
  t.equal(result.code, 2, result.stderr);
  t.match(result.stderr, /^certkey: E_USAGE: --out needs a folder\n {2}remedy: give --out DIR/);
  t.same(await readdir(cwd), [], 'no report written');
});

const emptyPaths: Array<[string, string[], RegExp]> = [
  ['run --bundle', ['run', '--bundle', ''], /--bundle needs a file/],
  ['run --tasks-file', ['run', '--tasks-file', '', '--endpoint', 'http://x'], /--tasks-file/],
  ['run --save-bundle', ['run', '--task-id', 't', '--save-bundle', ''], /--save-bundle needs/],
  ['export --out', ['export', '--redacted', '--bundle', 'b.json', '--out', ''], /--out needs a/],
  ['gen --out', ['gen', '--out', ''], /--out needs a file/],
];

for (const [name, args, message] of emptyPaths) {
  t.test(`${name} '' is a usage error`, async (t) => {
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    const result = await runCli(args, { cwd });
    t.equal(result.code, 2, result.stderr);
    t.match(result.stderr, message);
    t.same(await readdir(cwd), [], 'nothing written');
  });
}

t.test('run --save-bundle in a folder that does not exist says so, before any fetch', async (t) => {
  const target = join(dir, 'nodir', 'saved.json');
  const args = ['run', '--task-id', 't1', '--endpoint', 'http://127.0.0.1:9', '--out', dir];
  const result = await runCli([...args, '--save-bundle', target], {
    env: { SMS_AUTH_TOKEN: 'token-for-the-test' },
  });
  t.equal(result.code, 2, result.stderr);
  t.match(
    result.stderr,
    /E_OUTPUT_WRITE: cannot write \S*saved\.json: the folder \S*nodir does not/,
  );
  t.match(result.stderr, /remedy: create the folder first/);
  t.notMatch(result.stderr, /remove that one first/);
});

t.test('a timeout of 1 second is accepted', async (t) => {
  const out = join(dir, 'one-second');
  const result = await runCli(['run', '--bundle', bundle, '--out', out, '--timeout', '1']);
  t.equal(result.code, 0, result.stderr);
});

t.test('token takes the same --timeout floor', async (t) => {
  const args = ['token', '--iam-endpoint', 'https://iam.example.com', '--user', 'u'];
  args.push('--domain', 'd', '--project', 'p', '--out', join(dir, 'token.txt'));
  const result = await runCli([...args, '--timeout', '0.01']);
  t.equal(result.code, 2, result.stderr);
  t.match(result.stderr, /E_USAGE: --timeout 0\.01 is under 1 second/);
});

t.test('gen refuses to replace a file unless --force', async (t) => {
  const again = await runCli(['gen', '--out', bundle]);
  t.equal(again.code, 2);
  t.match(again.stderr, /E_OUTPUT_EXISTS: .*bundle\.json already exists/);
});
