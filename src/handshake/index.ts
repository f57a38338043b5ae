/**
 * The handshake stage: real TLS between the bundle's certificates on loopback, and the client
 * side on its own for connecting to a live target.
 */
export { connectTls } from './client.js';
export type { ClientOptions, ClientOutcome, PeerSummary, TlsVersion } from './client.js';
export { controlContext, type Control } from './controls.js';
export { tlsEnvironment, type TlsEnvironment } from './environment.js';
export { describePeer, describeRefusal, formatFailure, refusalOf } from './explain.js';
export type { Refusal, Sides } from './explain.js';
export { describeTlsError, verifyFailure, type TlsFailure } from './failure.js';
export { foreignIdentity, makeForeignIdentity } from './foreign.js';
export { openTargetListener, runHandshake } from './mutual.js';
export type { AttemptSpec, HandshakeResult, HandshakeSpec, Identity } from './mutual.js';
export type { ListenerSpec, TargetListener } from './mutual.js';
export { remedyFor } from './remedy.js';
export { closeOpenListeners, startTargetServer } from './server.js';
export type { ServerOptions, ServerOutcome } from './server.js';
export type { ServerLoadFailure, TargetServer } from './server.js';
