/**
 * Every catalogue entry end to end through the built CLI: `certkey gen` writes the bundle,
 * `certkey run --json` judges it, and the failing (suite, subject) pairs must be exactly the
 * entry's `fails` (plus any of its `mayFail`), its warnings exactly `warns`.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { DEFECTS, type Defect, type Expect } from '../../src/gen/defects.js';
import type { Check } from '../../src/model.js';
import { runCli, type CliResult } from '../helpers/cli.js';

// Two CLI runs per entry on a shared two-core machine: allow for a slow afternoon.
t.setTimeout(1_800_000);

const CONCURRENCY = 3;
const dir = await mkdtemp(join(tmpdir(), 'certkey-defects-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

interface Outcome {
  gen: CliResult;
  run: CliResult;
  bundle: Record<string, string>;
  checks: Check[];
}

/** Generates and checks one entry's bundle. */
async function judge(name: string): Promise<Outcome> {
  const file = join(dir, `${name}.json`);
  const gen = await runCli(['gen', '--out', file, '--defect', name], { timeoutMs: 300_000 });
  const bundle =
    gen.code === 0 ? (JSON.parse(await readFile(file, 'utf8')) as Outcome['bundle']) : {};

  const args = ['run', '--bundle', file, '--json', '--out', join(dir, name)];
  const run = await runCli(args, { timeoutMs: 300_000 });
  let checks: Check[] = [];
  try {
    checks = (JSON.parse(run.stdout) as { checks: Check[] }).checks;
  } catch {
    // Left empty: the assertions below report the exit code and stderr.
  }
  return { gen, run, bundle, checks };
}

/** Runs at most `concurrency` pieces of work at once; the rest wait their turn. */
function limiter(concurrency: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const key = (pair: Expect | Check) => `${pair.suite}/${pair.subject}`;
const keys = (pairs: Array<Expect | Check> = []) => [...new Set(pairs.map(key))].sort();

/** Lines from the middle of every private key in the bundle: none may appear in any output. */
function keyLines(bundle: Record<string, string>): string[] {
  return Object.values(bundle)
    .filter((text) => text.includes('PRIVATE KEY'))
    .map((text) => text.split(/\r?\n/)[3] ?? '')
    .filter((line) => line.length > 40);
}

function assertOutcome(t: Test, defect: Defect, outcome: Outcome) {
  const { gen, run, checks } = outcome;
  t.equal(gen.code, 0, `gen succeeded ${gen.stderr}`);
  t.ok(checks.length > 0, `run printed a JSON report (exit ${run.code}): ${run.stderr}`);

  const failing = keys(checks.filter((c) => c.status === 'fail'));
  const must = keys(defect.fails);
  const allowed = new Set([...must, ...keys(defect.mayFail)]);
  t.same(
    must.filter((pair) => !failing.includes(pair)),
    [],
    'every expected pair fails',
  );
  t.same(
    failing.filter((pair) => !allowed.has(pair)),
    [],
    'nothing else fails',
  );
  t.same(keys(checks.filter((c) => c.status === 'warn')), keys(defect.warns), 'warnings');

  if (defect.healthy) {
    const notPassing = checks
      .filter((c) => c.status !== 'pass')
      .map((c) => `${key(c)} ${c.status}`);
    t.same(notPassing, [], 'a healthy variant passes every check');
  }
  if (defect.mentions) {
    const said = checks.filter((c) => c.status === 'fail').map((c) => c.message);
    t.ok(
      said.some((message) => defect.mentions?.test(message)),
      `a failure says ${defect.mentions}`,
    );
  }

  t.equal(run.code, failing.length > 0 ? 1 : 0, 'exit code');
  const output = gen.stdout + gen.stderr + run.stdout + run.stderr;
  t.notMatch(output, /PRIVATE KEY-----/, 'no key PEM in any output');
  for (const line of keyLines(outcome.bundle)) t.notOk(output.includes(line), 'no key material');
}

// Without a built CLI every entry would fail the same way: say so once instead.
const probe = await runCli(['gen', '--list']);
if (probe.code === 0) checkEveryEntry();
else t.fail(`the built CLI does not run (npm run build first): ${probe.stderr}`);

function checkEveryEntry() {
  // All entries start at once, a few at a time; each subtest then waits for its own.
  const names = Object.keys(DEFECTS);
  const limit = limiter(CONCURRENCY);
  const outcomes = new Map(names.map((name) => [name, limit(() => judge(name))]));
  for (const outcome of outcomes.values()) outcome.catch(() => undefined);

  for (const name of names) {
    const defect = DEFECTS[name];
    if (!defect) continue;
    t.test(`${name}: ${defect.description}`, async (t) => {
      assertOutcome(t, defect, await (outcomes.get(name) ?? judge(name)));
    });
  }
}
