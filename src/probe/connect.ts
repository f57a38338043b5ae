/**
 * One probe of a live listener: a TCP connection first, so that an unreachable port is told
 * apart from a TLS failure, then a TLS handshake over it as the SMS Agent makes it, noting
 * what the server presented, whether it asked for a client certificate, and whether it took
 * ours. The server's chain is verified against the bundle's CA but not enforced, so that a
 * wrong certificate can still be shown.
 *
 * Whether the server asked for a client certificate: a client learns the server's signature
 * algorithms only from a CertificateRequest (RFC 5246 7.4.4, RFC 8446 4.3.2), so OpenSSL's
 * shared signature algorithms (`getSharedSigalgs`) are empty unless one came. This holds for
 * TLS 1.2 and 1.3 on OpenSSL 3.0 and 3.5 (Node 20 to 24).
 *
 * Whether the server took our certificate: in TLS 1.2 the server verifies it before its
 * Finished, so a finished handshake says yes. In TLS 1.3 the client finishes first and the
 * server answers later, with an alert or with session tickets (RFC 8446 4.6.1), so the probe
 * waits for one of them. A TLS 1.2 server that refuses ours ends the handshake and the
 * socket with it; what its first flight showed is read just before, in OpenSSL's status
 * callback (asked for with `requestOCSP`), which runs once that flight is in.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import { debuglog } from 'node:util';
import { describeTlsError, verifyFailure, type TlsFailure } from '../handshake/failure.js';
import { connectTcp, type TcpOutcome } from './tcp.js';

const debug = debuglog('certkey');

/**
 * How long to wait after a TLS 1.3 handshake for the server's word on our certificate.
 * Limitation: a server that sends no session tickets and does not refuse is only known not
 * to have refused within this time; the verdict says so.
 */
export const VERDICT_WAIT_MS = 3000;

/** Where and with what to connect. */
export interface ProbeTarget {
  host: string;
  port: number;
  /** Trusted CA certificates (PEM) for verifying the server. */
  ca: string[];
  /** The client certificate and key (PEM, in memory only); absent: connect without one. */
  identity?: { cert: string; key: string };
  timeoutMs: number;
}

/** What one probe found. */
export interface ProbeOutcome {
  /** Milliseconds to the TCP connection, or why there was none. */
  tcp: TcpOutcome;
  /** The handshake, when TCP connected. */
  tls?: HandshakeOutcome;
}

/** What the TLS handshake found. */
export interface HandshakeOutcome {
  /** The handshake finished (the server's chain need not have verified). */
  done: boolean;
  protocol?: string;
  cipher?: string;
  /** Milliseconds from the TCP connection to the finished handshake. */
  ms?: number;
  /** The server's certificate. */
  peer?: X509Certificate;
  /** Why the server's certificate does not verify against the CA; absent when it does. */
  untrusted?: TlsFailure;
  /** The server sent a CertificateRequest. */
  certRequested?: boolean;
  /** The server's answer to our certificate (or to none): after the handshake for TLS 1.3. */
  verdict?: 'accepted' | 'refused' | 'silent';
  /** Why the handshake or the connection failed. */
  failure?: TlsFailure;
}

/** Probes one listener; never rejects, and always destroys its sockets. */
export async function probe(target: ProbeTarget): Promise<ProbeOutcome> {
  const deadline = performance.now() + target.timeoutMs;
  const tcp = await connectTcp(target.host, target.port, target.timeoutMs);
  if (!tcp.ok) return { tcp: tcp.result };

  const tlsOutcome = await handshake(target, tcp.socket, deadline);
  return { tcp: { ok: true, ms: tcp.ms }, tls: tlsOutcome };
}

function handshake(target: ProbeTarget, raw: net.Socket, deadline: number) {
  const started = performance.now();
  const outcome: HandshakeOutcome = { done: false };
  const options: tls.ConnectionOptions & Pick<tls.TLSSocketOptions, 'requestOCSP'> = {
    socket: raw,
    ca: target.ca,
    ...(target.identity ?? {}),
    ...(net.isIP(target.host) === 0 ? { servername: target.host } : {}),
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    // The status callback runs once the server's first flight is read, before the client
    // answers it: the one moment a refusal in TLS 1.2 has not yet destroyed the socket.
    requestOCSP: true,
  };
  const socket = tls.connect(options);

  return new Promise<HandshakeOutcome>((resolve) => {
    let ours = false;
    let settle: NodeJS.Timeout | undefined;
    const finish = (verdict?: HandshakeOutcome['verdict']) => {
      if (verdict) outcome.verdict ??= verdict;
      ours = true;
      clearTimeout(timer);
      clearTimeout(settle);
      socket.destroy();
    };
    const timer = setTimeout(
      () => {
        if (outcome.done) return finish('silent');
        outcome.failure ??= timeout(target.timeoutMs);
        finish();
      },
      Math.max(0, deadline - performance.now()),
    );

    socket.once('OCSPResponse', () => serverFlight(socket, outcome));
    socket.once('secureConnect', () => {
      serverFlight(socket, outcome);
      outcome.done = true;
      outcome.ms = Math.round(performance.now() - started);
      if (!socket.authorized) outcome.untrusted = untrusted(socket.authorizationError);
      if (outcome.protocol !== 'TLSv1.3') return finish('accepted');

      const wait = Math.min(VERDICT_WAIT_MS, Math.max(0, deadline - performance.now()));
      settle = setTimeout(() => finish('silent'), wait);
    });
    socket.once('session', () => finish('accepted'));
    socket.on('data', () => finish('accepted'));

    socket.on('error', (error) => {
      outcome.failure ??= describeTlsError(error, outcome.done ? 'exchange' : 'handshake');
      finish(outcome.certRequested === true ? 'refused' : undefined);
    });
    socket.on('close', () => {
      if (!ours && outcome.done) {
        outcome.failure ??= closed('after the handshake, without a session ticket');
        outcome.verdict ??= 'refused';
      }
      if (!outcome.done) outcome.failure ??= closed('during the handshake');
      finish();
      debug('probe %s:%d: %s', target.host, target.port, outcome.failure?.code ?? 'ok');
      resolve(outcome);
    });
  });
}

/** Notes what the server's first flight showed: version, certificate, CertificateRequest. */
function serverFlight(socket: tls.TLSSocket, outcome: HandshakeOutcome): void {
  outcome.protocol = socket.getProtocol() ?? outcome.protocol ?? 'unknown';
  outcome.cipher = socket.getCipher()?.name ?? outcome.cipher;
  const peer = socket.getPeerX509Certificate();
  if (peer) outcome.peer = peer;
  outcome.certRequested = (socket.getSharedSigalgs() ?? []).length > 0;
}

/** The client's verdict on the server's chain: Node gives a verify code, CERT_HAS_EXPIRED. */
function untrusted(error: Error | string | null | undefined): TlsFailure {
  const code = typeof error === 'string' ? error : (error as { code?: string } | null)?.code;
  return verifyFailure(code ?? 'UNSPECIFIED');
}

function timeout(ms: number): TlsFailure {
  const reason = `no TLS handshake within ${ms} ms`;
  return { code: 'ETIMEDOUT', reason, own: false, stage: 'timeout' };
}

function closed(when: string): TlsFailure {
  const reason = `the server closed the connection ${when}`;
  return { code: 'ECONNRESET', reason, own: false, stage: 'handshake' };
}
