/**
 * Real PostgreSQL with pgvector for tests: PGlite (PostgreSQL compiled to WebAssembly) behind its
 * wire-protocol server on loopback, which the product's driver connects to like any database.
 * PGlite is one session shared by its connections: tests use them one at a time.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface RunningPostgres {
  uri: string;
  /** Stops the server (connections drop, new ones are refused); the data stays for restart(). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const db = await PGlite.create({ extensions: { vector } });
  let server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const port = Number(server.getServerConn().split(':').at(-1));
  let running = true;
  return {
    uri: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (running) await server.stop();
      running = false;
    },
    restart: async () => {
      server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 });
      await server.start();
      running = true;
    },
    close: async () => {
      if (running) await server.stop();
      running = false;
      await db.close();
    },
  };
}
