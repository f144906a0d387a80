/**
 * The local server serves a rebuilt index without a restart: a build swaps the manifest in last,
 * the service notices the new manifest, loads the new index beside the old one, and swaps it in;
 * requests meanwhile are answered by the old one. An index built after start-up is picked up too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { buildIndex } from '../src/build/build-index.js';
import { createService } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import { DEFAULT_CORPUS_DIR } from '../src/paths.js';

/** The probe's value once `done` holds for it (vitest's waitFor, polling). */
async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      expect(done(value)).toBe(true);
      return value;
    },
    { timeout: 5000, interval: 25 },
  );
}

/** The service as the local server runs it, checking its index folder at every request. */
async function watchingService(index: string) {
  const embedder = await sharedEmbedder();
  const service = createService({
    config: { indexDir: index, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
    watchIndexesMs: 0,
  });
  await service.ready;
  return service;
}

it('serves a rebuilt index, and one built after start-up, without a restart', async () => {
  const embedder = await sharedEmbedder();
  const index = path.join(tempDir('reload'), 'index');
  const service = await watchingService(index);
  const health = async () =>
    (await service.app.request('/health')).json() as Promise<{
      status: string;
      collections: Record<string, { documents: number; chunks: number }>;
    }>;
  expect((await health()).status).toBe('unavailable'); // nothing built yet

  await buildIndex({ corpus: DEFAULT_CORPUS_DIR, out: index, embedder });
  const first = await until(health, (h) => h.status === 'ok');
  expect(first.collections.default!.chunks).toBeGreaterThan(10);

  await buildIndex({ corpus: writeTidesCorpus(), out: index, embedder });
  const second = await until(health, (h) => h.collections.default?.chunks === 1);
  expect(second.collections.default!.documents).toBe(1);
  const answer = (await (await service.app.request('/search?q=When+do+spring+tides+happen&top_k=1')).json()) as {
    results: { text: string }[];
  };
  expect(answer.results[0]!.text).toContain('Spring tides');
});

it('a huge manifest planted in a watched folder is never read every check: the index keeps being served', async () => {
  const embedder = await sharedEmbedder();
  const index = path.join(tempDir('reload-huge'), 'index');
  await buildIndex({ corpus: writeTidesCorpus(), out: index, embedder });
  const service = await watchingService(index);
  const ask = () => service.app.request('/search?q=When+do+spring+tides+happen&top_k=1');
  expect((await ask()).status).toBe(200);
  // 300 MB, sparse: costs no disk, but reading and hashing it at each check cost 5-11 s a request.
  const manifest = path.join(index, 'manifest.json');
  fs.renameSync(manifest, `${manifest}.real`);
  fs.writeFileSync(manifest, '{');
  fs.truncateSync(manifest, 300 * 1024 * 1024);
  const rss = process.memoryUsage().rss;
  for (let i = 0; i < 20; i++) {
    const res = await ask();
    expect(res.status).toBe(200); // the index loaded before keeps answering
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024); // never read whole
  const health = (await (await service.app.request('/health')).json()) as { status: string };
  expect(health.status).toBe('ok');
});
