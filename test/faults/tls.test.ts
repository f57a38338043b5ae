/**
 * An HTTPS endpoint whose certificate this machine does not trust: refused before any
 * request (so the token never leaves), and accepted once its CA is given with --endpoint-ca.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { keyToPem, makeCert, makeKey } from '../../src/gen/pki.js';
import { runCli } from '../helpers/cli.js';
import {
  TOKEN,
  assertCleanError,
  assertNoSecrets,
  keyLines,
  writeHealthyBundle,
} from './mock-cli.js';

t.setTimeout(600_000);

const dir = t.testdir({});
const { fields } = await writeHealthyBundle(dir);
const SECRETS = [TOKEN, ...keyLines(fields)];
const caKey = await makeKey();
const ca = await makeCert({ subject: 'CN=Private endpoint CA', key: caKey, ca: true });
const server = await makeCert({
  subject: 'CN=127.0.0.1',
  key: await makeKey(),
  issuer: ca,
  san: ['127.0.0.1'],
  extKeyUsage: ['serverAuth'],
});
const CA_FILE = join(dir, 'endpoint-ca.pem');
writeFileSync(CA_FILE, ca.pem);

const seen: (string | undefined)[] = [];
const https: Server = createServer(
  { cert: server.pem, key: keyToPem(server.key, 'pkcs8') },
  (req, res) => {
    seen.push(req.headers['x-auth-token'] as string | undefined);
    res.setHeader('Content-Type', 'application/json');
    if (req.headers['x-auth-token'] !== TOKEN) {
      res.statusCode = 401;
      return res.end('{"error_code":"APIGW.0301","error_msg":"bad token"}');
    }
    res.end(JSON.stringify(fields));
  },
);
await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
t.teardown(() => {
  https.closeAllConnections();
  https.close();
});
const URL = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
const help = await runCli(['run', '--help']);

const run = (extra: string[]) =>
  runCli(
    [
      'run',
      '--task-id',
      'task-1',
      '--endpoint',
      URL,
      '--retries',
      '0',
      '--out',
      mkdtempSync(join(dir, 'out-')),
      ...extra,
    ],
    { env: { SMS_AUTH_TOKEN: TOKEN, NODE_DEBUG: 'certkey,tls' }, timeoutMs: 120_000 },
  );

t.test('an untrusted certificate is refused before the token is sent', async (t) => {
  const result = await run([]);
  t.equal(result.code, 3);
  assertCleanError(
    t,
    result.stderr,
    /E_FETCH_NETWORK: TLS with 127\.0\.0\.1:\d+ failed\b.*UNABLE_TO_VERIFY/,
  );
  t.equal(seen.length, 0, 'the server never received a request');
  assertNoSecrets(t, result.stdout + result.stderr, SECRETS, 'output');
});

t.test(
  'the same endpoint is trusted with --endpoint-ca',
  { skip: help.stdout.includes('--endpoint-ca') ? false : 'run has no --endpoint-ca yet' },
  async (t) => {
    const result = await run(['--endpoint-ca', CA_FILE]);
    t.equal(result.code, 0, 'fetched and checked', { stderr: result.stderr });
    t.equal(seen.at(-1), TOKEN, 'the token went to the trusted endpoint');
    assertNoSecrets(t, result.stdout + result.stderr, SECRETS, 'output');
  },
);

t.test(
  'inspect and export fetch as run does: refused, then trusted with --endpoint-ca',
  async (t) => {
    const env = { SMS_AUTH_TOKEN: TOKEN };
    const fetchArgs = ['--task-id', 'task-1', '--endpoint', URL, '--retries', '0'];

    const refused = await runCli(['inspect', ...fetchArgs], { env, timeoutMs: 120_000 });
    t.equal(refused.code, 3);
    assertCleanError(t, refused.stderr, /E_FETCH_NETWORK: TLS with 127\.0\.0\.1:\d+ failed/);

    const inspected = await runCli(['inspect', ...fetchArgs, '--endpoint-ca', CA_FILE], {
      env,
      timeoutMs: 120_000,
    });
    t.equal(inspected.code, 0, inspected.stderr);
    t.match(inspected.stdout, /CN=sms-source/);

    const out = join(mkdtempSync(join(dir, 'export-')), 'redacted.json');
    const exported = await runCli(
      ['export', '--redacted', ...fetchArgs, '--endpoint-ca', CA_FILE, '--out', out],
      { env, timeoutMs: 120_000 },
    );
    t.equal(exported.code, 0, exported.stderr);
    for (const result of [refused, inspected, exported]) {
      assertNoSecrets(t, result.stdout + result.stderr, SECRETS, 'output');
    }
  },
);
