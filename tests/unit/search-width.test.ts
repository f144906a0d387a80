/**
 * The build's choice of how wide the HNSW walk searches, on a real index written by the build's
 * own writer (random vectors: a space with no neighbourhoods, where a narrow walk misses), and the
 * exact scan it is measured against.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseSearchWidth, RECALL_TARGET, widerThan } from '../../src/build/search-width.js';
import { FileBackend } from '../../src/index/file-backend.js';
import { ByteVectors } from '../../src/index/byte-vectors.js';
import { mulberry32 } from '../../src/search/random.js';
import { VectorStore } from '../../src/vector/vector-store.js';
import { exactNearest } from '../../src/vector/exact-scan.js';
import { writeVectorsIndex } from '../helpers/passages-index.js';

const DIMENSION = 32;
const INFO = {
  id: 'random-vectors',
  dimension: DIMENSION,
  maxTokens: 128,
  pooling: 'mean' as const,
  normalize: true,
  queryPrefix: '',
  passagePrefix: '',
  variant: 'test',
};

function randomRows(count: number, random: () => number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: DIMENSION }, () => random() * 2 - 1));
}

describe('the search width a build chooses', () => {
  let dir: string;
  let index: FileBackend;
  const random = mulberry32(11);
  const questions = randomRows(60, random);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-width-'));
    const rows = randomRows(3000, random);
    const passages = rows.map((_, i) => `passage ${i}`);
    await writeVectorsIndex(dir, INFO, [{ id: 'random', title: 'Random', passages }], rows);
    index = await FileBackend.open(dir);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const recallAt = (ef: number) => {
    let found = 0;
    for (const q of questions) {
      const exact = new Set(index.exactNearest(q, 10));
      found += index.walkNearest(q, 10, ef).filter((id) => exact.has(id)).length;
    }
    return found / (10 * questions.length);
  };

  it('widens a walk that misses until it finds the exact ten, and no further', () => {
    const narrow = recallAt(10);
    expect(narrow).toBeLessThan(RECALL_TARGET);
    const width = chooseSearchWidth(index, questions, 10);
    expect(width.questions).toBe(questions.length);
    expect(width.ef).toBeGreaterThan(10);
    expect(width.recall).toBeGreaterThanOrEqual(RECALL_TARGET);
    expect(recallAt(width.ef)).toBe(width.recall);
    // The width tried before it fell short.
    let previous = 10;
    while (widerThan(previous) < width.ef) previous = widerThan(previous);
    expect(widerThan(previous)).toBe(width.ef);
    expect(recallAt(previous)).toBeLessThan(RECALL_TARGET);
  });

  it('keeps a width that already finds them, and the settings width with no question to ask', () => {
    expect(chooseSearchWidth(index, questions, 400)).toMatchObject({ ef: 400 });
    expect(chooseSearchWidth(index, [], 10)).toEqual({ ef: 10, recall: 1, questions: 0 });
  });

  it('serves the chosen width: the same files, searched that wide', async () => {
    const wide = index.withSearchWidth(400);
    expect(wide.manifest.hnsw.ef_search).toBe(400);
    expect(index.manifest.hnsw.ef_search).toBe(100);
    const q = questions[0]!;
    expect((await wide.nearest(q, 10)).ids).toEqual(index.walkNearest(q, 10, 400));
  });
});

describe('the exact scan', () => {
  it('returns the k rows with the largest exact similarity, ties to the lower row', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.boolean(),
        (count, k, seed, duplicates) => {
          const random = mulberry32(seed);
          const rows = randomRows(count, random);
          // Repeated rows make exact ties, which must fall to the lower row.
          if (duplicates) for (let i = 1; i < count; i += 3) rows[i] = rows[i - 1]!;
          const vectors = ByteVectors.fromVectors(VectorStore.unitRows(rows, DIMENSION));
          const q = Float64Array.from(randomRows(1, random)[0]!);
          const expected = rows
            .map((_, i) => ({ i, s: vectors.dot(i, q) }))
            .sort((a, b) => b.s - a.s || a.i - b.i)
            .slice(0, k)
            .map((e) => e.i);
          expect(exactNearest(vectors, q, k)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
