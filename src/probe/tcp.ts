/**
 * The TCP connection a probe starts with, made apart from TLS so that a port nobody listens
 * on, a dropped packet, a missing route and a name that does not resolve are told apart
 * from a TLS failure, each with its own remedy.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** Why the TCP connection was not made. */
export type Unreachable = 'refused' | 'timeout' | 'no-route' | 'no-address' | 'other';

/** Milliseconds to the TCP connection, or why there was none. */
export type TcpOutcome =
  { ok: true; ms: number } | { ok: false; kind: Unreachable; code: string; reason: string };

/** A connected socket and the time it took, or why there is none. */
export type TcpResult =
  { ok: true; socket: net.Socket; ms: number } | { ok: false; result: TcpOutcome };

/** Connects to host:port within `timeoutMs`; never rejects. */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<TcpResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      const reason = `no answer within ${timeoutMs} ms`;
      resolve({ ok: false, result: { ok: false, kind: 'timeout', code: 'ETIMEDOUT', reason } });
    }, timeoutMs);

    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ ok: true, socket, ms: Math.round(performance.now() - started) });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const code = error.code ?? 'UNKNOWN';
      const result = { ok: false, kind: unreachable(code), code, reason: words(code) } as const;
      resolve({ ok: false, result });
    });
  });
}

/** Sorts a connection error by what the user must look at. */
export function unreachable(code: string): Unreachable {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'no-route';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return 'no-address';
  return 'other';
}

const WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listens on the port',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now (DNS did not answer)',
  ECONNRESET: 'the connection was reset',
};

function words(code: string): string {
  return WORDS[code] ?? 'the connection failed';
}
