/**
 * A collection in PostgreSQL as a RemoteIndex: its current generation is the version; a new one
 * (a build published meanwhile) is opened when a check finds it. The driver is imported on first
 * use, so a function serving files never loads it.
 */
import type { RemoteIndex } from '../remote.js';
import { parsePostgresUri, type PostgresLocation } from './location.js';
import { currentGeneration } from './schema.js';

export interface PostgresSourceOptions {
  /** Statement and connection timeout for serving. */
  timeoutMs: number;
  /** The password, when it is not in the URI (a secret read once per container). */
  password?: () => Promise<string>;
}

/**
 * `uri` is the connection string, or where to read it (a secret: an SSM SecureString holding the
 * whole URI, password included), described by `label` until it has been read.
 */
export function lazyPostgresSource(
  uri: string | { read: () => Promise<string>; label: string },
  options: PostgresSourceOptions,
): RemoteIndex {
  // A malformed INDEX_URI fails at start-up, not at the first request.
  const given = typeof uri === 'string' ? parsePostgresUri(uri) : undefined;
  type Opened = { db: import('./database.js').Database; location: PostgresLocation; backend: typeof import('./backend.js') };
  let opened: Promise<Opened> | undefined;
  const connect = () => {
    opened ??= (async () => {
      const [database, backend] = await Promise.all([import('./database.js'), import('./backend.js')]);
      const location = given ?? parsePostgresUri(await (uri as { read: () => Promise<string> }).read());
      return {
        db: new database.Database(location, { timeoutMs: options.timeoutMs, ...(options.password ? { password: options.password } : {}) }),
        location,
        backend,
      };
    })();
    opened.catch(() => (opened = undefined)); // a secret that could not be read is read again next time
    return opened;
  };
  return {
    uri: given?.label ?? (uri as { label: string }).label,
    fetch: async (ifNoneMatch) => {
      const { db, location, backend } = await connect();
      const current = await currentGeneration(db.query, location.collection).catch((err: unknown) => {
        // No collections table yet is the same as no collection: open() says how to build one.
        if ((err as { code?: string }).code === '42P01') return undefined;
        throw err;
      });
      if (current && current.generation === ifNoneMatch) return undefined;
      return {
        etag: current?.generation ?? 'none',
        open: () => backend.PostgresBackend.open(db, location.collection, backend.DEFAULT_POSTGRES_BACKEND, current),
      };
    },
    prune: () => {},
  };
}
