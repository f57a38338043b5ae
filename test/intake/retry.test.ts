import { createServer, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { CertkeyError, EXIT, formatError } from '../../src/errors.js';
import { fetchBundle, type FetchRequest } from '../../src/intake/fetch.js';
import {
  MAX_WAIT_MS,
  retryAfterMs,
  retryDecision,
  retryableStatus,
} from '../../src/intake/fetch-retry.js';
import { runCli } from '../helpers/cli.js';
import { listenOnLoopback } from '../helpers/listen.js';
import { TOKEN, sampleReply } from './fixtures.js';

/** One scripted reply: a status (with headers), or `reset` to drop the connection. */
type Step = number | { status: number; headers?: Record<string, string>; body?: string } | 'reset';

/** A server answering each request with the next step (the last one repeats), counting. */
async function scripted(t: Test, steps: Step[]) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const step = steps[Math.min(seen.length, steps.length - 1)] ?? 200;
    seen.push(typeof step === 'object' ? String(step.status) : String(step));
    if (step === 'reset') return req.socket.destroy();
    answer(res, typeof step === 'number' ? { status: step } : step);
  });
  const port = await listenOnLoopback(t, server);
  return { url: `http://127.0.0.1:${port}`, seen };
}

/** A 200 with the sample bundle, or an SMS-style error for other statuses. */
function answer(
  res: ServerResponse,
  step: { status: number; headers?: Record<string, string>; body?: string },
) {
  const body =
    step.body ??
    (step.status === 200
      ? JSON.stringify(sampleReply())
      : JSON.stringify({ error_code: 'SMS.2007', error_msg: `status ${step.status}` }));
  res.writeHead(step.status, { 'Content-Type': 'application/json', ...step.headers });
  res.end(body);
}

function requestTo(endpoint: string, retries: number, extra: Partial<FetchRequest> = {}) {
  return {
    endpoint,
    taskId: 'task-retry',
    token: TOKEN,
    timeoutMs: 20_000,
    userAgent: 'certkey/test',
    network: { retries, backoffMs: 20, env: {} },
    ...extra,
  } satisfies FetchRequest;
}

async function failure(request: FetchRequest): Promise<CertkeyError> {
  const error = await fetchBundle(request).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof CertkeyError) return error;
  throw new Error(`expected a CertkeyError, got ${String(error)}`);
}

t.test('503, 503, 200: the third attempt succeeds', async (t) => {
  const server = await scripted(t, [503, 503, 200]);
  const fetched = await fetchBundle(requestTo(server.url, 3));
  t.same(server.seen, ['503', '503', '200']);
  t.equal(fetched.attempts, 3);
  t.ok(fetched.raw.fields.cert);
});

t.test('429 with Retry-After: 1 waits, then tries again', async (t) => {
  const server = await scripted(t, [{ status: 429, headers: { 'Retry-After': '1' } }, 200]);
  const fetched = await fetchBundle(requestTo(server.url, 3, {}));
  t.same(server.seen, ['429', '200']);
  t.equal(fetched.attempts, 2);
});

t.test('a dropped connection is retried', async (t) => {
  const server = await scripted(t, ['reset', 200]);
  const fetched = await fetchBundle(requestTo(server.url, 2));
  t.same(server.seen, ['reset', '200']);
  t.equal(fetched.attempts, 2);
});

t.test('4xx other than 429 is never retried', async (t) => {
  for (const status of [400, 401, 403, 404]) {
    const server = await scripted(t, [status, 200]);
    const error = await failure(requestTo(server.url, 3));
    t.equal(error.code, 'E_FETCH_HTTP', `${status}`);
    t.same(server.seen, [String(status)], `${status}: one attempt`);
    t.notMatch(error.message, /attempts/, `${status}: no attempt count`);
  }
});

t.test('500 on every attempt fails with exit class 3 and the attempt count', async (t) => {
  const retries = 3;
  const server = await scripted(t, [500]);
  const error = await failure(requestTo(server.url, retries));
  t.equal(server.seen.length, retries + 1);
  t.equal(error.code, 'E_FETCH_HTTP');
  t.equal(error.exitCode, EXIT.fetch);
  t.match(error.message, /returned 500 Internal Server Error: SMS\.2007/);
  t.match(error.message, /\(after 4 attempts\)$/);
  t.notMatch(formatError(error), TOKEN);
});

