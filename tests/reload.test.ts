/**
 * The local server serves a rebuilt index without a restart: a build swaps the manifest in last,
 * the service notices the new manifest, loads the new index beside the old one, and swaps it in;
 * requests meanwhile are answered by the old one. An index built after start-up is picked up too.
 */
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { sharedEmbedder, tempDir, writeTidesCorpus } from './helpers/article-index.js';
import { buildIndex } from '../src/index/build-index.js';
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

it('serves a rebuilt index, and one built after start-up, without a restart', async () => {
  const embedder = await sharedEmbedder();
  const index = path.join(tempDir('reload'), 'index');
  const service = createService({
    config: { indexDir: index, corsOrigins: ['*'] },
    logger: createLogger({ level: 'silent' }),
    loadEmbedder: async () => embedder,
    watchIndexesMs: 0,
  });
  await service.ready;
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
