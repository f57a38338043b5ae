import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { request } from 'undici';
import { CertkeyError } from '../../src/errors.js';
import { startMock, type MockOptions, type MockServer } from '../../src/mock/server.js';
import { TOKEN, sampleReply } from '../intake/fixtures.js';

const TEXT = `${JSON.stringify(sampleReply(), null, 1)}\n`;

async function mock(t: Test, extra: Partial<MockOptions> = {}): Promise<MockServer> {
  const server = await startMock({
    token: TOKEN,
    bundles: (id) => (id === 'task-1' ? TEXT : undefined),
    ...extra,
  });
  t.teardown(() => server.close());
  return server;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> | undefined;
}

async function get(url: string, options: { method?: string; token?: string | null } = {}) {
  const token = options.token === undefined ? TOKEN : options.token;
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: token === null ? {} : { 'x-auth-token': token },
  });
  const text = await response.body.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json } satisfies Reply;
}

const path = (task = 'task-1', query = '?enable_ca_cert=true') =>
  `/v3/tasks/${task}/certkey${query}`;

t.test('serves the bundle text verbatim with a request id', async (t) => {
  const server = await mock(t);
  const reply = await get(server.url + path());
  t.equal(reply.status, 200);
  t.equal(reply.text, TEXT, 'the original JSON text');
  t.match(reply.headers['content-type'], /^application\/json/);
  t.match(reply.headers['x-request-id'], /^[0-9a-f]{32}$/);
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

t.test('leaves the CA out unless enable_ca_cert=true', async (t) => {
  const server = await mock(t);
  for (const query of ['', '?enable_ca_cert=false']) {
    const reply = await get(server.url + path('task-1', query));
    t.equal(reply.status, 200);
    t.notOk(reply.json && 'ca_cert' in reply.json, `no CA for "${query}"`);
    t.ok(reply.json && 'cert' in reply.json);
  }
});

t.test('object bundles are sent as JSON', async (t) => {
  const server = await mock(t, { bundles: async () => ({ cert: 'C', ca: 'A' }) });
  const reply = await get(server.url + path('any'));
  t.same(reply.json, { cert: 'C', ca: 'A' });
});

const ERRORS: [
  string,
  () => [string, { method?: string; token?: string | null }],
  number,
  string,
][] = [
  ['a missing token', () => [path(), { token: null }], 401, 'APIGW.0301'],
  ['an empty token', () => [path(), { token: '' }], 401, 'APIGW.0301'],
  ['a wrong token', () => [path(), { token: `${TOKEN.slice(0, -1)}x` }], 401, 'APIGW.0301'],
  ['a longer token', () => [path(), { token: `${TOKEN}x` }], 401, 'APIGW.0301'],
  ['an unknown task', () => [path('task-2'), {}], 404, 'SMS.9404'],
  ['enable_ca_cert=yes', () => [path('task-1', '?enable_ca_cert=yes'), {}], 400, 'SMS.9400'],
  ['enable_ca_cert=TRUE', () => [path('task-1', '?enable_ca_cert=TRUE'), {}], 400, 'SMS.9400'],
  ['enable_ca_cert empty', () => [path('task-1', '?enable_ca_cert='), {}], 400, 'SMS.9400'],
  [
    'enable_ca_cert twice',
    () => [path('task-1', '?enable_ca_cert=true&enable_ca_cert=false'), {}],
    400,
    'SMS.9400',
  ],
  ['a broken task id encoding', () => [path('%E0%A4%A'), {}], 400, 'SMS.9400'],
  ['a task id over 255 characters', () => [path('t'.repeat(256)), {}], 400, 'SMS.9400'],
  ['the root', () => ['/', {}], 404, 'APIGW.0101'],
  ['a sibling API', () => ['/v3/tasks/task-1/passphrase', {}], 404, 'APIGW.0101'],
  ['a longer path', () => ['/v3/tasks/task-1/certkey/x', {}], 404, 'APIGW.0101'],
  ['POST', () => [path(), { method: 'POST' }], 405, 'SMS.2003'],
  ['DELETE', () => [path(), { method: 'DELETE' }], 405, 'SMS.2003'],
];

for (const [name, make, status, code] of ERRORS) {
  t.test(`${status} ${code} for ${name}`, async (t) => {
    const server = await mock(t);
    const [target, options] = make();
    const reply = await get(server.url + target, options);
    t.equal(reply.status, status);
    t.equal(reply.json?.['error_code'], code);
    t.type(reply.json?.['error_msg'], 'string');
    t.match(reply.headers['x-request-id'], /^[0-9a-f]{32}$/);
    if (code.startsWith('APIGW'))
      t.equal(reply.json?.['request_id'], reply.headers['x-request-id']);
    if (status === 405) t.equal(reply.headers['allow'], 'GET');
    t.notOk(reply.text.includes(TOKEN), 'the token is not echoed');
  });
}

t.test('a malformed request still gets a request id', async (t) => {
  const server = await mock(t);
  const { port } = new URL(server.url);
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  t.match(reply, /^HTTP\/1\.1 400 Bad Request\r\nX-Request-Id: [0-9a-f]{32}\r\n/);
});

t.test('401 distinguishes a missing token from a wrong one', async (t) => {
  const server = await mock(t);
  const missing = await get(server.url + path(), { token: null });
  const wrong = await get(server.url + path(), { token: 'other' });
  t.match(missing.json?.['error_msg'], /x-auth-token not found/);
  t.match(wrong.json?.['error_msg'], /decrypt token fail/);
});

t.test('every response has its own request id', async (t) => {
  const server = await mock(t);
  const ids = new Set<unknown>();
  for (let i = 0; i < 5; i++) ids.add((await get(server.url + path())).headers['x-request-id']);
  t.equal(ids.size, 5);
});

t.test('a failing bundle source is a 500 SMS.2007', async (t) => {
  const server = await mock(t, {
    bundles: () => {
      throw new Error('disk gone');
    },
  });
  const reply = await get(server.url + path());
  t.equal(reply.status, 500);
  t.equal(reply.json?.['error_code'], 'SMS.2007');
  t.notMatch(reply.text, /disk gone/);
});

t.test('the intercept hook sees the decoded task id and can answer', async (t) => {
  const seen: (string | undefined)[] = [];
  const server = await mock(t, {
    intercept: ({ taskId, res }) => {
      seen.push(taskId);
      if (taskId !== 'a b') return false;
      res.writeHead(429, { 'Content-Type': 'text/plain' }).end('slow down');
      return true;
    },
  });
  t.equal((await get(server.url + path('a%20b'))).status, 429);
  t.equal((await get(server.url + path())).status, 200);
  t.equal((await get(`${server.url}/other`)).status, 404);
  t.same(seen, ['a b', 'task-1', undefined]);
});

t.test('close() ends stalled requests and frees the port', async (t) => {
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const server = await startMock({
    token: TOKEN,
    bundles: () => TEXT,
    intercept: () => {
      arrived();
      return true;
    },
  });
  const pending = get(server.url + path()).then(
    () => 'answered',
    () => 'dropped',
  );
  await arrival;
  await server.close();
  await server.close();
  t.equal(await pending, 'dropped');
  await t.rejects(get(server.url + path()), { code: 'ECONNREFUSED' });
});

t.test('a port in use is a usage error', async (t) => {
  const first = await mock(t);
  const port = Number(new URL(first.url).port);
  await t.rejects(startMock({ token: TOKEN, bundles: () => TEXT, port }), {
    constructor: CertkeyError,
    code: 'E_USAGE',
    message: /already in use/,
  });
});
