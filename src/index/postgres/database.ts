/**
 * One PostgreSQL connection per process (a Lambda container takes one request at a time; a pool's
 * idle sockets go stale while the container is frozen), opened on first use and replaced after
 * the connection fails. No session state is set: statement settings go in a transaction with
 * SET LOCAL, so RDS Proxy can share the connection. Every query has a timeout: a database that is
 * down or slow is a DatabaseUnavailableError (503 with the reason), never a hang.
 */
import pg from 'pg';
import { IndexLoadError } from '../read-index.js';
import type { PostgresLocation } from './location.js';

export class DatabaseUnavailableError extends IndexLoadError {
  constructor(label: string, what: string, cause: unknown) {
    super(
      'database_unavailable',
      `the index database ${label} ${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
      'check that the database is running and reachable from here (security groups, VPC, credentials), then retry',
    );
  }
}

export interface DatabaseOptions {
  /** Statement and connection timeout; 0 lets statements run as long as they take (builds). */
  timeoutMs: number;
  /** The password when the URI has none: read at each new connection (a secret, a rotating token). */
  password?: () => Promise<string>;
}

/** Server error classes that mean the connection, not the statement, failed (08: connection exception, 57P: shutdown). */
const CONNECTION_FAILURE = /^(08|57P)/;

function connectionFailed(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code !== 'string' || CONNECTION_FAILURE.test(code) || /^E[A-Z]+$/.test(code);
}

export type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

export class Database {
  private client: Promise<pg.Client> | undefined;

  constructor(
    readonly location: PostgresLocation,
    private readonly options: DatabaseOptions,
  ) {}

  get label(): string {
    return this.location.label;
  }

  private connect(): Promise<pg.Client> {
    if (!this.client) {
      const t = this.options.timeoutMs;
      const client = new pg.Client({
        connectionString: this.location.connectionString,
        application_name: 'semsearch',
        ...(this.options.password ? { password: this.options.password } : {}),
        ...(t > 0 ? { statement_timeout: t, query_timeout: t + 1000, connectionTimeoutMillis: t } : {}),
      });
      const connecting = client.connect().then(() => client);
      this.client = connecting;
      // A dropped connection is replaced at the next query, not reused.
      client.on('error', () => this.forget(connecting));
      connecting.catch(() => this.forget(connecting));
    }
    return this.client;
  }

  private forget(client: Promise<pg.Client>): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.then((c) => c.end()).catch(() => {});
  }

  /**
   * Runs one statement. A read that meets a dead connection (a socket that went stale while the
   * container was frozen) is tried once more on a new one.
   */
  query: Query = (text, values) => this.run(text, values, /^\s*select/i.test(text));

  /** The last statement sent: the next waits for it (one connection runs one statement at a time). */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Statements asked for together (a search's postings while another part of it reads chunks) go
   * out one after the other, in the order asked: node-postgres queues them itself but deprecates
   * being asked to.
   */
  private run<R extends pg.QueryResultRow>(text: string, values: unknown[] | undefined, retry: boolean): Promise<pg.QueryResult<R>> {
    const next = this.tail.then(() => this.send<R>(text, values, retry));
    this.tail = next.catch(() => {});
    return next;
  }

  private async send<R extends pg.QueryResultRow>(text: string, values: unknown[] | undefined, retry: boolean): Promise<pg.QueryResult<R>> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.Client;
      const connecting = this.connect();
      try {
        client = await connecting;
      } catch (err) {
        throw new DatabaseUnavailableError(this.label, 'cannot be reached', err);
      }
      try {
        return await client.query<R>(text, values);
      } catch (err) {
        const timedOut = (err as { code?: string }).code === '57014' || /timeout/i.test((err as Error).message);
        if (!timedOut && !connectionFailed(err)) throw err;
        this.forget(connecting);
        if (timedOut) throw new DatabaseUnavailableError(this.label, `did not answer within ${this.options.timeoutMs} ms`, err);
        if (attempt >= 2 || !retry) throw new DatabaseUnavailableError(this.label, 'dropped the connection', err);
      }
    }
  }

  /** Runs `work` in one transaction on this connection; rolled back if it throws. */
  async transaction<T>(work: (query: Query) => Promise<T>): Promise<T> {
    // No retries inside: a statement on a new connection would run outside the transaction.
    const query: Query = (text, values) => this.run(text, values, false);
    await query('BEGIN');
    try {
      const result = await work(query);
      await query('COMMIT');
      return result;
    } catch (err) {
      await query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /**
   * Statements sent together in one simple-protocol message inside BEGIN ... COMMIT: one round trip
   * for what would otherwise take one per statement (SET LOCAL, then the query it tunes). The
   * protocol carries no parameters, so the statements must hold only literals the caller made
   * from numbers. Returns the result of the last statement that returned rows.
   */
  async script<R extends pg.QueryResultRow>(statements: readonly string[]): Promise<pg.QueryResult<R>> {
    const text = ['BEGIN', ...statements, 'COMMIT'].join(';\n');
    try {
      const results = (await this.run(text, undefined, false)) as unknown as pg.QueryResult<R> | pg.QueryResult<R>[];
      const list = Array.isArray(results) ? results : [results];
      return list.filter((r) => r.command === 'SELECT').at(-1) ?? list.at(-1)!;
    } catch (err) {
      // A statement that failed left the session in an aborted transaction: end it.
      await this.run('ROLLBACK', undefined, false).catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => {});
  }
}