t.test('--retries 0 sends once', async (t) => {
  const server = await scripted(t, [503, 200]);
  const error = await failure(requestTo(server.url, 0));
  t.same(server.seen, ['503']);
  t.notMatch(error.message, /attempts/);
});

t.test('a refused connection is retried and the count reported', async (t) => {
  const port = await freePort();
  const error = await failure(requestTo(`http://127.0.0.1:${port}`, 2));
  t.equal(error.code, 'E_FETCH_NETWORK');
  t.match(error.message, /refused the connection \(after 3 attempts\)/);
});

t.test('the body cap still holds after a retry', async (t) => {
  const big = JSON.stringify({ cert: 'x'.repeat(4096) });
  const server = await scripted(t, [503, { status: 200, body: big }]);
  const error = await failure(requestTo(server.url, 3, { maxBodyBytes: 1024 }));
  t.equal(error.code, 'E_FETCH_BODY');
  t.match(error.message, /over 1024 bytes.*\(after 2 attempts\)$/);
  t.same(server.seen, ['503', '200'], 'the oversized 200 is not fetched again');
});

t.test('a reply that never comes is a timeout, not retried', async (t) => {
  let seen = 0;
  const sockets = new Set<Socket>();
  const server = createServer(() => {
    seen += 1;
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const error = await failure(requestTo(url, 3, { timeoutMs: 1500 }));
  t.equal(error.code, 'E_FETCH_TIMEOUT');
  t.equal(seen, 1);
});

t.test('which failures are retried, and for how long to wait', async (t) => {
  const status = (code: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error('Request failed'), { statusCode: code, headers });
  const network = (code: string) => Object.assign(new Error(code), { code });

  for (const code of [429, 500, 502, 503, 504]) t.ok(retryableStatus(code), `${code}`);
  for (const code of [400, 401, 403, 404, 409]) t.notOk(retryableStatus(code), `${code}`);

  t.equal(retryDecision(status(404), 1, 3, 100), undefined, '404: final');
  t.equal(retryDecision(status(503), 4, 3, 100), undefined, 'retries used up');
  const wait = retryDecision(status(503), 2, 3, 100) ?? -1;
  t.ok(wait >= 100 && wait <= 200, 'second wait between half and all of 200 ms');
  t.equal(retryDecision(status(429, { 'retry-after': '2' }), 1, 3, 100), 2000);
  t.equal(retryDecision(status(429, { 'retry-after': '86400' }), 1, 3, 100), MAX_WAIT_MS);
  t.ok(retryDecision(network('ECONNRESET'), 1, 3, 100) !== undefined, 'reset: retried');
  t.equal(retryDecision(network('ENOTFOUND'), 1, 3, 100), undefined, 'unknown host: final');
  t.equal(retryDecision(network('CERT_HAS_EXPIRED'), 1, 3, 100), undefined, 'TLS: final');

  const now = Date.parse('2026-12-03T10:00:00Z');
  t.equal(retryAfterMs('Thu, 03 Dec 2026 10:00:30 GMT', now), 30_000, 'an HTTP date');
  t.equal(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now), 0, 'a date passed');
  t.equal(retryAfterMs('soon', now), undefined);
  t.equal(retryAfterMs(undefined, now), undefined);
});

t.test('certkey run --retries: the attempt count reaches stderr, exit 3', async (t) => {
  const server = await scripted(t, [500]);
  const result = await runCli(
    ['run', '--task-id', 'task-retry', '--endpoint', server.url, '--retries', '1'],
    { env: { SMS_AUTH_TOKEN: TOKEN, HTTPS_PROXY: '', HTTP_PROXY: '' }, cwd: t.testdir() },
  );
  t.equal(result.code, EXIT.fetch, result.stderr);
  t.match(result.stderr, /E_FETCH_HTTP: .*returned 500.*\(after 2 attempts\)/);
  t.equal(server.seen.length, 2);
  t.notMatch(result.stderr + result.stdout, TOKEN);

  const bad = await runCli(['run', '--task-id', 'x', '--endpoint', server.url, '--retries', '-1'], {
    env: { SMS_AUTH_TOKEN: TOKEN },
    cwd: t.testdir(),
  });
  t.equal(bad.code, EXIT.usage);
  t.match(bad.stderr, /--retries must be a whole number from 0 to 10/);
});

/** A port nothing listens on (just released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
