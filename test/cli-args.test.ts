import t from 'tap';
import { checkFlagValues, joinDashValues } from '../src/cli-args.js';
import { CertkeyError } from '../src/errors.js';

t.test('a lone - stays a value', async (t) => {
  t.same(joinDashValues(['run', '--bundle', '-', '--json']), ['run', '--bundle=-', '--json']);
});

const refused: Array<[string[], RegExp]> = [
  [['run', '--bundle', 'b.json', '--min-days', '--json'], /--min-days needs a value/],
  [['run', '--bundle', 'b.json', '--at'], /--at needs a value/],
  [['run', '--bundle', 'b.json', '--strict=maybe'], /--strict takes no value/],
  [['run', '--json=1', '--bundle', 'b.json'], /--json takes no value/],
];

for (const [args, message] of refused) {
  t.test(`refused: ${args.join(' ')}`, async (t) => {
    t.throws(() => checkFlagValues(args), { code: 'E_USAGE', message });
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
];

for (const args of accepted) {
  t.test(`accepted: ${args.join(' ')}`, async (t) => {
    t.doesNotThrow(() => checkFlagValues(args));
  });
}
