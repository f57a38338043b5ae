import { PassThrough } from 'node:stream';
import t, { type Test } from 'tap';
import { CertkeyError } from '../../src/errors.js';
import {
  fetchIamToken,
  iamTokenUrl,
  promptHidden,
  readIamPassword,
  type IamTokenRequest,
  type PromptInput,
} from '../../src/intake/iam.js';
import { startIamMock, type IamMock, type IamMockReply } from '../helpers/iam-mock.js';

const PASSWORD = 'Corr3ct-Horse-Battery!';
const TOKEN = 'MIIDexampleSubjectToken0123456789';
const ACCOUNT = { user: 'migrator', domain: 'example-domain', project: 'ap-southeast-3' };

/** A mock IAM for one test, closed afterwards. */
async function iam(t: Test, reply?: IamMockReply): Promise<IamMock> {
  const mock = await startIamMock({
    ...ACCOUNT,
    password: PASSWORD,
    token: TOKEN,
    ...(reply ? { reply } : {}),
  });
  t.teardown(() => mock.close());
  return mock;
}

/** A token request to the mock. */
function ask(mock: IamMock, changes: Partial<IamTokenRequest> = {}): IamTokenRequest {
  return {
    endpoint: mock.url,
    ...ACCOUNT,
    password: PASSWORD,
    timeoutMs: 20_000,
    userAgent: 'certkey/test',
    ...changes,
  };
}

/** The CertkeyError a promise rejects with, checked to hold no password. */
async function failure(t: Test, promise: Promise<unknown>): Promise<CertkeyError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof CertkeyError)) throw new Error(`expected a CertkeyError, got ${error}`);
  t.notMatch(`${error.message}\n${error.remedy}`, PASSWORD, 'no password in the error');
  return error;
}

t.test('posts a password identity scoped to a project and takes X-Subject-Token', async (t) => {
  const mock = await iam(t);
  const token = await fetchIamToken(ask(mock));
  t.same(token, { token: TOKEN, expiresAt: '2027-03-02T22:00:00.000000Z' });

  t.equal(mock.requests.length, 1);
  const [sent] = mock.requests;
  t.equal(sent?.method, 'POST');
  t.equal(sent?.url, '/v3/auth/tokens?nocatalog=true');
  t.match(sent?.headers['content-type'], /^application\/json/);
  t.same(sent?.json, {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: { name: 'migrator', password: PASSWORD, domain: { name: 'example-domain' } },
        },
      },
      scope: { project: { name: 'ap-southeast-3' } },
    },
  });
});

t.test('401: E_AUTH with IAM message, no password', async (t) => {
  const mock = await iam(t);
  const error = await failure(t, fetchIamToken(ask(mock, { password: 'wrong-password-1' })));
  t.equal(error.code, 'E_AUTH');
  t.equal(error.exitCode, 2);
  t.match(error.message, /user migrator of domain example-domain \(401\)/);
  t.match(error.message, /401: The username or password is wrong\./);
  t.match(error.remedy, /HUAWEICLOUD_IAM_PASSWORD/);
  t.notMatch(error.message, /wrong-password-1/);
});

t.test('403 and 400 are E_AUTH with their own advice', async (t) => {
  const forbidden = await iam(t, {
    status: 403,
    body: '{"error_code":"IAM.0002","error_msg":"The user is disabled."}',
  });
  const denied = await failure(t, fetchIamToken(ask(forbidden)));
  t.match(denied, { code: 'E_AUTH', message: /\(403\): IAM\.0002: The user is disabled\./ });
  t.match(denied.remedy, /disabled/);

  const bad = await iam(t, { status: 400, body: '{"error":{"code":400,"message":"bad project"}}' });
  const refused = await failure(t, fetchIamToken(ask(bad)));
  t.match(refused, { code: 'E_AUTH', message: /\(400\): 400: bad project/, remedy: /--project/ });
});

t.test('a password IAM echoes back is removed from the message', async (t) => {
  const body = JSON.stringify({ error: { code: 401, message: `password ${PASSWORD} is wrong` } });
  const mock = await iam(t, { status: 401, body });
  const error = await failure(t, fetchIamToken(ask(mock)));
  t.match(error.message, /password \[password removed\] is wrong/);
});

t.test('5xx is E_FETCH_HTTP; a reply without the header is E_AUTH', async (t) => {
  const broken = await iam(t, { status: 503, body: 'Service Unavailable' });
  const failed = await failure(t, fetchIamToken(ask(broken)));
  t.match(failed, { code: 'E_FETCH_HTTP', exitCode: 3, message: /\(503\): a reply that is not/ });

  const headless = await iam(t, { status: 201, body: '{"token":{}}' });
  const missing = await failure(t, fetchIamToken(ask(headless)));
  t.match(missing, { code: 'E_AUTH', message: /without an X-Subject-Token header/ });
});

