/**
 * Handshake results in words: which side refused, OpenSSL's reason and code, and what to do.
 */
import type { CertField, KeyField } from '../model.js';
import type { PeerSummary } from './client.js';
import type { TlsFailure } from './failure.js';
import type { HandshakeResult } from './mutual.js';

/** The bundle fields on each side of a handshake, for naming them in messages. */
export interface Sides {
  /** The listener's certificate and key fields, such as `target_mgmt_cert`. */
  target: { cert: CertField; key: KeyField };
  /** The client's fields: `cert` and `private_key`, or a description of a control client. */
  source: { cert: CertField | string; key: KeyField | string };
}

/** Who stopped a handshake, with each side's failure where it had one. */
export type Refusal =
  | { side: 'listener'; listener: TlsFailure; client?: TlsFailure }
  | { side: 'client'; client: TlsFailure; listener?: TlsFailure }
  | { side: 'both'; listener: TlsFailure; client: TlsFailure }
  | { side: 'timeout' | 'unknown'; listener?: TlsFailure; client?: TlsFailure };

/** Who refused, from both sides' failures; undefined when the handshake was mutual. */
export function refusalOf(result: HandshakeResult): Refusal | undefined {
  if (result.mutual) return undefined;
  if (result.serverLoad) return { side: 'listener', listener: result.serverLoad };

  const listener = result.server?.failure;
  const client = result.client?.failure;
  if (listener?.own && client?.own) return { side: 'both', listener, client };
  if (listener?.own) return { side: 'listener', listener, ...(client ? { client } : {}) };
  if (client?.own) return { side: 'client', client, ...(listener ? { listener } : {}) };

  const timedOut = listener?.stage === 'timeout' || client?.stage === 'timeout';
  const found = { ...(listener ? { listener } : {}), ...(client ? { client } : {}) };
  return { side: timedOut ? 'timeout' : 'unknown', ...found };
}

/** `reason [CODE]`, as shown in every message. */
export function formatFailure(failure: TlsFailure): string {
  return `${failure.reason} [${failure.code}]`;
}

/** One sentence saying who refused whom and why. */
export function describeRefusal(refusal: Refusal, sides: Sides): string {
  const { target, source } = sides;
  const listenerSide = (failure: TlsFailure) => {
    if (failure.stage === 'load') {
      return `the target listener could not load ${target.cert} with ${target.key}`;
    }
    return failure.stage === 'verify'
      ? `the target listener (${target.cert}) refused the client certificate (${source.cert})`
      : `the target listener (${target.cert}) broke off the handshake with the client`;
  };
  const clientSide = (failure: TlsFailure) => {
    if (failure.stage === 'load')
      return `the client could not load ${source.cert} with ${source.key}`;
    return failure.stage === 'verify'
      ? `the client (${source.cert}) refused the target certificate (${target.cert})`
      : `the client (${source.cert}) broke off the handshake with the target listener`;
  };
  const said = (side: (failure: TlsFailure) => string, failure: TlsFailure) =>
    `${side(failure)}: ${formatFailure(failure)}`;

  switch (refusal.side) {
    case 'listener':
      return said(listenerSide, refusal.listener);
    case 'client':
      return said(clientSide, refusal.client);
    case 'both':
      return `${said(clientSide, refusal.client)}; and ${said(listenerSide, refusal.listener)}`;
  }

  const seen = [refusal.client, refusal.listener].filter((f): f is TlsFailure => !!f);
  if (seen.length === 0) {
    return 'the connection ended without a byte each way and neither side said why';
  }
  const what = refusal.side === 'timeout' ? 'the handshake did not finish' : 'it ended early';
  return `${what}: ${seen.map(formatFailure).join('; ')}`;
}

/** The field a refusal is about: the certificate the refusing side rejected or could not use. */
export function blamedField(refusal: Refusal, sides: Sides): CertField | string {
  const listener = refusal.listener;
  if (refusal.side === 'listener' && listener) {
    const ownCertificate = listener.stage === 'load' || listener.code.includes('NO_SHARED_CIPHER');
    return ownCertificate ? sides.target.cert : sides.source.cert;
  }
  if (refusal.side === 'client' && refusal.client?.stage === 'load') return sides.source.cert;
  return sides.target.cert;
}

/** The server names the client saw, for the message: `CN=x, IP Address:10.0.0.5`. */
export function describePeer(peer: PeerSummary | undefined): string {
  if (!peer) return 'names not seen';
  const names = [peer.commonName ? `CN=${peer.commonName}` : '', peer.altNames ?? ''];
  const shown = names.filter((name) => name !== '').join(', ');
  return shown === '' ? 'no CN or subjectAltName' : shown;
}
