/**
 * One mutual TLS attempt on loopback: a target listener with the target's certificate, a
 * client with the source's, and a byte each way. Nothing is left listening afterwards.
 */
import { connectTls, type ClientOutcome, type TlsVersion } from './client.js';
import { timeoutFailure, type TlsFailure } from './failure.js';
import { startTargetServer, type ServerOutcome, type TargetServer } from './server.js';

/** A certificate and its private key, both PEM, kept in memory only. */
export interface Identity {
  cert: string;
  key: string;
}

/** What to try. */
export interface HandshakeSpec {
  /** The listener's certificate and key. */
  target: Identity;
  /** The client's certificate and key; omitted: a client without a certificate. */
  client?: Identity;
  /** CA certificates both sides trust. */
  ca: string[];
  /** Pin the protocol version; omitted: TLS 1.2 and 1.3 both offered. */
  version?: TlsVersion;
  timeoutMs: number;
  /** false: the client accepts any server chain, so only the listener's decision counts. */
  verifyServer?: boolean;
  /** The listener's `rejectUnauthorized`; default true. Tests only. */
  rejectUnauthorized?: boolean;
}

/** What happened, on both sides. */
export interface HandshakeResult {
  /** The listener's port, closed by the time this is returned. */
  port?: number;
  /** The listener could not load its certificate or key. */
  serverLoad?: TlsFailure;
  /** The listener's view, when it started. */
  server?: ServerOutcome;
  /** The client's view, when a listener was there to connect to. */
  client?: ClientOutcome;
  /** The listener accepted and authorized the client, the client verified the listener, and
   * one byte went each way. */
  mutual: boolean;
}

/** Runs one attempt. Never rejects for TLS reasons; the listener is closed on every path. */
export async function runHandshake(spec: HandshakeSpec): Promise<HandshakeResult> {
  const started = await startTargetServer({
    ...spec.target,
    ca: spec.ca,
    timeoutMs: spec.timeoutMs,
    ...(spec.version === undefined ? {} : { version: spec.version }),
    ...(spec.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: spec.rejectUnauthorized }),
  });
  if (!('port' in started)) return { serverLoad: started.failure, mutual: false };

  try {
    const client = await connectTls({
      host: '127.0.0.1',
      port: started.port,
      ca: spec.ca,
      ...(spec.client ?? {}),
      ...(spec.version === undefined ? {} : { version: spec.version }),
      timeoutMs: spec.timeoutMs,
      verifyServer: spec.verifyServer !== false,
      exchange: true,
    });

    const server = await settledOrIdle(started, client, spec.timeoutMs);
    const mutual =
      server.accepted &&
      server.authorized &&
      server.exchanged &&
      client.connected &&
      client.exchanged;
    return { port: started.port, server, client, mutual };
  } finally {
    await started.close();
  }
}

/**
 * The listener's verdict. The client has closed by now, so a listener that saw a connection
 * settles promptly; one the client never reached (its own key failed to load) stays idle.
 */
async function settledOrIdle(
  server: TargetServer,
  client: ClientOutcome,
  timeoutMs: number,
): Promise<ServerOutcome> {
  if (client.failure?.stage === 'load') return { ...server.current };

  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise<ServerOutcome>((resolve) => {
    timer = setTimeout(() => {
      const current = { ...server.current };
      if (current.connected && !current.accepted) {
        current.failure ??= timeoutFailure(timeoutMs, "the listener's handshake");
      }
      resolve(current);
    }, timeoutMs);
  });
  try {
    return await Promise.race([server.outcome, wait]);
  } finally {
    clearTimeout(timer);
  }
}
