import { spawn } from 'node:child_process';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { CertkeyError, EXIT, formatError } from '../../src/errors.js';
import { describeJsonError, loadBundle, MAX_INPUT_BYTES } from '../../src/intake/load.js';
import { KEY_BODY, sampleReply } from './fixtures.js';

const dir = t.testdir({
  'good.json': JSON.stringify(sampleReply(), null, 2),
  'bom.json': `\ufeff${JSON.stringify(sampleReply())}`,
  'empty.json': '',
  'blank.json': ' \n\t\n',
  'truncated.json': JSON.stringify(sampleReply()).slice(0, 120),
  'trailing.json': `${JSON.stringify(sampleReply())}\n}`,
  'bad-token.json': `{"cert": ${KEY_BODY}}`,
  'array.json': '[]',
  folder: {},
});
writeFileSync(
  join(dir, 'latin1.json'),
  Buffer.from([0x7b, 0x22, 0x63, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
);
writeFileSync(
  join(dir, 'utf16.json'),
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"cert":"x"}', 'utf16le')]),
);

/** Loads expecting a CertkeyError; checks the code, exit code, one line and no leak. */
async function failure(t: Test, path: string, code: string): Promise<CertkeyError> {
  const error = await loadBundle(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.type(error, CertkeyError);
  const failure = error as CertkeyError;
  t.equal(failure.code, code);
  t.equal(failure.exitCode, EXIT.usage);
  const shown = formatError(failure);
  t.equal(shown.split('\n').length, 3, 'one line and a remedy');
  t.notOk(shown.includes(KEY_BODY), 'no file content echoed');
  t.notOk(shown.includes('BEGIN'), 'no PEM echoed');
  return failure;
}

t.test('a good file loads, pretty-printed or with a byte order mark', async (t) => {
  const raw = await loadBundle(join(dir, 'good.json'));
  t.equal(raw.origin, join(dir, 'good.json'));
  t.equal(raw.caFieldName, 'ca_cert');
  t.equal(Object.keys(raw.fields).length, 7);

  const bom = await loadBundle(join(dir, 'bom.json'));
  t.equal(Object.keys(bom.fields).length, 7);
});

const CASES: [string, string, string, RegExp][] = [
  ['a missing file', 'nope.json', 'E_INPUT_READ', /cannot read .*nope\.json: no such file/],
  ['a path through a file', 'good.json/x', 'E_INPUT_READ', /not a directory/],
  ['a directory', 'folder', 'E_INPUT_READ', /folder: it is a directory/],
  ['an empty file', 'empty.json', 'E_INPUT_JSON', /empty\.json is empty/],
  ['a blank file', 'blank.json', 'E_INPUT_JSON', /blank\.json is empty/],
  ['Latin-1 text', 'latin1.json', 'E_INPUT_JSON', /latin1\.json is not UTF-8 text/],
  ['UTF-16 text', 'utf16.json', 'E_INPUT_JSON', /utf16\.json is UTF-16, not UTF-8/],
  ['a cut-off file', 'truncated.json', 'E_INPUT_JSON', /truncated\.json is not valid JSON: /],
  ['text after the JSON', 'trailing.json', 'E_INPUT_JSON', /not valid JSON: .*line 2 column 1/],
  ['a bare key in JSON', 'bad-token.json', 'E_INPUT_JSON', /bad-token\.json is not valid JSON/],
  [
    'JSON that is not an object',
    'array.json',
    'E_INPUT_SHAPE',
    /array\.json: the JSON is an array/,
  ],
];

for (const [name, file, code, message] of CASES) {
  t.test(`${code}: ${name}`, async (t) => {
    const error = await failure(t, join(dir, file), code);
    t.match(error.message, message);
    t.ok(error.remedy.length > 10, 'a remedy');
  });
}

t.test(
  'E_INPUT_READ: an unreadable file',
  { skip: process.getuid?.() === 0 && 'root reads any file' },
  async (t) => {
    const path = join(dir, 'locked.json');
    writeFileSync(path, '{}');
    chmodSync(path, 0o000);
    t.teardown(() => chmodSync(path, 0o600));
    const error = await failure(t, path, 'E_INPUT_READ');
    t.match(error.message, /permission denied/);
  },
);

t.test('E_INPUT_READ: a symbolic link loop', async (t) => {
  const path = join(dir, 'loop.json');
  symlinkSync(path, path);
  const error = await failure(t, path, 'E_INPUT_READ');
  t.match(error.message, /symbolic links/);
});

t.test('E_INPUT_READ: a file too large to be a reply', async (t) => {
  const path = join(dir, 'huge.json');
  writeFileSync(path, Buffer.alloc(MAX_INPUT_BYTES + 1, 0x20));
  const error = await failure(t, path, 'E_INPUT_READ');
  t.match(error.message, /huge\.json is over 16 MiB/);
});

t.test('JSON errors give a place, never the text around it', async (t) => {
  const text = `{\n  "private_key": "${KEY_BODY}\n"}`;
  let message = '';
  try {
    JSON.parse(text);
  } catch (error) {
    message = (error as Error).message;
  }
  const described = describeJsonError(message, text);
  t.notOk(described.includes(KEY_BODY));
  t.match(describeJsonError('Unexpected end of JSON input', '{'), /ends too early/);
  t.equal(
    describeJsonError(`Unexpected token 'S', "${KEY_BODY}" is not valid JSON`, KEY_BODY),
    'unexpected character',
  );
  t.equal(
    describeJsonError("Expected property name or '}' in JSON at position 4", '{\n  x'),
    "expected property name or '}' at line 2 column 3",
  );
});

t.test('- reads stdin', async (t) => {
  const loader = new URL('../../src/intake/load.ts', import.meta.url).href;
  const script = `import(${JSON.stringify(loader)}).then(async ({ loadBundle }) => {
    try {
      const raw = await loadBundle('-');
      console.log(raw.origin, Object.keys(raw.fields).length);
    } catch (error) {
      console.log(error.code, error.message);
    }
  })`;
  const run = (input: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [...process.execArgv, '--input-type=module', '-e', script],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out.trim()));
      child.stdin.end(input);
    });

  t.equal(await run(JSON.stringify(sampleReply())), 'stdin 7');
  t.equal(await run(''), 'E_INPUT_JSON stdin is empty');
  t.match(await run('{"cert": nope'), /^E_INPUT_JSON stdin is not valid JSON/);
});
