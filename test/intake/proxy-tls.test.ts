/**
 * An https:// proxy: one that speaks TLS is reached without an IP address as the TLS server
 * name, and one that does not (a plain proxy, or any server that is not TLS) is named as
 * where the connection failed, with the scheme to check, never the endpoint.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import t, { type Test } from 'tap';
import { listenOnLoopback } from '../helpers/listen.js';
import { privatePki } from '../helpers/pki.js';
import { CertkeyError, EXIT, formatError } from '../../src/errors.js';
import { fetchBundle, type FetchRequest } from '../../src/intake/fetch.js';
import { startMock } from '../../src/mock/server.js';
import { runCli } from '../helpers/cli.js';
import { TOKEN, sampleReply } from './fixtures.js';

const TASK = 'task-proxy-tls';
const PASSWORD = 'pr0xy-tls-s3cret-4c2d';
const NO_ENV = {};

const pki = await privatePki({
  ca: 'CN=Corp Proxy CA',
  leaf: 'CN=proxy.corp.test',
  san: ['127.0.0.1'],
});

/** The plain-HTTP mock as the endpoint, for the tunnel's far end. */
async function endpoint(t: Test): Promise<string> {
  const mock = await startMock({ token: TOKEN, bundles: () => sampleReply() });
  t.teardown(() => mock.close());
  return mock.url;
}

/** Opens the tunnel a CONNECT asks for. */
function tunnel(req: IncomingMessage, client: Socket, head: Buffer) {
  client.on('error', () => undefined);
  const [host, port] = (req.url ?? '').split(':');
  const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
}

function requestTo(url: string, proxy: string, extra: Partial<FetchRequest> = {}): FetchRequest {
  return {
    endpoint: url,
    taskId: TASK,
    token: TOKEN,
    timeoutMs: 1_000,
    userAgent: 'certkey/test',
    network: { proxy, env: NO_ENV },
    ...extra,
  };
}

/** The CertkeyError a fetch ends in; fails the test when it succeeds. */
async function failure(request: FetchRequest): Promise<CertkeyError> {
  const error = await fetchBundle(request).catch((caught: unknown) => caught);
  if (error instanceof CertkeyError) return error;
  throw new Error(`expected a CertkeyError, got ${String(error)}`);
}

t.test('a TLS proxy at an IP address: no server name sent, its certificate checked', async (t) => {
  const url = await endpoint(t);
  const names: Array<string | false | null> = [];
  const proxy = createHttpsServer({ key: pki.keyPem, cert: pki.certPem });
  proxy.on('secureConnection', (socket: TLSSocket) => names.push(socket.servername));
  proxy.on('connect', tunnel);
  const port = await listenOnLoopback(t, proxy);
  const uri = `https://127.0.0.1:${port}`;

  const fetched = await fetchBundle(
    requestTo(url, uri, { network: { proxy: uri, env: NO_ENV, endpointCa: pki.caPem } }),
  );
  t.equal(fetched.raw.origin, `${url}/v3/tasks/${TASK}/certkey`, 'fetched through the proxy');
  t.same(names, [false], 'no SNI: an IP address is no server name (RFC 6066 section 3)');

  const untrusted = await failure(requestTo(url, uri));
  t.match(untrusted.message, new RegExp(`TLS with the proxy ${uri} failed \\([A-Z_]+\\)`));
  t.match(untrusted.remedy, /--endpoint-ca/);
});

t.test('an https:// proxy that never speaks TLS: the proxy timed out', async (t) => {
  const url = await endpoint(t);
  const silent = createTcpServer((socket) => socket.on('error', () => undefined).resume());
  const port = await listenOnLoopback(t, silent);

  const error = await failure(requestTo(url, `https://corp:${PASSWORD}@127.0.0.1:${port}`));
  t.equal(error.code, 'E_FETCH_TIMEOUT');
  t.match(error.message, `connecting to the proxy https://127.0.0.1:${port} timed out (1 s)`);
  t.match(error.remedy, `most want http://127.0.0.1:${port}`);
  t.match(error.remedy, /else raise --timeout/);
  t.notMatch(formatError(error), PASSWORD, 'the proxy password is not shown');
  t.notMatch(error.message, new URL(url).host, 'the endpoint is not blamed');
});

