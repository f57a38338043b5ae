import { createServer } from 'node:net';
import t, { type Test } from 'tap';
import { CertkeyError, EXIT, formatError } from '../../src/errors.js';
import { fetchBundle, type FetchRequest } from '../../src/intake/fetch.js';
import { startMock, type MockHook, type MockServer } from '../../src/mock/server.js';
import { KEY_BODY, TOKEN, sampleReply } from './fixtures.js';

const TASK = 'task-0a1b2c';

/** Starts a mock serving sampleReply for TASK only, torn down with the test. */
async function mock(t: Test, intercept?: MockHook, body?: unknown): Promise<MockServer> {
  const server = await startMock({
    token: TOKEN,
    bundles: (id) => (id === TASK ? (body ?? sampleReply()) : undefined),
    ...(intercept ? { intercept } : {}),
  });
  t.teardown(() => server.close());
  return server;
}

function requestTo(endpoint: string, extra: Partial<FetchRequest> = {}): FetchRequest {
  return {
    endpoint,
    taskId: TASK,
    token: TOKEN,
    timeoutMs: 20_000,
    userAgent: 'certkey/test',
    ...extra,
  };
}

/** Fetches expecting a CertkeyError; checks its code, exit class and that nothing leaked. */
async function failure(t: Test, request: FetchRequest, code: string): Promise<CertkeyError> {
  const error = await fetchBundle(request).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CertkeyError))
    throw new Error(`expected a CertkeyError, got ${String(error)}`);
  t.equal(error.code, code, 'error code');
  t.equal(error.exitCode, code === 'E_USAGE' ? EXIT.usage : EXIT.fetch, 'exit class');
  const shown = formatError(error);
  t.notOk(shown.includes(TOKEN), 'the token is not in the message');
  t.notOk(shown.includes(KEY_BODY), 'no key material in the message');
  t.notOk(shown.includes('\n  at '), 'no stack');
  t.equal(shown.split('\n').length, 3, 'one line and a remedy');
  return error;
}

/** An intercept answering with a fixed status, content type and body. */
function answer(status: number, type: string, body: string, requestIdHeader = true): MockHook {
  return ({ res }) => {
    if (!requestIdHeader) res.removeHeader('X-Request-Id');
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
    return true;
  };
}

t.test('a healthy fetch sends the documented request and sorts the fields', async (t) => {
  const seen: Record<string, unknown> = {};
  const server = await mock(t, ({ req, url }) => {
    Object.assign(seen, { path: url.pathname, query: url.search, headers: req.headers });
    return false;
  });

  const fetched = await fetchBundle(requestTo(server.url));
  t.equal(seen['path'], `/v3/tasks/${TASK}/certkey`);
  t.equal(seen['query'], '?enable_ca_cert=true');
  t.match(seen['headers'], {
    'x-auth-token': TOKEN,
    'user-agent': 'certkey/test',
    accept: 'application/json',
  });
  t.equal(fetched.raw.origin, `${server.url}/v3/tasks/${TASK}/certkey`);
  t.equal(fetched.raw.caFieldName, 'ca_cert');
  t.same(Object.keys(fetched.raw.fields).sort(), [
    'ca',
    'cert',
    'private_key',
    'target_data_cert',
    'target_data_private_key',
    'target_mgmt_cert',
    'target_mgmt_private_key',
  ]);
  t.same(fetched.raw.wrongType, {});
  t.match(fetched.requestId, /^[0-9a-f]{32}$/);
  t.type(fetched.date, 'string');
});

t.test('task ids are percent-encoded into one path segment', async (t) => {
  let taskId: string | undefined;
  const server = await mock(t, (exchange) => {
    taskId = exchange.taskId;
    return false;
  });
  const error = await failure(t, requestTo(server.url, { taskId: 'a/b?c#d' }), 'E_FETCH_HTTP');
  t.equal(taskId, 'a/b?c#d');
  t.match(error.message, /404/);
});

