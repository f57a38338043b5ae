/**
 * A local target listener: node:tls on 127.0.0.1, any free port, with the target's
 * certificate and key, requiring a client certificate that chains to the given CA. It judges
 * the first connection only and reports what it decided.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { debuglog } from 'node:util';
import type { TlsVersion } from './client.js';
import { describeTlsError, verifyFailure, type TlsFailure } from './failure.js';

const debug = debuglog('certkey');

/** How to set the listener up. */
export interface ServerOptions {
  /** The target certificate (PEM). */
  cert: string;
  /** The target private key (PEM), kept in memory only. */
  key: string;
  /** CA certificates (PEM) a client certificate must chain to. */
  ca: string[];
  /** Pin the protocol version; omitted: TLS 1.2 and 1.3. */
  version?: TlsVersion;
  /** Milliseconds the listener gives a client to finish its handshake. */
  timeoutMs: number;
  /**
   * Refuse clients whose certificate fails verification; default true, as on a real target.
   * Only tests turn it off, to show that a negative control fails when a listener is lax.
   */
  rejectUnauthorized?: boolean;
}

/** What the listener decided about its first client. */
export interface ServerOutcome {
  /** A client connected at all. */
  connected: boolean;
  /** The handshake finished and the listener kept the connection ('secureConnection'). */
  accepted: boolean;
  /** The client's certificate verified (`socket.authorized`). */
  authorized: boolean;
  /** The client's byte arrived after the listener sent its own. */
  exchanged: boolean;
  /** Why the listener refused, or how the connection ended early. */
  failure?: TlsFailure;
}

/** A started listener. Call `close()` on every path. */
export interface TargetServer {
  port: number;
  /** The listener's view so far, updated as the connection goes on. */
  current: ServerOutcome;
  /** Settles once the first connection is judged (or never, when nobody connects). */
  outcome: Promise<ServerOutcome>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** A listener that could not start, usually because OpenSSL refused its certificate or key. */
export interface ServerLoadFailure {
  failure: TlsFailure;
}

/** Starts a listener, or says why OpenSSL would not load its certificate and key. */
export async function startTargetServer(
  options: ServerOptions,
): Promise<TargetServer | ServerLoadFailure> {
  const outcome: ServerOutcome = {
    connected: false,
    accepted: false,
    authorized: false,
    exchanged: false,
  };
  let settle: (value: ServerOutcome) => void = () => undefined;
  const decided = new Promise<ServerOutcome>((resolve) => (settle = resolve));
  const sockets = new Set<Socket>();

  let server: tls.Server;
  try {
    server = tls.createServer({
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      requestCert: true,
      rejectUnauthorized: options.rejectUnauthorized !== false,
      handshakeTimeout: options.timeoutMs,
      ...(options.version === undefined
        ? {}
        : { minVersion: options.version, maxVersion: options.version }),
    });
  } catch (error) {
    return { failure: describeTlsError(error, 'load') };
  }

  server.on('connection', (raw: Socket) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    if (outcome.connected) raw.destroy();
    outcome.connected = true;
  });

  server.on('tlsClientError', (error, socket) => {
    // A verify failure closes the socket without an alert; Node keeps the code on the socket.
    const code = socket.authorizationError;
    outcome.failure ??= code ? verifyFailure(String(code)) : describeTlsError(error, 'handshake');
    debug('listener %d refused: %s', port(server), outcome.failure.code);
    settle(outcome);
  });

  server.on('secureConnection', (socket: tls.TLSSocket) => {
    outcome.accepted = true;
    outcome.authorized = socket.authorized;
    socket.write('s');
    socket.once('data', () => {
      outcome.exchanged = true;
      socket.end();
      settle(outcome);
    });
    socket.on('error', (error) => {
      outcome.failure ??= describeTlsError(error, 'exchange');
    });
    socket.on('close', () => settle(outcome));
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    return { failure: { ...describeTlsError(error, 'load'), own: true } };
  }

  const close = () =>
    new Promise<void>((resolve) => {
      OPEN.delete(close);
      for (const raw of sockets) raw.destroy();
      server.close(() => resolve());
    });
  OPEN.add(close);
  return { port: port(server), current: outcome, outcome: decided, close };
}

/** The close functions of listeners still open, for an interrupted run. */
const OPEN = new Set<() => Promise<void>>();

/**
 * Closes every listener this process still has open: an interrupted run calls it so that
 * nothing is left listening, whatever handshake was under way.
 */
export async function closeOpenListeners(): Promise<void> {
  await Promise.all([...OPEN].map((close) => close()));
}

function port(server: tls.Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
