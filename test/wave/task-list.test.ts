import { join } from 'node:path';
import t from 'tap';
import { CertkeyError } from '../../src/errors.js';
import {
  MAX_WAVE_TASKS,
  parseTasksFile,
  readTaskList,
  uniqueIds,
} from '../../src/wave/task-list.js';
import { defaultConcurrency, runPool } from '../../src/wave/pool.js';

t.test('a tasks file: one id a line, comments and blank lines ignored', async (t) => {
  const text = '# wave 3\n\n  t-1  \nt-2 # the database\r\n\t\n#t-3\nt-4\n';
  t.same(parseTasksFile(text, 'f'), ['t-1', 't-2', 't-4']);
});

t.test('a bad tasks file is E_INPUT_SHAPE naming the file and line', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['t-1\nt 2\n', /tasks file f, line 2, is not a task id/],
    ['t-1\n..\n', /tasks file f, line 2, is not a task id/],
    ['.\n', /tasks file f, line 1, is not a task id/],
    ['# nothing\n\n', /tasks file f holds no task id/],
    [`${'x'.repeat(256)}\n`, /line 1/],
    ['caf\u00e9\n', /line 1/],
  ];
  for (const [text, message] of cases) {
    t.throws(() => parseTasksFile(text, 'f'), { code: 'E_INPUT_SHAPE', message });
  }
});

t.test('ids from --task-id and --tasks-file, once each, in order', async (t) => {
  const dir = t.testdir({ 'tasks.txt': 'b\nc\na\n' });
  const list = await readTaskList({
    'task-id': ['a', 'b', 'a'],
    'tasks-file': join(dir, 'tasks.txt'),
  });
  t.same(list, { ids: ['a', 'b', 'c'], repeated: ['a', 'b'] });
  t.same(await readTaskList({ 'task-id': 'solo' }), { ids: ['solo'], repeated: [] });
  t.same(await readTaskList({}), { ids: [], repeated: [] });
});

t.test('--task-id . or .. is no task id: a URL would resolve it as a path step', async (t) => {
  for (const id of ['.', '..']) {
    const error = await readTaskList({ 'task-id': id }).catch((caught: unknown) => caught);
    t.match(error, { code: 'E_USAGE', message: `--task-id "${id}" is not a task id` }, id);
  }
  t.same((await readTaskList({ 'task-id': '...' })).ids, ['...'], 'three dots are a name');
});

t.test('a tasks file of 200,000 lines, nearly all one id, is one task', async (t) => {
  const text = `${'task-ok1\n'.repeat(199_999)}task-ok2\n`;
  const dir = t.testdir({ 'tasks.txt': text });
  const list = await readTaskList({ 'task-id': 'task-ok2', 'tasks-file': join(dir, 'tasks.txt') });
  t.same(list, { ids: ['task-ok2', 'task-ok1'], repeated: ['task-ok1', 'task-ok2'] });
});

t.test('100,000 different ids come back once each, in the order given', async (t) => {
  const given = Array.from({ length: 100_000 }, (_, i) => `task-${i}`);
  const list = uniqueIds([given, ['task-5', 'task-99999', 'task-new']]);
  t.equal(list.ids.length, 100_001);
  t.equal(list.ids[0], 'task-0');
  t.equal(list.ids[99_999], 'task-99999');
  t.equal(list.ids[100_000], 'task-new');
  t.same(list.repeated, ['task-5', 'task-99999']);
});

t.test('a wave of more than MAX_WAVE_TASKS different ids is E_USAGE naming the file', async (t) => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `t-${i}\n`).join('');
  const dir = t.testdir({ 'at-limit.txt': ids(MAX_WAVE_TASKS), 'over.txt': ids(100_000) });
  const atLimit = await readTaskList({ 'tasks-file': join(dir, 'at-limit.txt') });
  t.equal(atLimit.ids.length, MAX_WAVE_TASKS, 'the limit itself is allowed');

  const over = join(dir, 'over.txt');
  const error = await readTaskList({ 'tasks-file': over }).catch((e: unknown) => e);
  t.match(error, {
    code: 'E_USAGE',
    message: `the tasks file ${over} gives 100000 different task ids; a wave checks at most`,
    remedy: /split the tasks into waves/,
  });
  t.ok(error instanceof CertkeyError && error.exitCode === 2, 'exit 2');

  const both = await readTaskList({ 'task-id': 'x', 'tasks-file': over }).catch((e) => e);
  t.match(both, { code: 'E_USAGE', message: /^--task-id and the tasks file / });
});

t.test('an unreadable tasks file or a bad --task-id is a usage error', async (t) => {
  const missing = '/nonexistent/tasks.txt';
  await t.rejects(readTaskList({ 'tasks-file': missing }), {
    code: 'E_INPUT_READ',
    message: /cannot read the tasks file \/nonexistent\/tasks\.txt \(ENOENT\)/,
  });
  await t.rejects(readTaskList({ 'task-id': ['ok', 'has space'] }), { code: 'E_USAGE' });
  const error = await readTaskList({ 'task-id': [''] }).catch((e: unknown) => e);
  t.ok(error instanceof CertkeyError && error.exitCode === 2);
});

t.test('the pool keeps to its limit and stops on abort', async (t) => {
  let running = 0;
  let most = 0;
  const done: number[] = [];
  await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    done.push(item);
  });
  t.equal(most, 3);
  t.same(done.sort(), [1, 2, 3, 4, 5, 6, 7]);

  const controller = new AbortController();
  const started: number[] = [];
  await runPool(
    [1, 2, 3, 4],
    1,
    async (item) => {
      started.push(item);
      if (item === 2) controller.abort();
      if (item === 2) await new Promise(() => undefined);
    },
    controller.signal,
  );
  t.same(started, [1, 2], 'no task starts after the abort, and the stalled one is not awaited');
  t.ok(defaultConcurrency() >= 4 && defaultConcurrency() <= 32);
});
