/**
 * The local HTTP server: the same app, served by @hono/node-server on loopback, with a graceful
 * stop: no new connections, idle keep-alive connections closed at once, requests in flight
 * answered (then their connections closed), new requests on open connections refused with 503,
 * and whatever is still open after the deadline (a client holding a half-sent request) cut.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import { ApiError } from '../api/errors.js';
import type { Service } from '../service.js';

export const SHUTDOWN_DEADLINE_MS = 10_000;

export interface RunningServer {
  url: string;
  /** Stops gracefully; resolves once every connection is closed (by `deadlineMs` at the latest). */
  close(deadlineMs?: number): Promise<void>;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

function refuseWhileStopping(res: ServerResponse): void {
  const body = JSON.stringify(new ApiError(503, 'shutting_down', 'the server is stopping; retry on a new connection').toJSON());
  res.shouldKeepAlive = false;
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(body);
}

/** Wraps the app's request listener so a stop can see and finish the requests in flight. */
function gracefulStop(server: Server): (deadlineMs: number) => Promise<void> {
  const app = server.listeners('request')[0] as Listener;
  server.removeAllListeners('request');
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (stopping) return refuseWhileStopping(res);
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    app(req, res);
  });
  return (deadlineMs) =>
    new Promise<void>((done) => {
      stopping = true;
      const cut = setTimeout(() => server.closeAllConnections(), deadlineMs);
      server.close(() => {
        clearTimeout(cut);
        done();
      });
      server.closeIdleConnections();
      // Answer what is in flight, then hang up instead of waiting for the next keep-alive request.
      for (const res of inFlight) {
        if (!res.headersSent) res.shouldKeepAlive = false;
        else res.on('finish', () => res.socket?.end());
      }
    });
}

export function startServer(service: Service, port: number, hostname = '127.0.0.1'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    try {
      const server = serve({ fetch: service.app.fetch, port, hostname }, (info) => {
        const stop = gracefulStop(server as Server);
        resolve({ url: `http://${hostname}:${info.port}`, close: (deadlineMs = SHUTDOWN_DEADLINE_MS) => stop(deadlineMs) });
      });
      server.on('error', reject);
    } catch (err) {
      reject(err);
    }
  });
}
