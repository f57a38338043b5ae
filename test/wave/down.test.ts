import { createServer } from 'node:http';
import t, { type Test } from 'tap';
import { listenOnLoopback } from '../helpers/listen.js';
import type { TaskSource } from '../../src/wave/check-task.js';
import { DOWN_AFTER, runWave } from '../../src/wave/run-wave.js';
import { TOKEN } from './fixtures.js';

const CHECK = { at: new Date(), minDays: 30, handshakeTimeoutMs: 5000 };

/**
 * An endpoint that drops the connection of every task named `drop-*` and answers the others
 * with a JSON object (not a bundle: its checks fail, but it was fetched). Counts requests.
 */
async function endpoint(t: Test) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const task = /\/v3\/tasks\/([^/]+)\/certkey/.exec(req.url ?? '')?.[1] ?? '';
    seen.push(task);
    if (task.startsWith('drop-')) return req.socket.destroy();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ cert: 'not a certificate' }));
  });
  const port = await listenOnLoopback(t, server);
  return { url: `http://127.0.0.1:${port}`, seen };
}

function sources(url: string, ids: string[]): TaskSource[] {
  const network = { retries: 0, env: {} };
  return ids.map((taskId) => ({
    kind: 'api',
    endpoint: url,
    taskId,
    token: TOKEN,
    timeoutMs: 5000,
    network,
  }));
}

async function wave(url: string, ids: string[]) {
  const settings = { concurrency: 1, signal: new AbortController().signal, strict: false };
  return runWave(sources(url, ids), CHECK, settings);
}

t.test(`after ${DOWN_AFTER} unreached tasks in a row the rest are not sent`, async (t) => {
  const server = await endpoint(t);
  const ids = [
    ...Array.from({ length: DOWN_AFTER }, (_, i) => `drop-${i}`),
    'ok-after',
    'drop-after',
    'ok-last',
  ];
  const outcome = await wave(server.url, ids);

  t.same(server.seen, ids.slice(0, DOWN_AFTER), 'only the unreached tasks were sent');
  t.equal(outcome.complete, true, 'every task has a row');
  t.same(
    outcome.results.map((result) => result.task),
    ids,
    'in order',
  );
  for (const result of outcome.results.slice(DOWN_AFTER)) {
    t.equal(result.error?.code, 'E_FETCH_NETWORK', `${result.task}: an error row`);
    t.match(result.error?.message, /^not sent: the 5 tasks before it could not reach/);
    t.match(result.error?.remedy, /run the wave again for the tasks not fetched$/);
    t.equal(result.error?.message.split('not sent').length, 2, `${result.task}: said once`);
  }
  const rows = outcome.results.slice(DOWN_AFTER).map((result) => result.error);
  t.ok(
    rows.every((row) => row?.message === rows[0]?.message && row?.remedy === rows[0]?.remedy),
    'every row not sent quotes the same last real error: nothing nests',
  );
});

t.test('a task that reached the endpoint starts the count again', async (t) => {
  const server = await endpoint(t);
  const drops = (from: number) =>
    Array.from({ length: DOWN_AFTER - 1 }, (_, i) => `drop-${from + i}`);
  const ids = [...drops(0), 'ok-1', ...drops(10), 'ok-2', 'drop-last'];
  const outcome = await wave(server.url, ids);

  t.same(server.seen, ids, 'every task was sent: never 5 unreached in a row');
  const fetched = outcome.results.filter((result) => result.task.startsWith('ok-'));
  t.same(
    fetched.map((result) => result.error),
    [undefined, undefined],
    'the reachable tasks were fetched and checked',
  );
  t.notOk(
    outcome.results.some((result) => /^not sent/.test(result.error?.message ?? '')),
    'no task was skipped',
  );
});
