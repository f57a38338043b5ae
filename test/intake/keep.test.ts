import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import t, { type Test } from 'tap';
import { keepConnections, type NetworkOptions } from '../../src/intake/dispatcher.js';
import { fetchBundle, type FetchRequest } from '../../src/intake/fetch.js';
import { listenOnLoopback } from '../helpers/listen.js';
import { TOKEN, sampleReply } from './fixtures.js';

/** A server answering with the statuses given in turn (then 200), counting its connections. */
async function counting(t: Test, statuses: number[] = []) {
  const seen: number[] = [];
  const open = new Set<Socket>();
  let connections = 0;
  const server = createServer((_req, res) => {
    const status = statuses[seen.length] ?? 200;
    seen.push(status);
    const body = status === 200 ? sampleReply() : { error_code: 'SMS.2007', error_msg: 'busy' };
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  server.on('connection', (socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  const port = await listenOnLoopback(t, server);
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    open: () => open.size,
  };
}

function request(endpoint: string, network: NetworkOptions, taskId: string): FetchRequest {
  return { endpoint, taskId, token: TOKEN, timeoutMs: 20_000, userAgent: 'certkey/test', network };
}

/** Waits until the server has seen every client socket close (or a second has passed). */
async function closed(server: { open(): number }): Promise<number> {
  for (let i = 0; i < 100 && server.open() > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return server.open();
}

t.test('fetches with kept options share one connection; the release closes it', async (t) => {
  const server = await counting(t);
  const network: NetworkOptions = { retries: 0, env: {} };
  const release = keepConnections(network);

  for (const id of ['task-1', 'task-2', 'task-3', 'task-4']) {
    const fetched = await fetchBundle(request(server.url, network, id));
    t.equal(fetched.attempts, 1, `${id}: one attempt`);
    // undici frees the connection a turn after the body ends.
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.equal(server.connections(), 1, 'four fetches one after another, one connection');
  t.equal(server.open(), 1, 'the connection stays open between fetches');

  await release();
  t.equal(await closed(server), 0, 'the release closes it');
});

t.test('without keepConnections each fetch opens and closes its own', async (t) => {
  const server = await counting(t);
  const network: NetworkOptions = { retries: 0, env: {} };

  for (const id of ['task-1', 'task-2']) await fetchBundle(request(server.url, network, id));
  t.equal(server.connections(), 2, 'two fetches, two connections');
  t.equal(await closed(server), 0, 'none left open');
});

t.test('a kept agent still counts and retries each fetch on its own', async (t) => {
  const server = await counting(t, [503, 503, 200, 200]);
  const network: NetworkOptions = { retries: 3, backoffMs: 10, env: {} };
  const release = keepConnections(network);
  t.teardown(release);

  const first = await fetchBundle(request(server.url, network, 'task-1'));
  const second = await fetchBundle(request(server.url, network, 'task-2'));
  t.equal(first.attempts, 3, 'the first fetch: two 503s, then 200');
  t.equal(second.attempts, 1, 'the second starts its own count');
  t.same(server.seen, [503, 503, 200, 200]);
});

t.test('other options, even equal ones, are not kept', async (t) => {
  const server = await counting(t);
  const kept: NetworkOptions = { retries: 0, env: {} };
  const release = keepConnections(kept);
  t.teardown(release);

  await fetchBundle(request(server.url, { retries: 0, env: {} }, 'task-1'));
  t.equal(await closed(server), 0, 'a fetch with its own options closes its connection');
});
