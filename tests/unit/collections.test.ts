/**
 * Collections over an index that changes where it is kept (a watched folder, as the local server
 * serves): the first load shared by concurrent requests, a newly published index taken up by a
 * check in the background while requests keep their answers, a check that fails leaving the
 * current index serving, and names a deployment does not serve refused with the names it does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { sharedEmbedder, tempDir } from '../helpers/article-index.js';
import { writePassagesIndex, type PassagesDocument } from '../helpers/passages-index.js';
import { Collections, UnknownCollectionError } from '../../src/search/collections.js';
import { watchedIndex } from '../../src/index/local-source.js';
import { MANIFEST_FILE } from '../../src/index/manifest.js';
import type { Embedder } from '../../src/embed/embedder.js';

const GARDEN: PassagesDocument[] = [
  { id: 'garden.txt', title: 'Garden', passages: ['Drip emitters clog with mineral deposits; check each one every two weeks in summer.'] },
];
const TIDES: PassagesDocument[] = [
  { id: 'tides.txt', title: 'Tides', passages: ['Spring tides happen when the sun and the moon line up, twice a month.'] },
  { id: 'harbour.txt', title: 'Harbour', passages: ['The harbour wall was rebuilt in 1987 after a storm surge broke it.'] },
];

let embedder: Embedder;
beforeAll(async () => {
  embedder = await sharedEmbedder();
});

type Event = { collection: string; change: string; detail: string };

/** A folder holding an index of `documents`, served as a watched collection checked at every request. */
async function servedFolder(documents: PassagesDocument[]) {
  const dir = tempDir('collections');
  await writePassagesIndex(dir, embedder, documents);
  const events: Event[] = [];
  const collections = new Collections({
    dirs: new Map(),
    remote: new Map([['default', { source: watchedIndex(dir), checkEveryMs: 0 }]]),
    loadEmbedder: async () => embedder,
    onRemoteEvent: (e) => events.push(e),
  });
  return { dir, events, collections };
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 30_000) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const firstDocument = async (collections: Collections, query: string) => {
  const outcome = await (await collections.get()).search({ query, topK: 1, mode: 'hybrid', minRelevance: 0 });
  return outcome.results[0]?.docId;
};

it('loads once for concurrent first requests', async () => {
  const { collections } = await servedFolder(GARDEN);
  const [a, b] = [collections.get(), collections.get()];
  expect(await a).toBe(await b);
});

it('takes up a newly published index in the background; the requests before it keep the one they had', async () => {
  const { dir, events, collections } = await servedFolder(GARDEN);
  const before = await collections.get();
  expect(await firstDocument(collections, 'When should drip emitters be checked?')).toBe('garden.txt');

  await writePassagesIndex(dir, embedder, TIDES);
  // The check this request starts runs behind it: the request is answered by the index it found.
  expect(await collections.get()).toBe(before);
  await until(() => events.length > 0);
  expect(events).toEqual([{ collection: 'default', uri: dir, change: 'replaced', detail: expect.stringContaining('now 2 chunks') }]);
  expect(await collections.get()).not.toBe(before);
  expect(await firstDocument(collections, 'When was the harbour wall rebuilt?')).toBe('harbour.txt');
  // The old searcher still answers what was already asked of it.
  expect((await before.search({ query: 'drip emitters', topK: 1, mode: 'hybrid', minRelevance: 0 })).results[0]?.docId).toBe('garden.txt');
});

it('keeps serving the current index when a check finds a broken one, and says why', async () => {
  const { dir, events, collections } = await servedFolder(TIDES);
  const current = await collections.get();

  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{ not json');
  fs.renameSync(broken, path.join(dir, MANIFEST_FILE));
  expect(await collections.get()).toBe(current);
  await until(() => events.length > 0);
  expect(events[0]).toMatchObject({ change: 'check_failed', detail: expect.stringContaining('not valid JSON') });
  expect(await collections.get()).toBe(current);
  expect(await firstDocument(collections, 'spring tides')).toBe('tides.txt');
});

it('refuses a collection it does not serve, naming those it does', async () => {
  const collections = new Collections({ dirs: new Map([['handbook', tempDir('handbook')]]), loadEmbedder: async () => embedder });
  const err = await collections.get('__proto__').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnknownCollectionError);
  expect((err as Error).message).toBe('unknown collection "__proto__"; this deployment serves: handbook');
});