const HTTP_CASES: {
  name: string;
  intercept?: MockHook;
  request?: Partial<FetchRequest>;
  message: RegExp[];
  remedy: RegExp;
}[] = [
  {
    name: '401 for a missing token',
    intercept: ({ req }) => {
      delete req.headers['x-auth-token'];
      return false;
    },
    message: [
      /returned 401 Unauthorized/,
      /APIGW\.0301/,
      /x-auth-token not found/,
      /request id [0-9a-f]{32}/,
    ],
    remedy: /get a new IAM token/,
  },
  {
    name: '401 for a wrong token',
    request: { token: 'tok-wrong-wrong-wrong' },
    message: [/401/, /APIGW\.0301/, /decrypt token fail/, /request id [0-9a-f]{32}/],
    remedy: /token is expired or wrong/,
  },
  {
    name: '403 for a missing permission',
    intercept: answer(
      403,
      'application/json',
      JSON.stringify({
        error_code: 'SMS.2002',
        error_msg: 'You do not have permission.',
        encoded_authorization_message: 'x',
      }),
    ),
    message: [/returned 403 Forbidden/, /SMS\.2002: You do not have permission\./, /request id/],
    remedy: /sms:server:getCert/,
  },
  {
    name: '404 for an unknown task',
    request: { taskId: 'no-such-task' },
    message: [
      /returned 404 Not Found/,
      /SMS\.9404/,
      /does not exist/,
      /no-such-task/,
      /request id/,
    ],
    remedy: /check the task id .* region/,
  },
  {
    name: '400 for a bad enable_ca_cert',
    intercept: ({ url }) => {
      url.searchParams.set('enable_ca_cert', 'yes');
      return false;
    },
    message: [/returned 400 Bad Request/, /SMS\.9400/, /enable_ca_cert/],
    remedy: /malformed/,
  },
  {
    name: '500 from the service',
    intercept: answer(
      500,
      'application/json',
      '{"error_code":"SMS.2007","error_msg":"Background exception"}',
    ),
    message: [
      /returned 500 Internal Server Error/,
      /SMS\.2007: Background exception/,
      /request id ([0-9a-f]{32})/,
    ],
    remedy: /retry later.*request id [0-9a-f]{32}/,
  },
  {
    name: 'an HTML error page from a gateway',
    intercept: answer(
      502,
      'text/html; charset=utf-8',
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
    ),
    message: [/returned 502 Bad Gateway/, /a text\/html reply, not the service's JSON error/],
    remedy: /retry later/,
  },
  {
    name: 'a gateway request id in the body when the header is missing',
    intercept: answer(
      401,
      'application/json',
      JSON.stringify({
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information',
        request_id: 'abc123',
      }),
      false,
    ),
    message: [/APIGW\.0301/, /request id abc123/],
    remedy: /IAM token/,
  },
  {
    name: 'a service that echoes the token',
    intercept: ({ res }) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ error_code: 'APIGW.0301', error_msg: `bad token ${TOKEN}\n${KEY_BODY}` }),
      );
      return true;
    },
    message: [/bad token \[token removed\]/],
    remedy: /IAM token/,
  },
  {
    name: 'a redirect, which is not followed',
    intercept: ({ res }) => {
      res.writeHead(302, { Location: 'https://elsewhere.example/v3/tasks/x/certkey' });
      res.end();
      return true;
    },
    message: [/returned 302 Found/],
    remedy: /redirects to elsewhere\.example/,
  },
];

for (const entry of HTTP_CASES) {
  t.test(`E_FETCH_HTTP: ${entry.name}`, async (t) => {
    const server = await mock(t, entry.intercept);
    const error = await failure(t, requestTo(server.url, entry.request), 'E_FETCH_HTTP');
    for (const pattern of entry.message) t.match(error.message, pattern);
    t.match(error.remedy, entry.remedy);
    t.notMatch(error.message, /<html|<h1/, 'no HTML dumped');
  });
}

t.test('E_FETCH_BODY: a 200 that is not JSON', async (t) => {
  const server = await mock(t, answer(200, 'text/html', '<html>login</html>'));
  const error = await failure(t, requestTo(server.url), 'E_FETCH_BODY');
  t.match(error.message, /200 reply from 127\.0\.0\.1:\d+ is not JSON \(content type text\/html\)/);
});

t.test('E_FETCH_BODY: a 200 that is JSON but not an object', async (t) => {
  const server = await mock(t, undefined, '["cert"]');
  const error = await failure(t, requestTo(server.url), 'E_FETCH_BODY');
  t.match(error.message, /JSON but not an object/);
});