t.test('a closed port is E_FETCH_NETWORK naming --iam-endpoint', async (t) => {
  const mock = await startIamMock({ ...ACCOUNT, password: PASSWORD, token: TOKEN });
  const url = mock.url;
  await mock.close();

  const error = await failure(t, fetchIamToken(ask(mock, { endpoint: url })));
  t.match(error, { code: 'E_FETCH_NETWORK', message: /refused the connection/ });
  t.match(error.remedy, /--iam-endpoint/);
});

t.test('endpoints: https, or http on loopback only; a path prefix is kept', async (t) => {
  t.equal(iamTokenUrl('https://iam.myhuaweicloud.com').href, TOKEN_URL('iam.myhuaweicloud.com'));
  t.equal(
    iamTokenUrl('https://iam.myhuaweicloud.com/v3/auth/tokens').href,
    TOKEN_URL('iam.myhuaweicloud.com'),
  );
  t.equal(
    iamTokenUrl('http://127.0.0.1:5000/iam/').href,
    'http://127.0.0.1:5000/iam/v3/auth/tokens?nocatalog=true',
  );

  const refusals: [string, RegExp][] = [
    ['http://iam.example.com', /must be https/],
    ['ftp://iam.example.com', /is not https/],
    ['iam.example.com', /is not a URL/],
    ['https://u:p@iam.example.com', /user name or password/],
    ['https://iam.example.com/?x=1', /query or fragment/],
  ];
  for (const [endpoint, message] of refusals) {
    t.throws(() => iamTokenUrl(endpoint), { code: 'E_USAGE', message }, endpoint);
  }
});

/** The token URL on a host. */
function TOKEN_URL(host: string): string {
  return `https://${host}/v3/auth/tokens?nocatalog=true`;
}

t.test('empty names are refused before anything is sent', async (t) => {
  const mock = await iam(t);
  const error = await failure(t, fetchIamToken(ask(mock, { domain: ' ' })));
  t.match(error, { code: 'E_USAGE', message: '--domain is empty' });
  t.equal(mock.requests.length, 0);
});

/** A stand-in terminal: what is typed is written to it, raw mode is recorded. */
function terminal(): PromptInput & PassThrough & { modes: boolean[] } {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    modes: [] as boolean[],
  });
  return Object.assign(input, {
    setRawMode(mode: boolean) {
      input.modes.push(mode);
      input.isRaw = mode;
      return input;
    },
  });
}

/** Collects what is written. */
function screen(): PassThrough & { text: () => string } {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(output, { text: () => text });
}

t.test('the password comes from HUAWEICLOUD_IAM_PASSWORD first', async (t) => {
  const input = terminal();
  t.equal(
    await readIamPassword({ env: { HUAWEICLOUD_IAM_PASSWORD: `${PASSWORD}\n` }, input }),
    PASSWORD,
  );
  t.same(input.modes, [], 'no prompt');
});

t.test('no variable and no terminal: E_USAGE saying so', async (t) => {
  const input = Object.assign(new PassThrough(), { isTTY: false });
  const error = await failure(t, readIamPassword({ env: {}, input }));
  t.match(error, {
    code: 'E_USAGE',
    message: /HUAWEICLOUD_IAM_PASSWORD is not set and stdin is not a terminal/,
  });
});

t.test('on a terminal it asks with echo off and edits', async (t) => {
  const input = terminal();
  const output = screen();
  const answer = readIamPassword({ env: {}, input, output, who: 'migrator@example-domain' });
  input.write('Corr3ct-Horse-Battery!x\u007f');
  input.write('\r');

  t.equal(await answer, PASSWORD);
  t.same(input.modes, [true, false], 'raw mode on, then restored');
  t.equal(output.text(), 'IAM password for migrator@example-domain: \n', 'nothing echoed');
});

t.test('Ctrl-U clears, Ctrl-C interrupts with exit 130', async (t) => {
  const cleared = terminal();
  const answer = promptHidden(cleared, screen(), '? ');
  cleared.write('typo\u0015secret\n');
  t.equal(await answer, 'secret');

  const input = terminal();
  const interrupted = promptHidden(input, screen(), '? ');
  input.write('sec\u0003');
  const error = await failure(t, interrupted);
  t.match(error, { code: 'E_INTERRUPTED', exitCode: 130 });
  t.same(input.modes, [true, false], 'the terminal is restored');
});
