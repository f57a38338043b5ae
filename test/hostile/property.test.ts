/**
 * Property tests: spoiled bundles and PEM text, generated from a healthy bundle, never make
 * certkey throw, hang or print key material. In-process through the parse and static
 * suites, and a smaller number through the CLI. Seeded: set CERTKEY_SEED to replay a run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { runChecks } from '../../src/checks/run.js';
import { CertkeyError } from '../../src/errors.js';
import { toRawBundle } from '../../src/intake/bundle.js';
import { ALL_FIELDS, SUITE_NAMES, type Check } from '../../src/model.js';
import { readPem } from '../../src/parse/pem.js';
import { generateBundle } from '../../src/gen/bundle.js';
import { runCli } from '../helpers/cli.js';
import { keyLines } from '../faults/mock-cli.js';
import { mutatedBundle, mutatedText } from './mutate.js';

t.setTimeout(600_000);

const SEED = Number(process.env['CERTKEY_SEED'] ?? Date.now() % 2 ** 31);
t.comment(`fast-check seed ${SEED} (replay with CERTKEY_SEED=${SEED})`);

const healthy = (await generateBundle()) as Record<string, string>;
const SECRETS = keyLines(healthy);
const STATIC = SUITE_NAMES.filter((name) => name !== 'mtls' && name !== 'probe');
const OPTIONS = { at: new Date(), minDays: 30, handshakeTimeoutMs: 5000 };
const STATUSES = new Set(['pass', 'fail', 'warn', 'skip']);
const RUN_LIMIT_MS = 30_000;

/** Rejects when `work` takes longer than RUN_LIMIT_MS: a hang is a failure, not a wait. */
async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no result within ${RUN_LIMIT_MS} ms`)),
      RUN_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The text of every check, where a key would show if one leaked. */
function checkText(checks: Check[]): string {
  return checks.map((c) => `${c.message}\n${c.remedy ?? ''}\n${c.note ?? ''}`).join('\n');
}

/** Runs a decoded reply in-process: a clean CertkeyError, or well-formed checks. */
async function judge(json: unknown): Promise<void> {
  let raw;
  try {
    raw = toRawBundle(json, 'generated.json');
  } catch (error) {
    if (!(error instanceof CertkeyError)) throw error;
    if (SECRETS.some((line) => error.message.includes(line))) throw new Error('key in error');
    return;
  }

  const { checks } = await bounded(runChecks(raw, OPTIONS, STATIC));
  if (checks.length === 0) throw new Error('no checks at all');
  for (const check of checks) {
    if (!STATUSES.has(check.status)) throw new Error(`bad status ${check.status}`);
    if (!ALL_FIELDS.includes(check.subject)) throw new Error(`bad subject ${check.subject}`);
    if (typeof check.message !== 'string' || check.message === '') throw new Error('no message');
  }
  const text = checkText(checks);
  const leaked = SECRETS.find((line) => text.includes(line));
  if (leaked) throw new Error('a check message holds a line of a private key');
}

const settings = (numRuns: number, offset: number) => ({
  seed: SEED + offset,
  numRuns,
  endOnFailure: true,
});

t.test('spoiled fields: every run ends in checks or a clean error', async (t) => {
  await fc.assert(fc.asyncProperty(mutatedBundle(healthy), judge), settings(200, 0));
  t.pass(`200 bundles (seed ${SEED})`);
});

t.test('spoiled JSON text: a clean error or checks, never a throw', async (t) => {
  const property = fc.asyncProperty(mutatedText(healthy), async (text) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    await judge(json);
  });
  await fc.assert(property, settings(100, 1));
  t.pass(`100 texts (seed ${SEED})`);
});

t.test('any text as a PEM field: a defect or blocks, never a throw', async (t) => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    mutatedText(healthy).map((json) => json.slice(0, 3000)),
    fc
      .constantFrom(...Object.values(healthy))
      .chain((pem) => fc.nat({ max: pem.length }).map((cut) => pem.slice(0, cut))),
  );
  fc.assert(
    fc.property(text, (value) => {
      const result = readPem('cert', value);
      const words = result.ok ? '' : `${result.defect.message} ${result.defect.remedy}`;
      return !SECRETS.some((line) => words.includes(line));
    }),
    settings(400, 2),
  );
  t.pass(`400 texts (seed ${SEED})`);
});

t.test('spoiled bundles through the CLI: a report or a clean error', async (t) => {
  const dir = t.testdir({});
  const samples = fc.sample(mutatedBundle(healthy), { seed: SEED + 3, numRuns: 20 });
  t.jobs = 4;
  for (const [index, bundle] of samples.entries()) {
    t.test(`CLI case ${index} (seed ${SEED})`, async (t) => {
      const path = join(dir, `case-${index}.json`);
      writeFileSync(path, JSON.stringify(bundle), { mode: 0o600 });
      const out = join(dir, `out-${index}`);
      const result = await runCli(['run', '--bundle', path, '--out', out, '--timeout', '5'], {
        timeoutMs: 120_000,
      });

      t.ok([0, 1, 2].includes(result.code ?? -1), `exit 0, 1 or 2 (got ${result.code})`);
      t.notMatch(result.stderr, /\n\s+at \S/, 'no stack trace');
      t.notMatch(result.stderr, /E_INTERNAL/, 'no internal error');
      const output = result.stdout + result.stderr;
      t.notOk(
        SECRETS.some((line) => output.includes(line)),
        'no key material',
      );
      if (result.code === 2) t.match(result.stderr, /^certkey: E_[A-Z_]+: .+\n {2}remedy: /);
      else t.match(result.stdout, /reports: /, 'a report was written');
    });
  }
});
