/** A test server on a loopback port, closed with whatever sockets are left when the test ends. */
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Test } from 'tap';

/**
 * Listens on 127.0.0.1, port 0, until `t` ends; then destroys the sockets still open and
 * closes the server. Works for net, http and tls servers. Resolves with the port.
 */
export async function listenOnLoopback(t: Test, server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}
