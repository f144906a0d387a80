/**
 * A database password is shown to nobody: with the password in INDEX_URI or --out in every
 * spelling (user:password@, ?password=, ?sslpassword=, and a password holding "/", which does not
 * parse), nothing the build prints, no response body (/health, a search, the 503 of a database that
 * is down) and no log line holds it. Real PostgreSQL with pgvector (PGlite) on loopback.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startPostgres, type RunningPostgres } from './helpers/postgres.js';
import { buildWithCli } from './helpers/build-cli.js';
import { sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';

const PASSWORD = 'Sek9r3tPw';

let pg: RunningPostgres;
let corpus: string;

beforeAll(async () => {
  pg = await startPostgres();
  corpus = writeTidesCorpus();
});

afterAll(async () => {
  await pg?.close();
});

/** The database's URI in each spelling of a password, and whether the driver can use it as given. */
function spellings(): { name: string; uri: string; parses: boolean }[] {
  const at = pg.uri.replace('postgres://postgres@', '');
  return [
    { name: 'user:password@', uri: `postgres://postgres:${PASSWORD}@${at}?collection=secret`, parses: true },
    { name: '?password=', uri: `postgres://postgres@${at}?password=${PASSWORD}&collection=secret`, parses: true },
    { name: '?sslpassword=', uri: `postgres://postgres@${at}?sslpassword=${PASSWORD}&collection=secret`, parses: true },
    { name: 'a password holding "/"', uri: `postgres://postgres:a/${PASSWORD}@${at}?collection=secret`, parses: false },
  ];
}

describe('a password in the database URI', () => {
  for (const spelling of ['user:password@', '?password=', '?sslpassword=', 'a password holding "/"']) {
    it(`${spelling}: never in build output, response bodies or logs`, async () => {
      const { uri, parses } = spellings().find((s) => s.name === spelling)!;
      const seen: string[] = [];
      const build = await buildWithCli(corpus, uri);
      seen.push(build.stdout, build.stderr);
      expect(build.code, build.stderr).toBe(parses ? 0 : 1);

      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const embedder = await sharedEmbedder();
      const start = () =>
        createService({
          config: { indexDir: path.join(tempDir('unused'), 'index'), indexUri: uri, corsOrigins: ['*'], databaseTimeoutMs: 2000 },
          logger: createLogger({ level: 'debug', destination: sink }),
          loadEmbedder: async () => embedder,
        });
      if (!parses) {
        const err = (() => {
          try {
            start();
            return undefined;
          } catch (e) {
            return e as Error;
          }
        })();
        expect(err?.message).toMatch(/is not a PostgreSQL URI.*percent-encoded/);
        seen.push(err!.message);
      } else {
        const service = start();
        await service.ready;
        const health = await service.app.request('/health');
        expect(health.status).toBe(200); // served from the database, so the URI was read and shown
        seen.push(await health.text());
        for (const route of ['/search?q=When+are+spring+tides%3F', '/collections'])
          seen.push(await (await service.app.request(route)).text());
        await pg.stop();
        try {
          for (const route of ['/health', '/search?q=When+are+spring+tides%3F']) {
            const res = await service.app.request(route);
            seen.push(await res.text());
          }
        } finally {
          await pg.restart();
        }
      }
      seen.push(...lines);
      const all = seen.join('\n');
      expect(all.length).toBeGreaterThan(0);
      expect(all).not.toContain(PASSWORD);
      if (parses) expect(all).toMatch(/\*\*\*/); // the place of the password is shown, its value is not
    });
  }
});
