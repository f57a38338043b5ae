/**
 * Listeners on 127.0.0.1 port 0 standing in for a target's SMS Agent: the right certificate
 * requiring a client certificate, another task's certificate, one that asks for no client
 * certificate, one that asks but does not require it, a port that does not speak TLS, and a
 * port with nothing listening. Every listener and connection is closed by the test's teardown.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Test } from 'tap';
import { listenOnLoopback } from '../helpers/listen.js';

/** A bundle as the API sends it, with the CA under `ca_cert`. */
export type Reply = Record<string, string>;

/** A protocol version a listener can be pinned to. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** How a listener treats client certificates. */
export type ClientAuth = 'require' | 'optional' | 'none';

/** One listener's setup. */
export interface TargetSpec {
  /** The bundle whose target certificate and CA the listener uses. */
  bundle: Reply;
  /** Which target certificate it presents. */
  field?: 'target_mgmt_cert' | 'target_data_cert';
  auth?: ClientAuth;
  /** Pin the protocol version. */
  version?: TlsVersion;
}

/** Starts a TLS listener and returns its port. */
export async function tlsTarget(t: Test, spec: TargetSpec): Promise<number> {
  const field = spec.field ?? 'target_mgmt_cert';
  const keyField =
    field === 'target_mgmt_cert' ? 'target_mgmt_private_key' : 'target_data_private_key';
  const auth = spec.auth ?? 'require';
  const server = tls.createServer(
    {
      cert: spec.bundle[field],
      key: spec.bundle[keyField],
      ca: spec.bundle.ca_cert,
      requestCert: auth !== 'none',
      rejectUnauthorized: auth === 'require',
      ...(spec.version ? { minVersion: spec.version, maxVersion: spec.version } : {}),
    },
    (socket) => {
      socket.on('error', () => {});
      socket.on('data', () => {});
    },
  );
  server.on('tlsClientError', () => {});
  return listenOnLoopback(t, server);
}

/** A listener that accepts TCP and never speaks. */
export async function silentTarget(t: Test): Promise<number> {
  const server = net.createServer((socket) => socket.on('error', () => {}));
  return listenOnLoopback(t, server);
}

/** A port on 127.0.0.1 with nothing listening: bound to port 0, noted, and closed. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
