import t from 'tap';
import { checkFlagValues, joinDashValues } from '../src/cli-args.js';
import { CertkeyError } from '../src/errors.js';

t.test('a lone - stays a value', async (t) => {
  t.same(joinDashValues(['run', '--bundle', '-', '--json']), ['run', '--bundle=-', '--json']);
});

// Each case: the command line, the one-line message, and the remedy.
const refused: Array<[string[], RegExp, RegExp]> = [
  [['run', '--bundle', 'b.json', '--min-days', '--json'], /^--min-days needs a number$/, /N/],
  [['run', '--bundle', 'b.json', '--at'], /^--at needs a value$/, /give --at VALUE/],
  [['run', '--bundle', 'b.json', '--strict=maybe'], /^--strict takes no value/, /alone/],
  [['run', '--json=1', '--bundle', 'b.json'], /^--json takes no value/, /alone/],
  [['run', '--no-strict=true', '--bundle', 'b.json'], /^--no-strict takes no value/, /alone/],
  // A mistyped yes/no flag is unknown, not a flag without its value.
  [['run', '--bundle', 'x', '--jsn'], /^unknown option --jsn for certkey run$/, /--json\?/],
  [['run', '--bundle', 'x', '--strictt'], /^unknown option --strictt/, /--strict\?/],
  [['run', '--bundle', 'x', '--no-jsn'], /^unknown option --no-jsn/, /--no-json\?/],
  [['run', '--bundle', 'x', '--timout', '3'], /^unknown option --timout/, /--timeout\?/],
  [['run', '--bundle', 'x', '--bogus', 'x'], /^unknown option --bogus/, /^see `certkey run/],
  [['run', '--bundle', 'x', '--no-out'], /^unknown option --no-out/, /^see/],
  // An option of another command is unknown to this one.
  [['run', '--bundle', 'x', '--host', 'h'], /^unknown option --host for certkey run/, /see/],
  // Empty values: an empty --out would write the reports into the current folder.
  [['run', '--bundle', 'b.json', '--out', ''], /^--out needs a folder$/, /default \(reports\)/],
  [['run', '--bundle', 'b.json', '--out='], /^--out needs a folder$/, /--out DIR/],
  [['run', '--bundle', ''], /^--bundle needs a file$/, /--bundle FILE/],
  [['run', '--tasks-file', ''], /^--tasks-file needs a file$/, /FILE/],
  [['run', '--task-id', 't', '--save-bundle', ''], /^--save-bundle needs a file$/, /FILE/],
  [['run', '--task-id', 't', '--endpoint', ''], /^--endpoint needs a URL$/, /URL/],
  [['export', '--redacted', '--bundle', 'b', '--out', ''], /^--out needs a file$/, /FILE/],
  [['gen', '--out', ''], /^--out needs a file$/, /--out FILE/],
  [['probe', '--out', ''], /^--out needs a folder$/, /reports\/probe/],
  [['mock', '--bundles-dir', ''], /^--bundles-dir needs a folder$/, /DIR/],
  // Single-valued flags given twice: yargs would make an array of them.
  [['run', '--bundle', 'a', '--bundle', 'b'], /^--bundle is given more than once$/, /one file/],
  [['run', '--min-days', '1', '--min-days', '2'], /^--min-days is given more/, /one number/],
  [['run', '--bundle', 'a', '--strict', '--strict'], /^--strict is given more/, /once/],
  [['run', '--bundle', 'a', '--minDays', '1', '--min-days', '2'], /^--min-days is given/, /one/],
  // Words where numbers belong are quoted as typed, not as NaN.
  [['probe', '--mgmt-port', 'abc'], /^--mgmt-port "abc" is not a number$/, /a number/],
  [['run', '--bundle', 'x', '--timeout', 'ten'], /^--timeout "ten" is not a number$/, /number/],
  // A value outside the choices: one line, with the choices as the remedy.
  [['verify', '--purpose', 'both'], /^--purpose "both" is not one of client, server$/, /client or/],
];

for (const [args, message, remedy] of refused) {
  t.test(`refused: ${args.join(' ')}`, async (t) => {
    t.throws(() => checkFlagValues(args), { code: 'E_USAGE', message, remedy });
    try {
      checkFlagValues(args);
    } catch (error) {
      t.ok(error instanceof CertkeyError && error.exitCode === 2, 'a usage error, exit 2');
    }
  });
}

const accepted: string[][] = [
  ['run', '--bundle=-', '--min-days', '7', '--strict', '--json'],
  ['run', '--bundle', 'b.json', '--min-days', '-1'],
  ['run', '--strict=false', '--json=true', '--bundle', 'b.json'],
  ['run', '--no-strict', '--bundle', 'b.json'],
  ['run', '--', '--anything'],
  ['run', '--task-id', 'a', '--task-id', 'b', '--endpoint', 'https://e'],
  ['run', '--taskId', 'a', '--endpoint', 'https://e', '--timeout', '1.5'],
  ['verify', '--purpose', 'client', '--ca', 'ca.pem', '--cert', 'c.pem'],
  ['probe', '--mgmt-port', '0x22c3'],
  ['run', '--help'],
  // Without a known command yargs names the commands (or the nearest one).
  ['rn', '--jsn'],
  ['--jsn'],
];

for (const args of accepted) {
  t.test(`accepted: ${args.join(' ')}`, async (t) => {
    t.doesNotThrow(() => checkFlagValues(args));
  });
}
