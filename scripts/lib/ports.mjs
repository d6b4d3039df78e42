import { createServer } from 'node:net';

const tryListen = (port, host) =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, host, () => {
      const { port: bound } = srv.address();
      srv.close(() => resolve(bound));
    });
  });

/** The preferred port when it is free, otherwise any free port. */
export async function pickPort(preferred, host = '127.0.0.1') {
  return (await tryListen(preferred, host)) ?? (await tryListen(0, host));
}
