/**
 * An SMS-compatible certkey endpoint for loopback tests and demos: the same path, query,
 * token header, error bodies and request ids as the service, serving bundles it is given.
 *
 * A request passes: request id, route, intercept hook (faults), method, authentication,
 * query, task lookup. Each later addition (a bundles directory, faults, AK/SK) plugs into
 * one of these steps without touching the others.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { debuglog } from 'node:util';
import { CertkeyError } from '../errors.js';
import type { AkSkCredentials } from '../intake/sign.js';
import { tokenAuthenticator, type Authenticator } from './auth.js';
import { MOCK_ERRORS, newRequestId, sendError, sendJson } from './replies.js';
import { withAkSk } from './verify-signature.js';

const debug = debuglog('certkey');

/** A bundle source: the reply for a task id, or undefined for an unknown task. */
export type BundleSource = (taskId: string) => Promise<unknown> | unknown;

/** One request as the mock sees it, for hooks. */
export interface MockExchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Already set as the `X-Request-Id` header. */
  requestId: string;
  url: URL;
  /** The decoded task id when the path is the certkey API's. */
  taskId?: string;
}

/** A hook that may answer a request itself: true when it did (or will). */
export type MockHook = (exchange: MockExchange) => boolean | Promise<boolean>;

/** How to run the mock. */
export interface MockOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** The token clients must send as `X-Auth-Token`. */
  token: string;
  /** When given, requests signed with this AK/SK (SDK-HMAC-SHA256) are accepted too. */
  aksk?: AkSkCredentials;
  /**
   * The reply for a task. A string or bytes is sent as the body verbatim; any other value
   * is sent as JSON; undefined means no such task (404).
   */
  bundles: BundleSource;
  /** Runs before method and credential checks, so faults can mimic the gateway. */
  intercept?: MockHook;
}

/** A running mock. */
export interface MockServer {
  /** The base URL, such as `http://127.0.0.1:41234`: an `--endpoint` value. */
  url: string;
  /** Stops listening and drops open connections, including stalled ones. */
  close(): Promise<void>;
}

const CERTKEY_PATH = /^\/v3\/tasks\/([^/]*)\/certkey$/;

/**
 * Starts the mock. Throws E_USAGE when the address cannot be listened on.
 *
 * When `enable_ca_cert` is absent or false the CA field is left out of the reply: the API
 * page gives false as the default, so a client must ask for the CA, as certkey does.
 */
export async function startMock(options: MockOptions): Promise<MockServer> {
  const authenticate = withAkSk(tokenAuthenticator(options.token), options.aksk);
  const server = createServer((req, res) => {
    handle(req, res, options, authenticate).catch((error: unknown) => {
      debug('mock: handler failed: %s', error instanceof Error ? error.message : 'unknown');
      const requestId = String(res.getHeader('X-Request-Id'));
      if (!res.headersSent) sendError(res, MOCK_ERRORS.internal, requestId);
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return socket.destroy();
    const head = ['HTTP/1.1 400 Bad Request', `X-Request-Id: ${newRequestId()}`];
    socket.end(`${head.join('\r\n')}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });

  const host = options.host ?? '127.0.0.1';
  await listen(server, host, options.port ?? 0);
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { url: `http://${shown}:${address.port}`, close };
}

/** Answers one request, step by step. */
async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: MockOptions,
  authenticate: Authenticator,
): Promise<void> {
  const requestId = newRequestId();
  res.setHeader('X-Request-Id', requestId);
  res.on('finish', () =>
    debug('mock: %s %s: %d %s', req.method, req.url, res.statusCode, requestId),
  );
  const url = new URL(req.url ?? '/', 'http://mock.invalid');

  const route = CERTKEY_PATH.exec(url.pathname);
  const taskId = route ? decodeTaskId(route[1] ?? '') : undefined;
  const exchange: MockExchange = {
    req,
    res,
    requestId,
    url,
    ...(taskId !== undefined ? { taskId } : {}),
  };
  if (options.intercept && (await options.intercept(exchange))) return;

  if (!route) return sendError(res, MOCK_ERRORS.noSuchApi, requestId);
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return sendError(res, MOCK_ERRORS.badMethod, requestId);
  }

  const denied = authenticate(req);
  if (denied) return sendError(res, denied, requestId);

  const withCa = caFlag(url);
  if (withCa === undefined) return sendError(res, MOCK_ERRORS.badCaFlag, requestId);
  if (taskId === undefined || taskId.length > 255) {
    return sendError(res, MOCK_ERRORS.badTaskId, requestId);
  }

  const bundle = await options.bundles(taskId);
  if (bundle === undefined) return sendError(res, MOCK_ERRORS.noSuchTask, requestId);
  sendJson(res, 200, withCa ? bodyOf(bundle) : withoutCa(bundle));
}

/** The decoded path segment, or undefined when its percent-encoding is broken. */
function decodeTaskId(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** `enable_ca_cert`: false when absent, undefined when it is anything but true or false. */
function caFlag(url: URL): boolean | undefined {
  const values = url.searchParams.getAll('enable_ca_cert');
  if (values.length === 0) return false;
  if (values.length > 1) return undefined;
  return values[0] === 'true' ? true : values[0] === 'false' ? false : undefined;
}

/** The body for a bundle: text and bytes verbatim, anything else as JSON. */
function bodyOf(bundle: unknown): string | Uint8Array {
  if (typeof bundle === 'string' || bundle instanceof Uint8Array) return bundle;
  return JSON.stringify(bundle);
}

/** The bundle without its CA field; a body that is not a JSON object is sent unchanged. */
function withoutCa(bundle: unknown): string | Uint8Array {
  let value = bundle;
  if (typeof bundle === 'string' || bundle instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(bundle).toString('utf8'));
    } catch {
      return bundle;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bodyOf(bundle);

  const { ca: _ca, ca_cert: _caCert, ...rest } = value as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** Listens, turning the usual failures into usage errors naming the address. */
function listen(server: ReturnType<typeof createServer>, host: string, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const reasons: Record<string, string> = {
        EADDRINUSE: `${where} is already in use`,
        EACCES: `${where} needs privileges (ports below 1024 usually do)`,
        EADDRNOTAVAIL: `${host} is not an address of this machine`,
        ENOTFOUND: `cannot resolve ${host}`,
      };
      const reason = reasons[error.code ?? ''] ?? `cannot listen on ${where} (${error.code})`;
      reject(
        new CertkeyError(
          'E_USAGE',
          reason,
          'choose another --port or --host (--port 0: any free port)',
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
}
