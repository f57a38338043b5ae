import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import t, { type Test } from 'tap';
import { CertkeyError, EXIT, formatError } from '../../src/errors.js';
import { proxyUrl, readEndpointCa, redactUrl } from '../../src/intake/dispatcher.js';
import { fetchBundle, type FetchRequest } from '../../src/intake/fetch.js';
import { startMock, type MockServer } from '../../src/mock/server.js';
import { readRunOptions, regionOf } from '../../src/commands/run-options.js';
import { runCli } from '../helpers/cli.js';
import { startIamMock } from '../helpers/iam-mock.js';
import { CLI } from '../helpers/paths.js';
import { privatePki } from '../helpers/pki.js';
import { TOKEN, sampleReply } from './fixtures.js';

const TASK = 'task-net-1';
const PROXY_USER = 'corp-user';
const PROXY_PASSWORD = 'pr0xy-s3cret-9f1e';

const pki = await privatePki({
  ca: 'CN=Corp Private CA',
  leaf: 'CN=sms.corp.test',
  san: ['127.0.0.1', 'localhost'],
});

/** Closes a server and every socket it holds when the test ends. */
function cleanup(t: Test, close: (done: () => void) => void, sockets: Set<Socket>) {
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        close(() => resolve());
      }),
  );
}

/** The http mock behind a TLS front with the private certificate: an https endpoint. */
async function tlsEndpoint(t: Test): Promise<{ url: string; mock: MockServer }> {
  const mock = await startMock({
    token: TOKEN,
    bundles: (id) => (id === TASK ? sampleReply() : undefined),
  });
  t.teardown(() => mock.close());
  const target = new URL(mock.url);

  const sockets = new Set<Socket>();
  const front = createTlsServer({ key: pki.keyPem, cert: pki.certPem }, (tlsSocket) => {
    const plain = connect(Number(target.port), target.hostname);
    for (const socket of [tlsSocket, plain]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    tlsSocket.pipe(plain).pipe(tlsSocket);
  });
  front.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  cleanup(t, (done) => front.close(() => done()), sockets);
  return { url: `https://127.0.0.1:${(front.address() as AddressInfo).port}`, mock };
}

/** A CONNECT proxy on loopback that records each tunnel; with `auth`, it demands Basic. */
async function connectProxy(t: Test, auth?: { user: string; password: string }) {
  const tunnels: string[] = [];
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    const expected = auth
      ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
      : undefined;
    if (expected && req.headers['proxy-authorization'] !== expected) {
      refused.push(req.url ?? '');
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }

    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(t, (done) => server.close(() => done()), sockets);
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, tunnels, refused };
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

/** The CertkeyError a fetch ends in; fails the test when it succeeds. */
async function failure(request: FetchRequest): Promise<CertkeyError> {
  const error = await fetchBundle(request).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error instanceof CertkeyError) return error;
  throw new Error(`expected a CertkeyError, got ${String(error)}`);
}

/** No proxy variables at all: tests must not depend on the machine's environment. */
const NO_ENV = {};

t.test('HTTPS_PROXY and https_proxy carry the request through the proxy', async (t) => {
  const endpoint = await tlsEndpoint(t);
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY']) {
    const proxy = await connectProxy(t);
    const fetched = await fetchBundle(
      requestTo(endpoint.url, {
        network: { endpointCa: pki.caPem, env: { [name]: proxy.url } },
      }),
    );
    t.ok(fetched.raw.fields.cert, `${name}: the bundle arrived`);
    t.same(proxy.tunnels, [new URL(endpoint.url).host], `${name}: one tunnel to the endpoint`);
  }
});

t.test('a bare host:port in the variable means an http proxy', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const proxy = await connectProxy(t);
  const env = { HTTPS_PROXY: `127.0.0.1:${proxy.port}` };
  await fetchBundle(requestTo(endpoint.url, { network: { endpointCa: pki.caPem, env } }));
  t.equal(proxy.tunnels.length, 1);
});

t.test('NO_PROXY and no_proxy bypass the proxy', async (t) => {
  const endpoint = await tlsEndpoint(t);
  for (const [name, value] of [
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'localhost,127.0.0.1'],
    ['NO_PROXY', '*'],
  ] as const) {
    const proxy = await connectProxy(t);
    const env = { HTTPS_PROXY: proxy.url, [name]: value };
    const fetched = await fetchBundle(
      requestTo(endpoint.url, { network: { endpointCa: pki.caPem, env } }),
    );
    t.ok(fetched.raw.fields.cert, `${name}=${value}: fetched`);
    t.same(proxy.tunnels, [], `${name}=${value}: the proxy saw nothing`);
  }
});

