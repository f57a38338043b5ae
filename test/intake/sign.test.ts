import { execFileSync } from 'node:child_process';
import t from 'tap';
import { request } from 'undici';
import { fetchBundle } from '../../src/intake/fetch.js';
import {
  canonicalRequest,
  formatSdkDate,
  signRequest,
  verifySignature,
  type AkSkCredentials,
  type ReceivedRequest,
  type SignableRequest,
} from '../../src/intake/sign.js';
import { startMock } from '../../src/mock/server.js';

const GO_DATE = new Date('2006-01-02T15:04:05Z');
const GO_KEYS: AkSkCredentials = { ak: 'AccessKey', sk: 'SecretKey' };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The signature from the Authorization header. */
function signatureIn(headers: Record<string, string>): string {
  return /Signature=([0-9a-f]{64})$/.exec(headers['Authorization'] ?? '')?.[1] ?? '';
}

/** Runs a command with stdin, or returns undefined when the tool is absent. */
function tryRun(file: string, args: string[], input: string): string | undefined {
  try {
    return execFileSync(file, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** openssl's hex digest of `input`, HMAC-keyed when `key` is given. */
function opensslHex(input: string, key?: string): string | undefined {
  const args = ['dgst', '-sha256', ...(key === undefined ? [] : ['-hmac', key])];
  return /([0-9a-f]{64})\s*$/.exec(tryRun('openssl', args, input) ?? '')?.[1];
}

/** The same with python3's hashlib and hmac modules. */
function pythonSignature(canonical: string, date: string, sk: string): string | undefined {
  const script =
    'import sys,json,hmac,hashlib\n' +
    'c,d,k=json.load(sys.stdin)\n' +
    "s='SDK-HMAC-SHA256\\n'+d+'\\n'+hashlib.sha256(c.encode()).hexdigest()\n" +
    'print(hmac.new(k.encode(),s.encode(),hashlib.sha256).hexdigest())\n';
  const out = tryRun('python3', ['-c', script], JSON.stringify([canonical, date, sk]));
  return /^([0-9a-f]{64})\s*$/.exec(out ?? '')?.[1];
}

/** A signature computed without this project's code: openssl, else python3. */
function independentSignature(canonical: string, date: string, sk: string): string | undefined {
  const hash = opensslHex(canonical);
  const viaOpenssl = hash && opensslHex(`SDK-HMAC-SHA256\n${date}\n${hash}`, sk);
  return viaOpenssl ?? pythonSignature(canonical, date, sk);
}

t.test('the Go SDK known answer: x-sdk-date signed alone', async (t) => {
  const headers = signRequest(
    { method: 'GET', url: 'https://example.huaweicloud.com/path?limit=1', headers: {} },
    GO_KEYS,
    GO_DATE,
    { signedHeaders: ['x-sdk-date'] },
  );
  t.equal(headers['X-Sdk-Date'], '20060102T150405Z');
  t.equal(
    headers['Authorization'],
    'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, ' +
      'Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
  );
});

t.test(
  "the Go SDK's POST case: a JSON body ending in a newline, content-type unsigned",
  async (t) => {
    const headers = signRequest(
      {
        method: 'POST',
        url: 'https://example.huaweicloud.com/path?key=value',
        headers: { 'Content-Type': 'application/json' },
        body: '{"Name":"test","Id":1}\n',
      },
      GO_KEYS,
      GO_DATE,
      { signedHeaders: ['x-sdk-date'] },
    );
    t.equal(
      signatureIn(headers),
      'cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59',
    );
  },
);

/** Requests beside the canonical request written out by hand for each. */
const VECTORS: {
  name: string;
  request: SignableRequest;
  keys: AkSkCredentials;
  signed: string;
  canonical: string;
}[] = [
  {
    name: 'segments needing percent-encoding, several and repeated query keys',
    request: {
      method: 'get',
      url:
        "https://sms.ap-southeast-3.myhuaweicloud.com/v3/tasks/a b/%C3%BC!(x)*'+/a%2Fb/~.-_" +
        '?limit=10&Offset=0&tag=b&tag=a&enable_ca_cert=true&q=a+b%2Fc&empty=',
      headers: {},
    },
    keys: { ak: 'AK1', sk: 'sk-one', projectId: '0a1b2c' },
    signed: 'host;x-project-id;x-sdk-date',
    canonical: [
      'GET',
      '/v3/tasks/a%20b/%C3%BC%21%28x%29%2A%27%2B/a%2Fb/~.-_/',
      'empty=&enable_ca_cert=true&limit=10&offset=0&q=a%20b%2Fc&tag=a&tag=b',
      'host:sms.ap-southeast-3.myhuaweicloud.com',
      'x-project-id:0a1b2c',
      'x-sdk-date:20270301T220000Z',
      '',
      'host;x-project-id;x-sdk-date',
      EMPTY_SHA256,
    ].join('\n'),
  },
  {
    name: 'a body, a trimmed content-type, a security token and a port',
    request: {
      method: 'POST',
      url: 'https://127.0.0.1:8443/v3/tasks/',
      headers: { 'Content-Type': '  application/json;charset=utf-8 ', 'X-Other': 'unsigned' },
      body: '{"task":"ü"}',
    },
    keys: { ak: 'AK2', sk: 'sk-two', projectId: 'p2', securityToken: 'tok/en+=' },
    signed: 'content-type;host;x-project-id;x-sdk-date;x-security-token',
    canonical: [
      'POST',
      '/v3/tasks/',
      '',
      'content-type:application/json;charset=utf-8',
      'host:127.0.0.1:8443',
      'x-project-id:p2',
      'x-sdk-date:20270301T220000Z',
      'x-security-token:tok/en+=',
      '',
      'content-type;host;x-project-id;x-sdk-date;x-security-token',
      // printf '{"task":"ü"}' | sha256sum
      'a46e47f5a67eb2d8d51639105563c90a0fabec39d2335d03fceb3185fb35e8b2',
    ].join('\n'),
  },
  {
    name: 'an empty path becomes /',
    request: { method: 'DELETE', url: 'https://example.com', headers: {} },
    keys: { ak: 'AK3', sk: 'sk-three' },
    signed: 'host;x-sdk-date',
    canonical: [
      'DELETE',
      '/',
      '',
      'host:example.com',
      'x-sdk-date:20270301T220000Z',
      '',
      'host;x-sdk-date',
      EMPTY_SHA256,
    ].join('\n'),
  },
];

const AT = new Date('2027-03-01T22:00:00Z');
const NO_TOOL =
  independentSignature('', '', 'k') === undefined &&
  'neither openssl nor python3 is installed to compute signatures independently';

for (const vector of VECTORS) {
  t.test(`independent vector: ${vector.name}`, { skip: NO_TOOL }, async (t) => {
    const headers = signRequest(vector.request, vector.keys, AT);
    t.match(headers['Authorization'], `Access=${vector.keys.ak}, SignedHeaders=${vector.signed},`);

    const expected = independentSignature(vector.canonical, '20270301T220000Z', vector.keys.sk);
    t.equal(signatureIn(headers), expected, 'matches the signature of the hand-written request');
  });
}

const NO_OPENSSL = opensslHex('') === undefined && 'openssl is not installed';

t.test('the hand-written body hash is the SHA-256 of the body', { skip: NO_OPENSSL }, async (t) => {
  t.equal(opensslHex('{"task":"ü"}'), VECTORS[1]?.canonical.split('\n').at(-1));
});

t.test('the canonical request matches the hand-written one line by line', async (t) => {
  const vector = VECTORS[0];
  if (!vector) throw new Error('no vector');
  const url = new URL(vector.request.url);
  const canonical = canonicalRequest({
    method: vector.request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers: {
      host: url.host,
      'x-project-id': '0a1b2c',
      'x-sdk-date': '20270301T220000Z',
    },
    signedHeaders: vector.signed.split(';'),
    body: new Uint8Array(),
  });
  t.same(canonical.split('\n'), vector.canonical.split('\n'));
});

t.test('X-Sdk-Date is the UTC moment without separators', async (t) => {
  t.equal(formatSdkDate(new Date('2027-12-31T23:59:58.999Z')), '20271231T235958Z');
  const headers = signRequest(
    { method: 'GET', url: 'https://example.com/', headers: {} },
    { ak: 'a', sk: 'b', projectId: 'p', securityToken: 's' },
    AT,
  );
  t.same(Object.keys(headers).sort(), [
    'Authorization',
    'X-Project-Id',
    'X-Sdk-Date',
    'X-Security-Token',
  ]);
});

/** A request signed at AT, as the server receives it. */
function received(
  keys: AkSkCredentials,
  at: Date = AT,
): ReceivedRequest & {
  headers: Record<string, string>;
} {
  const url = 'https://sms.example.com:8443/v3/tasks/t%201/certkey?enable_ca_cert=true';
  const body = '{"a":1}';
  const sent = { 'Content-Type': 'application/json' };
  const added = signRequest({ method: 'POST', url, headers: sent, body }, keys, at);
  return {
    method: 'POST',
    url: '/v3/tasks/t%201/certkey?enable_ca_cert=true',
    headers: { host: 'sms.example.com:8443', 'content-type': 'application/json', ...added },
    body: Buffer.from(body),
  };
}

const KEYS: AkSkCredentials = { ak: 'HPUAEXAMPLEAK', sk: 'example-secret-key', projectId: 'p' };
const MINUTE = 60_000;

t.test('verifySignature accepts what signRequest signed', async (t) => {
  t.same(verifySignature(received(KEYS), KEYS, AT), { ok: true, ak: KEYS.ak });
  const temporary = { ...KEYS, securityToken: 'session-token' };
  t.same(verifySignature(received(temporary), temporary, AT), { ok: true, ak: KEYS.ak });
});

t.test('verifySignature refuses tampering', async (t) => {
  const cases: [string, (r: ReturnType<typeof received>) => void][] = [
    ['path', (r) => (r.url = r.url.replace('t%201', 't%202'))],
    ['query', (r) => (r.url = r.url.replace('true', 'false'))],
    ['method', (r) => (r.method = 'PUT')],
    ['signed header', (r) => (r.headers['content-type'] = 'text/plain')],
    ['host', (r) => (r.headers.host = 'evil.example.com:8443')],
    ['project id', (r) => (r.headers['X-Project-Id'] = 'q')],
    ['body', (r) => (r.body = Buffer.from('{"a":2}'))],
    [
      'signature',
      (r) => (r.headers['Authorization'] = `${r.headers['Authorization']}`.replace(/.$/, 'x')),
    ],
  ];
  for (const [what, tamper] of cases) {
    const request = received(KEYS);
    tamper(request);
    const verdict = verifySignature(request, KEYS, AT);
    t.match(verdict, { ok: false, errorCode: 'APIGW.0301' }, `tampered ${what}`);
  }

  const verdict = verifySignature(received(KEYS), { ...KEYS, sk: 'another-secret' }, AT);
  t.match(verdict, { ok: false, reason: 'signature' }, 'wrong SK');
  t.notMatch(JSON.stringify(verdict), /secret/, 'no SK in the verdict');
});

t.test('verifySignature refuses a wrong AK, a missing header and a wrong token', async (t) => {
  t.match(verifySignature(received(KEYS), { ...KEYS, ak: 'OTHER' }, AT), { reason: 'unknown-ak' });

  const unsigned = received(KEYS);
  delete unsigned.headers['Authorization'];
  t.match(verifySignature(unsigned, KEYS, AT), { reason: 'malformed', errorCode: 'APIGW.0301' });

  const lacking = received(KEYS);
  delete lacking.headers['content-type'];
  t.match(verifySignature(lacking, KEYS, AT), { reason: 'malformed' });

  const temporary = { ...KEYS, securityToken: 'session-token' };
  t.match(verifySignature(received(KEYS), temporary, AT), { reason: 'security-token' });
  const other = received({ ...temporary, securityToken: 'other-token' });
  t.match(verifySignature(other, temporary, AT), { reason: 'security-token' });
});

t.test('the clock: 14 minutes either way pass, 16 minutes fail with APIGW.0303', async (t) => {
  for (const minutes of [14, -14, 15, -15]) {
    const server = new Date(AT.getTime() + minutes * MINUTE);
    t.same(verifySignature(received(KEYS), KEYS, server), { ok: true, ak: KEYS.ak }, `${minutes}`);
  }
  for (const minutes of [16, -16]) {
    const server = new Date(AT.getTime() + minutes * MINUTE);
    const verdict = verifySignature(received(KEYS), KEYS, server);
    t.match(verdict, { ok: false, reason: 'expired', errorCode: 'APIGW.0303' }, `${minutes}`);
    t.match(verdict, { errorMsg: /signature time:20270301T220000Z, server time:2027/ });
  }

  const garbled = received(KEYS);
  garbled.headers['X-Sdk-Date'] = '2027-03-01T22:00:00Z';
  t.match(verifySignature(garbled, KEYS, AT), { reason: 'malformed' });
});

t.test('end to end: fetchBundle signs, the mock verifies', async (t) => {
  const keys: AkSkCredentials = { ak: 'HPUAMOCKAK', sk: 'mock-secret-key-0000', projectId: 'p1' };
  const mock = await startMock({
    token: 'a-token-nobody-sends',
    aksk: keys,
    bundles: (taskId) => (taskId === 'task 1' ? { cert: 'not a PEM' } : undefined),
  });
  t.teardown(() => mock.close());
  const fetch = (credentials: AkSkCredentials) =>
    fetchBundle({
      endpoint: mock.url,
      taskId: 'task 1',
      credentials,
      timeoutMs: 20_000,
      userAgent: 'certkey/test',
    });

  const fetched = await fetch(keys);
  t.equal(fetched.raw.fields.cert, 'not a PEM', 'a signed request gets the bundle');

  const refused = await fetch({ ...keys, sk: 'wrong-secret-key-000' }).then(
    () => undefined,
    (error: unknown) => error,
  );
  t.match(refused, { code: 'E_FETCH_HTTP', message: /401 .*APIGW\.0301: .*signature fail/ });
  t.notMatch(String((refused as Error).message), /secret-key/, 'no SK in the message');
});

t.test('the mock answers a refused signature with the gateway error shape', async (t) => {
  const keys: AkSkCredentials = { ak: 'HPUAMOCKAK', sk: 'mock-secret-key-0000' };
  const mock = await startMock({ token: 'unused-token', aksk: keys, bundles: () => ({}) });
  t.teardown(() => mock.close());

  const url = `${mock.url}/v3/tasks/t/certkey?enable_ca_cert=true`;
  const stale = new Date(Date.now() - 16 * MINUTE);
  const headers = signRequest({ method: 'GET', url, headers: {} }, keys, stale);
  const response = await request(url, { headers });
  const body = (await response.body.json()) as Record<string, unknown>;

  t.equal(response.statusCode, 401);
  t.same(Object.keys(body).sort(), ['error_code', 'error_msg', 'request_id']);
  t.equal(body['error_code'], 'APIGW.0303');
  t.match(body['error_msg'], /signature expired/);
  t.equal(body['request_id'], response.headers['x-request-id']);

  const tokenReply = await request(url, { headers: { 'x-auth-token': 'unused-token' } });
  await tokenReply.body.dump();
  t.equal(tokenReply.statusCode, 200, 'the token still works beside AK/SK');
});
