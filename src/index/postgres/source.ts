/**
 * A collection in PostgreSQL as a RemoteIndex: its current generation is the version; a new one
 * (a build published meanwhile) is opened when a check finds it. The driver is imported on first
 * use, so a function serving files never loads it.
 */
import type { RemoteIndex } from '../remote.js';
import { parsePostgresUri } from './location.js';

export interface PostgresSourceOptions {
  /** Statement and connection timeout for serving. */
  timeoutMs: number;
  /** The password, when it is not in the URI (a secret read once per container). */
  password?: () => Promise<string>;
}

export function lazyPostgresSource(uri: string, options: PostgresSourceOptions): RemoteIndex {
  const given = parsePostgresUri(uri); // a malformed INDEX_URI fails at start-up, not at the first request
  let opened: Promise<{ db: import('./database.js').Database; backend: typeof import('./backend.js') }> | undefined;
  const connect = () => {
    opened ??= (async () => {
      const [database, backend] = await Promise.all([import('./database.js'), import('./backend.js')]);
      return { db: new database.Database(given, { timeoutMs: options.timeoutMs, ...(options.password ? { password: options.password } : {}) }), backend };
    })();
    opened.catch(() => (opened = undefined));
    return opened;
  };
  return {
    uri: given.label,
    fetch: async (ifNoneMatch) => {
      const { db, backend } = await connect();
      const { currentGeneration } = await import('./publish.js');
      const current = await currentGeneration(db.query, given.collection).catch((err: unknown) => {
        // No collections table yet is the same as no collection: open() says how to build one.
        if ((err as { code?: string }).code === '42P01') return undefined;
        throw err;
      });
      if (current && current.generation === ifNoneMatch) return undefined;
      return { etag: current?.generation ?? 'none', open: () => backend.PostgresBackend.open(db, given.collection) };
    },
    prune: () => {},
  };
}
