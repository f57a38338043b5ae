import t from 'tap';
import { repeatedNote } from '../../src/commands/run.js';

t.test('a few repeated ids are named one by one', async (t) => {
  t.equal(
    repeatedNote(['a', 'b']),
    'certkey: task a is given more than once: checked once\n' +
      'certkey: task b is given more than once: checked once\n',
  );
  t.equal(repeatedNote([]), '', 'none: nothing');
});

t.test('thousands of repeated ids: five named, then one line for the rest', async (t) => {
  const ids = Array.from({ length: 3000 }, (_, i) => `task-${i}`);
  const lines = repeatedNote(ids).trimEnd().split('\n');
  t.equal(lines.length, 6);
  t.match(lines[4], /^certkey: task task-4 is given more than once/);
  t.equal(lines[5], 'certkey: 2995 more task ids are given more than once: each checked once');
});
