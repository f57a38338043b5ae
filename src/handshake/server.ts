/**
 * A local target listener: node:tls on 127.0.0.1, any free port, with the target's
 * certificate and key, requiring a client certificate that chains to the given CA. It judges
 * every connection on its own, keyed by the client's port, and reports what it decided.
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
  /** Pin the protocol version; omitted: TLS 1.2 and 1.3 (each client pins its own). */
  version?: TlsVersion;
  /** Milliseconds the listener gives a client to finish its handshake. */
  timeoutMs: number;
  /**
   * Refuse clients whose certificate fails verification; default true, as on a real target.
   * Only tests turn it off, to show that a negative control fails when a listener is lax.
   */
  rejectUnauthorized?: boolean;
}

/** What the listener decided about one client connection. */
export interface ServerOutcome {
  /** The client connected at all. */
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
  /** The listener's view so far of the connection from `clientPort` (blank before it came). */
  current(clientPort: number): ServerOutcome;
  /** Settles once the connection from `clientPort` is judged (or never, when none comes). */
  outcome(clientPort: number): Promise<ServerOutcome>;
  /** Forgets a connection whose verdict was taken, so that its port may come again. */
  forget(clientPort: number): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** A listener that could not start, usually because OpenSSL refused its certificate or key. */
export interface ServerLoadFailure {
  failure: TlsFailure;
}

/** One connection's verdict in the making. */
interface Judgement {
  outcome: ServerOutcome;
  decided: Promise<ServerOutcome>;
  settle: () => void;
}

/** Starts a listener, or says why OpenSSL would not load its certificate and key. */
export async function startTargetServer(
  options: ServerOptions,
): Promise<TargetServer | ServerLoadFailure> {
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

  // The client's port names its connection: the server side's remotePort is the client side's
  // localPort, and no two live connections to this listener share it.
  const judgements = new Map<number, Judgement>();
  const judgement = (clientPort: number): Judgement => {
    const known = judgements.get(clientPort);
    if (known) return known;
    const made = newJudgement();
    judgements.set(clientPort, made);
    return made;
  };
  const sockets = new Set<Socket>();
  judge(server, sockets, judgement);

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
  return {
    port: port(server),
    current: (clientPort) => ({ ...(judgements.get(clientPort)?.outcome ?? blankOutcome()) }),
    outcome: (clientPort) => judgement(clientPort).decided,
    forget: (clientPort) => judgements.delete(clientPort),
    close,
  };
}

/** Records what the listener does with each connection, in the judgement of its port. */
function judge(server: tls.Server, sockets: Set<Socket>, judgement: (port: number) => Judgement) {
  server.on('connection', (raw: Socket) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    if (raw.remotePort !== undefined) judgement(raw.remotePort).outcome.connected = true;
  });

  // Node destroys a socket whose client certificate failed verification before it says so,
  // and a destroyed socket can no longer look up its peer; but it keeps what it looked up
  // before. 'keylog' is the one listener event that hands over each socket during its
  // handshake, so the peer is looked up there. The line itself (session secrets) is ignored.
  server.on('keylog', (_line, socket) => void socket.remotePort);

  server.on('tlsClientError', (error, socket) => {
    // Limitation: this relies on Node keeping the peer's port on a refused, destroyed socket
    // once looked up (Node 20 and 24 do); without it a refusal names no connection, and that
    // attempt ends as one the listener never decided.
    const clientPort = socket.remotePort;
    if (clientPort === undefined) {
      debug('listener %d refused a connection it cannot name', port(server));
      return;
    }

    // A verify failure closes the socket without an alert; Node keeps the code on the socket.
    const { outcome, settle } = judgement(clientPort);
    const code = socket.authorizationError;
    outcome.failure ??= code ? verifyFailure(String(code)) : describeTlsError(error, 'handshake');
    debug('listener %d refused %d: %s', port(server), clientPort, outcome.failure.code);
    settle();
  });

  server.on('secureConnection', (socket: tls.TLSSocket) => {
    const clientPort = socket.remotePort;
    if (clientPort === undefined) return socket.destroy();

    const { outcome, settle } = judgement(clientPort);
    outcome.accepted = true;
    outcome.authorized = socket.authorized;
    socket.write('s');
    socket.once('data', () => {
      outcome.exchanged = true;
      socket.end();
      settle();
    });
    socket.on('error', (error) => {
      outcome.failure ??= describeTlsError(error, 'exchange');
    });
    socket.on('close', settle);
  });
}

function newJudgement(): Judgement {
  const outcome = blankOutcome();
  let settle: () => void = () => undefined;
  const decided = new Promise<ServerOutcome>((resolve) => (settle = () => resolve(outcome)));
  return { outcome, decided, settle };
}

function blankOutcome(): ServerOutcome {
  return { connected: false, accepted: false, authorized: false, exchanged: false };
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
