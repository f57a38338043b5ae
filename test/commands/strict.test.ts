/**
 * `certkey run --strict` through the built CLI: a warning is a failure in every report,
 * counted once, and without --strict it is a warning in every report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import t from 'tap';
import { Parser } from 'tap-parser';
import { generateBundle } from '../../src/gen/bundle.js';
import { runCli } from '../helpers/cli.js';
import { TOKEN, readJsonReport, serveDir } from '../wave/fixtures.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).
t.setTimeout(600_000);

/** The failures tap-parser counts in a TAP report. */
function tapFailures(text: string): Promise<number> {
  return new Promise((resolve) => {
    const parser = new Parser((results) => resolve(results.fail));
    parser.end(text);
  });
}

t.test('a wave with one warning: every report agrees, with and without --strict', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'task-ok.json'), JSON.stringify(await generateBundle()));
  const warning = await generateBundle({ defect: 'expires-soon' });
  writeFileSync(join(dir, 'task-warn.json'), JSON.stringify(warning));
  const server = await serveDir(t, dir);

  for (const strict of [false, true]) {
    const label = strict ? '--strict' : 'default';
    const out = join(dir, strict ? 'strict' : 'default');
    const args = ['run', '--endpoint', server.url, '--task-id', 'task-ok', '--task-id'];
    args.push('task-warn', '--out', out, '--timeout', '60', ...(strict ? ['--strict'] : []));
    const result = await runCli(args, { env: { SMS_AUTH_TOKEN: TOKEN }, timeoutMs: 300_000 });
    t.equal(result.code, strict ? 1 : 0, `${label}: exit code`);

    const json = readJsonReport(out) as ReturnType<typeof readJsonReport> & {
      summary: { pass: number; warn: number };
    };
    const statuses = json.tasks.flatMap((task) => task.checks.map((check) => check.status));
    t.same(
      statuses.filter((status) => status !== 'pass'),
      ['warn'],
      `${label}: one check is a warning, and the JSON keeps it one`,
    );
    const [failed, warnings] = strict ? [1, 0] : [0, 1];
    const word = strict ? 'FAIL' : 'PASS';
    t.match(
      json.summary,
      { fail: failed, warn: warnings, verdict: word.toLowerCase() },
      `${label}: JSON summary`,
    );

    const counts = `${failed} failed, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    const passed = json.summary.pass;
    t.match(result.stdout, `\ncertkey: ${word}: ${passed} passed, ${counts}, 0 skipped\n`);
    t.match(result.stdout, `\nTASK  task-warn: ${word} (${counts})\n`, `${label}: task line`);
    t.match(result.stdout, /^TASK {2}task-ok: PASS \(0 failed, 0 warnings\)$/m);

    const junit = readFileSync(join(out, 'preflight.junit.xml'), 'utf8');
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit);
    t.equal(Number(xml.testsuites.failures), failed, `${label}: JUnit failures`);

    const tap = readFileSync(join(out, 'preflight.tap'), 'utf8');
    t.equal(await tapFailures(tap), failed, `${label}: TAP failures`);
  }
});