t.test('--proxy overrides the environment, and NO_PROXY with it', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const proxy = await connectProxy(t);
  const env = { HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' };
  await fetchBundle(
    requestTo(endpoint.url, { network: { proxy: proxy.url, endpointCa: pki.caPem, env } }),
  );
  t.same(proxy.tunnels, [new URL(endpoint.url).host]);
});

t.test('proxy credentials in the URL are sent and never shown', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const proxy = await connectProxy(t, { user: PROXY_USER, password: PROXY_PASSWORD });
  const withAuth = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;
  const fetched = await fetchBundle(
    requestTo(endpoint.url, { network: { proxy: withAuth, endpointCa: pki.caPem, env: NO_ENV } }),
  );
  t.ok(fetched.raw.fields.cert);
  t.equal(proxy.tunnels.length, 1);

  const wrong = `http://${PROXY_USER}:not-${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;
  const error = await failure(
    requestTo(endpoint.url, { network: { proxy: wrong, endpointCa: pki.caPem, env: NO_ENV } }),
  );
  t.equal(error.code, 'E_FETCH_NETWORK');
  t.match(error.message, /proxy refused a tunnel to 127\.0\.0\.1:\d+ \(407/);
  t.match(error.remedy, /user name and password/);
  t.notMatch(formatError(error), PROXY_PASSWORD, 'the password is not shown');
  t.equal(proxy.refused.length, 1);
});

t.test('a proxy that cannot be reached is named, not the endpoint', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const dead = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:9`;
  for (const network of [{ proxy: dead, env: NO_ENV }, { env: { https_proxy: dead } }]) {
    const error = await failure(requestTo(endpoint.url, { network }));
    t.equal(error.code, 'E_FETCH_NETWORK');
    t.match(error.message, /cannot reach the proxy http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
    t.match(error.remedy, /NO_PROXY/);
    t.notMatch(formatError(error), PROXY_PASSWORD);
  }

  const unknownHost = { proxy: 'http://proxy.invalid:3128', env: NO_ENV };
  const error = await failure(requestTo(endpoint.url, { network: unknownHost }));
  t.match(error.message, /cannot reach the proxy http:\/\/proxy\.invalid:3128/);
});

t.test('proxy URLs are checked without showing a password', async (t) => {
  t.equal(redactUrl(`http://u:${PROXY_PASSWORD}@proxy:8080`), 'http://***@proxy:8080/');
  t.equal(proxyUrl('proxy.corp:3128', 'HTTPS_PROXY'), 'http://proxy.corp:3128/');
  const bad = t.throws(() => proxyUrl(`socks4://u:${PROXY_PASSWORD}@h:1`, '--proxy'));
  t.match(bad, { code: 'E_USAGE', message: /--proxy is not an http\(s\) proxy/ });
  t.notMatch(String((bad as Error).message), PROXY_PASSWORD);
  t.match(
    t.throws(() => proxyUrl('http://[bad', 'HTTPS_PROXY')),
    { code: 'E_CONFIG', message: /HTTPS_PROXY is not a URL/ },
  );
});

t.test('an endpoint with an untrusted certificate is refused, naming the reason', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const direct = await failure(requestTo(endpoint.url, { network: { env: NO_ENV } }));
  t.equal(direct.code, 'E_FETCH_NETWORK');
  t.equal(direct.exitCode, EXIT.fetch);
  t.match(direct.message, /TLS with 127\.0\.0\.1:\d+ failed: .*(trust|self-signed).*\([A-Z_]+\)/);
  t.match(direct.remedy, /--endpoint-ca FILE/);

  const proxy = await connectProxy(t);
  const env = { HTTPS_PROXY: proxy.url };
  const proxied = await failure(requestTo(endpoint.url, { network: { env } }));
  t.equal(proxied.code, 'E_FETCH_NETWORK');
  t.match(proxied.message, /TLS with 127\.0\.0\.1:\d+ failed/);
  t.match(proxied.remedy, /--endpoint-ca/);
  t.equal(proxy.tunnels.length, 1, 'the refusal came through the tunnel');
});

t.test('--endpoint-ca trusts the private CA on a direct connection', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const fetched = await fetchBundle(
    requestTo(endpoint.url, { network: { endpointCa: pki.caPem, env: NO_ENV } }),
  );
  t.equal(fetched.raw.origin, `${endpoint.url}/v3/tasks/${TASK}/certkey`);
});

t.test('--endpoint-ca files are read and checked', async (t) => {
  const dir = t.testdir({
    'ca.pem': pki.caPem,
    'empty.pem': 'nothing here\n',
    'broken.pem': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  });
  t.match(await readEndpointCa(`${dir}/ca.pem`), /BEGIN CERTIFICATE/);
  for (const [name, pattern] of [
    ['empty.pem', /holds no PEM certificate/],
    ['broken.pem', /does not parse \(block 1\)/],
    ['missing.pem', /cannot be read \(ENOENT\)/],
  ] as const) {
    await t.rejects(readEndpointCa(`${dir}/${name}`), { code: 'E_INPUT_READ', message: pattern });
  }
});

