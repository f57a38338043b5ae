/**
 * A tiny IAM for tests: `POST /v3/auth/tokens` on 127.0.0.1, port 0. It records every
 * request and answers as IAM does: 201 with `X-Subject-Token` for the one known user, 401
 * with IAM's error body otherwise, or a fixed reply chosen by the test.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the mock received it. */
export interface IamMockRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

/** A reply the test forces instead of the usual checks. */
export interface IamMockReply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** The mock's settings. */
export interface IamMockOptions {
  user: string;
  domain: string;
  password: string;
  project: string;
  token: string;
  /** When set, every request gets this reply. */
  reply?: IamMockReply;
}

/** A running mock. */
export interface IamMock {
  url: string;
  requests: IamMockRequest[];
  close(): Promise<void>;
}

/** Starts the mock; the test closes it in a teardown. */
export async function startIamMock(options: IamMockOptions): Promise<IamMock> {
  const requests: IamMockRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        json,
      });

      const reply = options.reply ?? answer(req, json, options);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** IAM's answer for a well-formed request: a token for the known user, else 401. */
function answer(req: IncomingMessage, json: unknown, options: IamMockOptions): IamMockReply {
  if (req.method !== 'POST' || !req.url?.startsWith('/v3/auth/tokens')) {
    return {
      status: 404,
      body: '{"error_msg":"The API does not exist","error_code":"APIGW.0101"}',
    };
  }

  const user = ['auth', 'identity', 'password', 'user'];
  const known =
    dig(json, [...user, 'name']) === options.user &&
    dig(json, [...user, 'password']) === options.password &&
    dig(json, [...user, 'domain', 'name']) === options.domain &&
    dig(json, ['auth', 'scope', 'project', 'name']) === options.project;
  if (!known) {
    return {
      status: 401,
      body: JSON.stringify({
        error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' },
      }),
    };
  }
  return {
    status: 201,
    headers: { 'X-Subject-Token': options.token },
    body: JSON.stringify({
      token: { expires_at: '2027-03-02T22:00:00.000000Z', methods: ['password'] },
    }),
  };
}

/** The value at a path of object keys, or undefined. */
function dig(value: unknown, path: string[]): unknown {
  let here = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}
