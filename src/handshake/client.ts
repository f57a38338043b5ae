/**
 * The client side of a handshake: connect with a certificate and key, verify the server's
 * chain against the given CA certificates, optionally trade one byte, and report what
 * happened. Used by the mtls suite against local listeners and usable against a real target.
 */
import { performance } from 'node:perf_hooks';
import tls, { type PeerCertificate } from 'node:tls';
import { debuglog } from 'node:util';
import { describeTlsError, timeoutFailure, type TlsFailure } from './failure.js';

const debug = debuglog('certkey');

/** A TLS protocol version node:tls can be pinned to. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** Where to connect and with what. */
export interface ClientOptions {
  host: string;
  port: number;
  /** The client certificate (PEM); omitted: connect without one. */
  cert?: string;
  /** The client's private key (PEM), kept in memory only. */
  key?: string;
  /** Trusted CA certificates (PEM); the server's chain must end in one of them. */
  ca: string[];
  /** Pin the protocol version; omitted: whatever both sides support best. */
  version?: TlsVersion;
  /** Milliseconds for the whole attempt: connect, handshake and byte exchange. */
  timeoutMs: number;
  /** false: accept any server chain (the negative controls judge the server only). */
  verifyServer?: boolean;
  /** Also check the host name against the server certificate; default false (see below). */
  checkHostname?: boolean;
  /** Send one byte after the handshake and wait for one from the server. */
  exchange?: boolean;
  /**
   * A secure context made beforehand (a negative control's, see controls.ts); it stands in
   * for `cert`, `key`, `ca` and `version`.
   */
  context?: tls.SecureContext;
}

/** The server certificate as the client saw it. */
export interface PeerSummary {
  /** Subject CN, when there is one. */
  commonName?: string;
  /** subjectAltName as OpenSSL prints it, such as `IP Address:10.0.0.5`. */
  altNames?: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
}

/** What one client attempt found. */
export interface ClientOutcome {
  /** The handshake finished and the server's chain verified (when verification was asked). */
  connected: boolean;
  /** A byte came back from the server (only when `exchange` was asked). */
  exchanged: boolean;
  /** Negotiated protocol, such as `TLSv1.3`. */
  protocol?: string;
  /** Negotiated cipher suite's OpenSSL name. */
  cipher?: string;
  /** The server's certificate. */
  peer?: PeerSummary;
  /** Milliseconds from the start of the attempt to the finished handshake. */
  handshakeMs?: number;
  /** Why the attempt did not succeed. */
  failure?: TlsFailure;
  /** The client's own port, once TCP connected: the listener knows the connection by it. */
  localPort?: number;
}

/**
 * Connects once and resolves when the connection is closed, on every path: success,
 * refusal, reset or timeout. Never rejects; the socket is always destroyed.
 *
 * Host names are not checked unless asked: SMS targets are addressed by IP and their
 * certificate names vary, so the names are reported instead. The chain is always verified
 * unless `verifyServer` is false.
 *
 * Limitation: node:tls does not tell a client whether the server sent a CertificateRequest,
 * so whether a client certificate was requested is not part of the outcome.
 */
export function connectTls(options: ClientOptions): Promise<ClientOutcome> {
  const outcome: ClientOutcome = { connected: false, exchanged: false };
  const started = performance.now();

  let socket: tls.TLSSocket;
  try {
    socket = tls.connect({
      host: options.host,
      port: options.port,
      secureContext: options.context ?? clientContext(options),
      rejectUnauthorized: options.verifyServer !== false,
      checkServerIdentity: (host, cert) => {
        outcome.peer = summarize(cert);
        return options.checkHostname === true ? tls.checkServerIdentity(host, cert) : undefined;
      },
    });
  } catch (error) {
    // The client's own certificate or key was refused before any connection was made.
    return Promise.resolve({ ...outcome, failure: describeTlsError(error, 'load') });
  }

  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      outcome.failure ??= timeoutFailure(options.timeoutMs, 'the client handshake');
      socket.destroy();
    }, options.timeoutMs);

    socket.once('connect', () => {
      if (socket.localPort !== undefined) outcome.localPort = socket.localPort;
    });

    socket.on('secureConnect', () => {
      outcome.connected = true;
      outcome.handshakeMs = Math.round(performance.now() - started);
      outcome.protocol = socket.getProtocol() ?? 'unknown';
      outcome.cipher = socket.getCipher().name;
      outcome.peer ??= summarize(socket.getPeerCertificate());
      if (options.exchange === true) socket.write('c');
      else socket.end();
    });

    socket.once('data', () => {
      outcome.exchanged = true;
      socket.end();
    });

    socket.on('error', (error) => {
      const stage = outcome.connected ? 'exchange' : 'handshake';
      outcome.failure ??= describeTlsError(error, stage);
    });

    socket.on('close', () => {
      clearTimeout(timer);
      if (options.exchange === true && outcome.connected && !outcome.exchanged) {
        outcome.failure ??= closedFailure();
      }
      debug('client %s:%d closed: %s', options.host, options.port, outcome.failure?.code ?? 'ok');
      resolve(outcome);
    });
  });
}

/** Client contexts made lately, by what they hold; see clientContext. */
const CONTEXTS = new Map<string, tls.SecureContext>();
const KEPT_CONTEXTS = 16;

/**
 * The secure context of a client: its certificate and key, the CA it trusts and the pinned
 * version. Making one loads all of them into OpenSSL, which costs more than the loopback
 * handshake; the mtls suite connects with the same client to both targets, so the last few
 * contexts are kept (in memory only) and reused. Throws as tls.connect does when OpenSSL
 * refuses the certificate or key; a refused context is not kept.
 */
function clientContext(options: ClientOptions): tls.SecureContext {
  const id = JSON.stringify([options.cert, options.key, options.ca, options.version]);
  const kept = CONTEXTS.get(id);
  if (kept) return kept;

  const context = tls.createSecureContext({
    ca: options.ca,
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.version === undefined
      ? {}
      : { minVersion: options.version, maxVersion: options.version }),
  });
  CONTEXTS.set(id, context);
  const oldest = CONTEXTS.keys().next().value;
  if (CONTEXTS.size > KEPT_CONTEXTS && oldest !== undefined) CONTEXTS.delete(oldest);
  return context;
}

/** The server closed after the handshake without sending its byte. */
function closedFailure(): TlsFailure {
  return {
    code: 'ECONNRESET',
    reason: 'the server closed the connection after the handshake without sending data',
    own: false,
    stage: 'exchange',
  };
}

function summarize(cert: PeerCertificate): PeerSummary {
  const cn = cert.subject?.CN;
  return {
    ...(typeof cn === 'string' ? { commonName: cn } : {}),
    ...(cert.subjectaltname ? { altNames: cert.subjectaltname } : {}),
    fingerprint256: cert.fingerprint256,
  };
}