t.test('an https:// proxy that speaks plain HTTP: TLS with the proxy failed', async (t) => {
  const url = await endpoint(t);
  const plain = createHttpServer((_req, res) => res.writeHead(405).end());
  plain.on('connect', tunnel);
  const port = await listenOnLoopback(t, plain);

  const error = await failure(requestTo(url, `https://corp:${PASSWORD}@127.0.0.1:${port}`));
  t.equal(error.code, 'E_FETCH_NETWORK');
  t.match(error.message, new RegExp(`^TLS with the proxy https://127\\.0\\.0\\.1:${port} failed`));
  t.match(error.remedy, /https:\/\/ is only for a proxy that speaks TLS itself/);
  t.notMatch(formatError(error), PASSWORD);

  const fetched = await fetchBundle(requestTo(url, `http://127.0.0.1:${port}`));
  t.equal(fetched.raw.origin, `${url}/v3/tasks/${TASK}/certkey`, 'as http:// it works');
});

t.test('a proxy that drops every CONNECT: each attempt fails once, the proxy named', async (t) => {
  const url = await endpoint(t);
  let connections = 0;
  const dropper = createTcpServer((socket) => {
    connections += 1;
    socket.on('error', () => undefined).on('data', () => socket.destroy());
  });
  const port = await listenOnLoopback(t, dropper);
  const proxy = `http://corp:${PASSWORD}@127.0.0.1:${port}`;

  for (const network of [
    { proxy, env: NO_ENV, retries: 2, backoffMs: 10 },
    { env: { HTTP_PROXY: proxy }, retries: 2, backoffMs: 10 },
  ]) {
    connections = 0;
    const error = await failure(requestTo(url, proxy, { network }));
    const how = network.proxy ? '--proxy' : 'HTTP_PROXY';
    t.equal(error.code, 'E_FETCH_NETWORK', how);
    t.match(
      error.message,
      `the proxy http://127.0.0.1:${port} closed the connection instead of opening a tunnel ` +
        '(CONNECT) (after 3 attempts)',
      `${how}: the proxy is named`,
    );
    t.equal(connections, 3, `${how}: one connection an attempt, not a storm of them`);
    t.notMatch(formatError(error), PASSWORD, `${how}: the proxy password is not shown`);
  }
});

t.test('certkey run --proxy https://IP: no Node warning, the proxy named', async (t) => {
  const url = await endpoint(t);
  const silent = createTcpServer((socket) => socket.on('error', () => undefined).resume());
  const port = await listenOnLoopback(t, silent);
  const dir = t.testdir({});

  const proxy = `https://corp:${PASSWORD}@127.0.0.1:${port}`;
  const args = ['run', '--endpoint', url, '--task-id', TASK, '--proxy', proxy];
  const env = { SMS_AUTH_TOKEN: TOKEN, HTTPS_PROXY: '', HTTP_PROXY: '', NO_PROXY: '' };
  const result = await runCli([...args, '--timeout', '1', '--retries', '0'], { env, cwd: dir });
  t.equal(result.code, EXIT.fetch);
  t.notMatch(result.stderr, /DeprecationWarning|DEP0123/, 'Node prints no warning');
  t.match(
    result.stderr,
    `E_FETCH_TIMEOUT: connecting to the proxy https://127.0.0.1:${port} timed out`,
  );
  t.notMatch(result.stderr, `connecting to ${new URL(url).host}`, 'the endpoint is not blamed');
  t.notMatch(result.stdout + result.stderr, PASSWORD);
});
