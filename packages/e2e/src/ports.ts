import { createServer } from 'node:net';

/** Ports handed out by this process, so that two components never get the same one. */
const handedOut = new Set<number>();

/**
 * A port on 127.0.0.1 that is free now: the system picks it for a listener that is closed at once.
 * Another process could take it before the component binds it; the window is short, and the
 * system does not reuse a just-released ephemeral port quickly.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (port !== 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port on 127.0.0.1 after 20 attempts');
}

/** Several distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}