/** Proxy variables emptied, so the machine's own settings do not reach the CLI. */
const CLEAN_ENV = {
  HTTPS_PROXY: '',
  HTTP_PROXY: '',
  https_proxy: '',
  http_proxy: '',
  NO_PROXY: '',
};

t.test('certkey run --proxy --endpoint-ca: through the proxy, password unseen', async (t) => {
  const endpoint = await tlsEndpoint(t);
  const proxy = await connectProxy(t, { user: PROXY_USER, password: PROXY_PASSWORD });
  const dir = t.testdir({ 'ca.pem': pki.caPem });
  const withAuth = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;
  const args = ['run', '--task-id', TASK, '--endpoint', endpoint.url, '--proxy', withAuth];
  const env = { ...CLEAN_ENV, SMS_AUTH_TOKEN: TOKEN, NODE_DEBUG: 'certkey' };

  const trusted = await runCli([...args, '--endpoint-ca', `${dir}/ca.pem`], { env, cwd: dir });
  t.equal(trusted.code, EXIT.checkFailed, 'fetched and checked (the sample PEMs fail parse)');
  t.same(proxy.tunnels, [new URL(endpoint.url).host]);
  t.match(trusted.stderr, /proxy \S*\*\*\*@127\.0\.0\.1/, 'the debug log shows it redacted');

  const untrusted = await runCli(args, { env, cwd: dir });
  t.equal(untrusted.code, EXIT.fetch);
  t.match(untrusted.stderr, /E_FETCH_NETWORK: TLS with 127\.0\.0\.1:\d+ failed/);
  t.match(untrusted.stderr, /remedy: .*--endpoint-ca FILE/);
  for (const result of [trusted, untrusted]) {
    t.notMatch(result.stdout + result.stderr, PROXY_PASSWORD, 'the proxy password is not shown');
    t.notMatch(result.stdout + result.stderr, TOKEN, 'the token is not shown');
  }
});

t.test('certkey run --iam-user: a token from IAM, then the fetch', async (t) => {
  const password = 'iam-p4ss-word-77e1';
  const iam = await startIamMock({
    user: 'migrator',
    domain: 'corp-account',
    password,
    project: 'ap-southeast-3',
    token: TOKEN,
  });
  t.teardown(() => iam.close());
  const sms = await startMock({ token: TOKEN, bundles: () => sampleReply() });
  t.teardown(() => sms.close());

  const base = ['run', '--task-id', TASK, '--endpoint', sms.url, '--iam-user', 'migrator'];
  const iamArgs = ['--iam-domain', 'corp-account', '--iam-endpoint', iam.url];
  const env = { ...CLEAN_ENV, HUAWEICLOUD_IAM_PASSWORD: password, SMS_AUTH_TOKEN: '' };
  const dir = t.testdir({ token: 'x\n' });

  const ok = await runCli([...base, ...iamArgs, '--iam-project', 'ap-southeast-3'], {
    env,
    cwd: dir,
  });
  t.equal(ok.code, EXIT.checkFailed, ok.stderr);
  t.equal(iam.requests.length, 1);
  t.match(iam.requests[0]?.json, {
    auth: {
      identity: { password: { user: { name: 'migrator' } } },
      scope: { project: { name: 'ap-southeast-3' } },
    },
  });
  t.notMatch(ok.stdout + ok.stderr, password);
  t.notMatch(ok.stdout + ok.stderr, TOKEN);

  const iamArgv = {
    'task-id': TASK,
    endpoint: sms.url,
    'iam-user': 'migrator',
    'iam-domain': 'corp-account',
    'iam-endpoint': iam.url,
  };
  const { 'iam-domain': _domain, ...noDomain } = iamArgv;
  const usage: [Record<string, unknown>, RegExp][] = [
    [iamArgv, /--iam-project is needed/],
    [{ ...iamArgv, 'token-file': `${dir}/token` }, /--iam-user and --token-file both given/],
    [{ ...iamArgv, 'credentials-file': `${dir}/token` }, /--iam-user and --credentials-file/],
    [noDomain, /--iam-user needs --iam-domain/],
  ];
  for (const [argv, pattern] of usage) {
    await t.rejects(readRunOptions(argv), { code: 'E_USAGE', message: pattern });
  }
});

t.test('the IAM project defaults to the region of --endpoint', async (t) => {
  t.equal(regionOf('https://sms.ap-southeast-3.myhuaweicloud.com'), 'ap-southeast-3');
  t.equal(regionOf('https://sms.eu-west-101.myhuaweicloud.eu'), 'eu-west-101');
  t.throws(() => regionOf('http://127.0.0.1:8080'), { code: 'E_USAGE' });
});
