/** The local HTTP server: the same app, served by @hono/node-server on loopback. */
import { serve, type ServerType } from '@hono/node-server';
import type { Service } from '../service.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export function startServer(service: Service, port: number, hostname = '127.0.0.1'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: service.app.fetch, port, hostname }, (info) => {
        resolve({
          url: `http://${hostname}:${info.port}`,
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
      server.on('error', reject);
    } catch (err) {
      reject(err);
    }
  });
}
