import t from 'tap';
import { runCli } from '../helpers/cli.js';

// The CLI tests run dist/: `npm run build` before them (npm test does).
const COMMANDS = ['run', 'inspect', 'export', 'probe', 'mock', 'gen', 'token', 'verify', 'demo'];

t.test('certkey alone names every command (exit 2)', async (t) => {
  const result = await runCli([]);
  t.equal(result.code, 2);
  t.match(result.stderr, /^certkey: E_USAGE: name a command: (\w+, )+\w+\n {2}remedy: /);
  const named = /name a command: (.*)\n/.exec(result.stderr)?.[1]?.split(', ');
  t.same(named, COMMANDS);
});

t.test('certkey -h is --help: every command, exit 0', async (t) => {
  const result = await runCli(['-h']);
  t.equal(result.code, 0, result.stderr);
  for (const name of COMMANDS) t.match(result.stdout, new RegExp(`certkey ${name} `));
});

t.test('certkey run -h lists the options of run', async (t) => {
  const result = await runCli(['run', '-h']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /--min-days/);
});
