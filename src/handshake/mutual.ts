/**
 * Mutual TLS attempts on loopback: a target listener with the target's certificate, clients
 * with the source's (or a negative control's), and a byte each way. One listener serves every
 * attempt against a target and judges each connection on its own; nothing is left listening
 * afterwards.
 */
import type { SecureContext } from 'node:tls';
import { connectTls, type ClientOutcome, type TlsVersion } from './client.js';
import { timeoutFailure, type TlsFailure } from './failure.js';
import { startTargetServer, type ServerOutcome, type TargetServer } from './server.js';

/** A certificate and its private key, both PEM, kept in memory only. */
export interface Identity {
  cert: string;
  key: string;
}

/** The listener of a target. */
export interface ListenerSpec {
  /** The listener's certificate and key. */
  target: Identity;
  /** CA certificates both sides trust. */
  ca: string[];
  /** Pin the listener's protocol version; omitted: TLS 1.2 and 1.3 both offered. */
  version?: TlsVersion;
  timeoutMs: number;
  /** The listener's `rejectUnauthorized`; default true. Tests only. */
  rejectUnauthorized?: boolean;
}

/** One client's attempt against a listener. */
export interface AttemptSpec {
  /** The client's certificate and key; omitted: a client without a certificate. */
  client?: Identity;
  /** A client context made beforehand (see controls.ts); it stands in for `client`. */
  context?: SecureContext;
  /** Pin the client's protocol version; omitted: TLS 1.2 and 1.3 both offered. */
  version?: TlsVersion;
  /** false: the client accepts any server chain, so only the listener's decision counts. */
  verifyServer?: boolean;
}

/** What to try in a single attempt on a listener of its own. */
export type HandshakeSpec = ListenerSpec & Omit<AttemptSpec, 'context'>;

/** What happened, on both sides. */
export interface HandshakeResult {
  /** The listener's port, closed once the listener's last attempt ended. */
  port?: number;
  /** The listener could not load its certificate or key. */
  serverLoad?: TlsFailure;
  /** The listener's view of this attempt's connection, when it started. */
  server?: ServerOutcome;
  /** The client's view, when a listener was there to connect to. */
  client?: ClientOutcome;
  /** The listener accepted and authorized the client, the client verified the listener, and
   * one byte went each way. */
  mutual: boolean;
}

/** A target's listener, open for attempts until `close()`. */
export interface TargetListener {
  /** One attempt, judged on its own. Never rejects for TLS reasons. */
  attempt(spec: AttemptSpec): Promise<HandshakeResult>;
  /** Stops listening; call it on every path. Attempts still running end with it. */
  close(): Promise<void>;
}

/**
 * Opens a target's listener. When OpenSSL refuses its certificate or key, every attempt says
 * so (`serverLoad`), as each would have alone.
 */
export async function openTargetListener(spec: ListenerSpec): Promise<TargetListener> {
  const started = await startTargetServer({
    ...spec.target,
    ca: spec.ca,
    timeoutMs: spec.timeoutMs,
    ...(spec.version === undefined ? {} : { version: spec.version }),
    ...(spec.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: spec.rejectUnauthorized }),
  });
  if (!('port' in started)) {
    const serverLoad = started.failure;
    return { attempt: async () => ({ serverLoad, mutual: false }), close: async () => undefined };
  }

  return {
    attempt: (attempt) => attemptOn(started, spec, attempt),
    close: () => started.close(),
  };
}

/** Runs one attempt on a listener of its own. The listener is closed on every path. */
export async function runHandshake(spec: HandshakeSpec): Promise<HandshakeResult> {
  const listener = await openTargetListener(spec);
  try {
    return await listener.attempt(spec);
  } finally {
    await listener.close();
  }
}

async function attemptOn(
  server: TargetServer,
  listener: ListenerSpec,
  spec: AttemptSpec,
): Promise<HandshakeResult> {
  const client = await connectTls({
    host: '127.0.0.1',
    port: server.port,
    ca: listener.ca,
    ...(spec.client ?? {}),
    ...(spec.context === undefined ? {} : { context: spec.context }),
    ...(spec.version === undefined ? {} : { version: spec.version }),
    timeoutMs: listener.timeoutMs,
    verifyServer: spec.verifyServer !== false,
    exchange: true,
  });

  const judged = await settledOrIdle(server, client, listener.timeoutMs);
  const mutual =
    judged.accepted &&
    judged.authorized &&
    judged.exchanged &&
    client.connected &&
    client.exchanged;
  return { port: server.port, server: judged, client, mutual };
}

/**
 * The listener's verdict on this client's connection. The client has closed by now, so a
 * connection the listener saw settles promptly; a client that never connected (its own key
 * failed to load, or TCP failed) has no connection to judge.
 */
async function settledOrIdle(
  server: TargetServer,
  client: ClientOutcome,
  timeoutMs: number,
): Promise<ServerOutcome> {
  const clientPort = client.localPort;
  if (client.failure?.stage === 'load' || clientPort === undefined) {
    return { connected: false, accepted: false, authorized: false, exchanged: false };
  }

  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise<ServerOutcome>((resolve) => {
    timer = setTimeout(() => {
      const current = server.current(clientPort);
      if (current.connected && !current.accepted) {
        current.failure ??= timeoutFailure(timeoutMs, "the listener's handshake");
      }
      resolve(current);
    }, timeoutMs);
  });
  try {
    return { ...(await Promise.race([server.outcome(clientPort), wait])) };
  } finally {
    clearTimeout(timer);
    server.forget(clientPort);
  }
}
