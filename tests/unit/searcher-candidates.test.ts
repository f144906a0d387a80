/**
 * The hybrid candidate pool (Searcher.candidates, seen through scoreChunks): the best of each
 * side, each candidate carrying both of its exact scores, the same answer however often and in
 * whatever order questions come (its scratch arrays are shared and must be left clean).
 */
import { beforeAll, expect, it } from 'vitest';
import { sharedEmbedder, tempDir } from '../helpers/article-index.js';
import { writePassagesIndex } from '../helpers/passages-index.js';
import { openSearcher } from '../../src/search/open-searcher.js';
import { DEFAULT_RANKING } from '../../src/search/defaults.js';
import type { Searcher } from '../../src/search/searcher.js';
import type { SearchQuery } from '../../src/search/query.js';

const POOL = 3;
let searcher: Searcher;

beforeAll(async () => {
  const embedder = await sharedEmbedder();
  const dir = tempDir('candidates');
  await writePassagesIndex(dir, embedder, [
    {
      id: 'garden.txt',
      title: 'Watering a vegetable garden',
      passages: [
        'Drip emitters clog with mineral deposits; check each emitter every two weeks in summer.',
        'Water early in the morning so the leaves dry before the midday sun.',
        'Mulch keeps the soil moist and cuts watering by about a third.',
        'Tomatoes need deep watering twice a week rather than a little every day.',
      ],
    },
    {
      id: 'tides.txt',
      title: 'Tides',
      passages: [
        'Spring tides happen when the sun and the moon line up, twice a month.',
        'Neap tides come when the sun and the moon pull at right angles.',
        'The harbour wall was rebuilt in 1987 after a storm surge broke it.',
      ],
    },
    {
      id: 'bread.txt',
      title: 'Baking sourdough bread',
      passages: [
        'A banneton supports the dough while it proves and gives the loaf its spiral pattern.',
        'Feed the starter with equal weights of flour and water the night before baking.',
        'Bake with steam for the first twenty minutes so the crust can expand.',
      ],
    },
  ]);
  const opened = await openSearcher(dir, { embedder });
  searcher = opened.withRanking({ ...DEFAULT_RANKING, candidates: POOL });
});

const question = (query: string, extra: Partial<SearchQuery> = {}): SearchQuery => ({ query, topK: 50, mode: 'hybrid', ...extra });

async function pool(q: SearchQuery) {
  const vector = await searcher.embedQuestion(q.query);
  return { vector, hybrid: await searcher.scoreChunks(q, vector), lexical: await searcher.scoreChunks({ ...q, mode: 'lexical' }, vector) };
}

it.each(['morning sun on the leaves, steam on the crust', 'water the tomatoes, the starter and the dough', 'sun moon tides storm wall'])(
  'holds the best of each side, each once, with its exact similarity and its lexical score: %s',
  async (query) => {
    const { vector, hybrid, lexical } = await pool(question(query));
    const all = Array.from({ length: searcher.index.docOf.length }, (_, i) => i);
    const similarity = await searcher.index.similarities(all, vector);
    const denseBest = [...all].sort((a, b) => similarity[b]! - similarity[a]! || a - b).slice(0, POOL);
    const lexicalBest = lexical.slice(0, POOL).map((s) => s.id);

    const ids = hybrid.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set([...denseBest, ...lexicalBest]));
    expect(lexicalBest.length).toBeGreaterThan(0);

    const matched = new Map(lexical.map((s) => [s.id, s.lexical!]));
    const unmatchedByDocument = new Map<number, Set<number>>();
    for (const c of hybrid) {
      expect(c.dense).toBe(similarity[c.id]);
      const doc = searcher.index.docOf[c.id]!;
      if (matched.has(c.id)) expect(c.lexical).toBe(matched.get(c.id));
      else {
        // Without a match of its own a chunk has only its document's share: the same for every such chunk of a document, none where the document has no match.
        const documentMatched = lexical.some((s) => searcher.index.docOf[s.id] === doc);
        if (!documentMatched) expect(c.lexical).toBe(0);
        unmatchedByDocument.set(doc, (unmatchedByDocument.get(doc) ?? new Set()).add(c.lexical!));
      }
    }
    for (const scores of unmatchedByDocument.values()) expect(scores.size).toBe(1);
    // Each side brings in at least one the other does not have: the pool is a real union.
    expect(lexicalBest.some((id) => !denseBest.includes(id))).toBe(true);
    expect(denseBest.some((id) => !lexicalBest.includes(id))).toBe(true);
  },
);

it('ranks the answering passage first', async () => {
  const { hybrid } = await pool(question('How often should the drip emitters be checked?'));
  expect(searcher.documentOf(hybrid[0]!.id).id).toBe('garden.txt');
  expect(hybrid[0]!.id).toBe(0);
});

it('gives the same pool however questions follow one another', async () => {
  const first = question('When was the harbour wall rebuilt?');
  const other = question('spring tides sun moon bread dough water');
  const before = (await pool(first)).hybrid;
  await pool(other);
  await Promise.all([pool(other), pool(first), pool(question('starter flour water'))]);
  expect((await pool(first)).hybrid).toEqual(before);
});

it('takes candidates only from what a filter allows', async () => {
  const { hybrid } = await pool(question('watering and tides', { filter: new Map([['doc_id', 'tides.txt']]) }));
  expect(hybrid.length).toBeGreaterThan(0);
  for (const c of hybrid) expect(searcher.documentOf(c.id).id).toBe('tides.txt');
});
