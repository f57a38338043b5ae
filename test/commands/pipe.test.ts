/**
 * A reader that goes away before certkey has written its output (`certkey run | head -1`):
 * no stack trace, and the exit code is still the verdict's.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { CLI } from '../helpers/paths.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).
t.setTimeout(120_000);
const dir = t.testdir({});

/** Runs the CLI with its stdout pipe closed at once; resolves with the code and stderr. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

t.test('stdout closed by its reader: the verdict decides the exit code', async (t) => {
  const healthy = join(dir, 'healthy.json');
  const broken = join(dir, 'broken.json');
  t.equal((await runCli(['gen', '--out', healthy])).code, 0);
  t.equal((await runCli(['gen', '--out', broken, '--defect', 'source-key-mismatch'])).code, 0);

  for (const [bundle, code] of [
    [healthy, 0],
    [broken, 1],
  ] as const) {
    for (const json of [[], ['--json']]) {
      const args = ['run', '--bundle', bundle, '--out', join(dir, 'reports'), ...json];
      const result = await withClosedStdout(args);
      const name = `${bundle.endsWith('healthy.json') ? 'healthy' : 'broken'} ${json.join('')}`;
      t.equal(result.code, code, `${name}: exit ${code}`);
      t.notMatch(result.stderr, /EPIPE|Error:|\n\s+at /, `${name}: no stack trace`);
    }
  }
});