t.test('E_FETCH_BODY: a body over the cap, declared or streamed', async (t) => {
  const big = JSON.stringify({ cert: 'x'.repeat(4096) });
  const declared = await mock(t, undefined, big);
  const first = await failure(t, requestTo(declared.url, { maxBodyBytes: 1024 }), 'E_FETCH_BODY');
  t.match(first.message, /over 1024 bytes/);

  const streamed = await mock(t, ({ res }) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (let i = 0; i < 8; i++) res.write('x'.repeat(512));
    res.end();
    return true;
  });
  const second = await failure(t, requestTo(streamed.url, { maxBodyBytes: 1024 }), 'E_FETCH_BODY');
  t.match(second.message, /over 1024 bytes/);
});

t.test('the default cap admits seven 1 MiB fields', async (t) => {
  const reply = sampleReply();
  for (const name of Object.keys(reply)) reply[name] = 'y'.repeat(1_048_576);
  const server = await mock(t, undefined, reply);
  const fetched = await fetchBundle(requestTo(server.url));
  t.equal(fetched.raw.fields.cert?.length, 1_048_576);
});

t.test('E_FETCH_NETWORK: a refused connection names the host', async (t) => {
  const port = await freePort();
  const error = await failure(t, requestTo(`http://127.0.0.1:${port}`), 'E_FETCH_NETWORK');
  t.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port} refused the connection`));
  t.match(error.remedy, /firewall/);
});

t.test('E_FETCH_TIMEOUT: no headers within the timeout', async (t) => {
  const server = await mock(t, () => true);
  const error = await failure(t, requestTo(server.url, { timeoutMs: 1500 }), 'E_FETCH_TIMEOUT');
  t.match(error.message, /127\.0\.0\.1:\d+/);
  t.match(error.remedy, /--timeout/);
});

t.test('E_FETCH_TIMEOUT: a body that stalls', async (t) => {
  const server = await mock(t, ({ res }) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"cert":');
    return true;
  });
  const error = await failure(t, requestTo(server.url, { timeoutMs: 1500 }), 'E_FETCH_TIMEOUT');
  t.match(error.message, /127\.0\.0\.1:\d+/);
});

t.test('E_FETCH_TIMEOUT: a body that trickles in past the whole deadline', async (t) => {
  const server = await mock(t, ({ res }) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const drip = setInterval(() => res.write(' '), 100);
    res.on('close', () => clearInterval(drip));
    return true;
  });
  const error = await failure(t, requestTo(server.url, { timeoutMs: 1500 }), 'E_FETCH_TIMEOUT');
  t.match(error.message, /the reply from 127\.0\.0\.1:\d+ took over 4\.5 s in all/);
});

t.test('E_USAGE: endpoints, task ids and tokens that cannot be sent', async (t) => {
  const cases: [Partial<FetchRequest>, RegExp][] = [
    [{ endpoint: 'sms.example.com' }, /--endpoint is not a URL/],
    [{ endpoint: 'ftp://sms.example.com' }, /--endpoint is not http\(s\)/],
    [{ endpoint: `https://user:${TOKEN}@sms.example.com` }, /user name or password/],
    [{ endpoint: 'https://sms.example.com/?x=1' }, /query/],
    [{ taskId: '' }, /task id is empty/],
    [{ taskId: 'x'.repeat(256) }, /over 255/],
    [{ taskId: '..' }, /the task id "\.\." is a step of a path/],
    [{ taskId: '.' }, /the task id "\." is a step of a path/],
    [{ token: '  ' }, /token is empty/],
    [{ token: `${TOKEN}\nX-Other: 1` }, /line breaks/],
  ];
  for (const [extra, pattern] of cases) {
    const error = await failure(t, requestTo('http://127.0.0.1:9', extra), 'E_USAGE');
    t.match(error.message, pattern);
  }
});

t.test('a token file ending in a newline still works', async (t) => {
  const server = await mock(t);
  const fetched = await fetchBundle(requestTo(server.url, { token: `${TOKEN}\n` }));
  t.ok(fetched.raw.fields.cert);
});

/** A port nothing listens on (just released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
