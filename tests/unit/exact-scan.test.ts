/** The exact scan that a walk's recall is measured against (the scale run's recall@10). */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ByteVectors } from '../../src/index/byte-vectors.js';
import { mulberry32 } from '../../src/search/random.js';
import { exactNearest } from '../../src/vector/exact-scan.js';
import { VectorStore } from '../../src/vector/vector-store.js';

function randomRows(count: number, dimension: number, random: () => number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: dimension }, () => random() * 2 - 1));
}

it('returns the k rows with the largest exact similarity, best first, ties to the lower row', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 80 }),
      fc.integer({ min: 1, max: 15 }),
      fc.constantFrom(8, 30, 32),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.boolean(),
      (count, k, dimension, seed, duplicates) => {
        const random = mulberry32(seed);
        const rows = randomRows(count, dimension, random);
        // Repeated rows make exact ties, which must fall to the lower row.
        if (duplicates) for (let i = 1; i < count; i += 3) rows[i] = rows[i - 1]!;
        const vectors = ByteVectors.fromVectors(VectorStore.unitRows(rows, dimension));
        const q = Float64Array.from(randomRows(1, dimension, random)[0]!);
        const expected = rows
          .map((_, i) => ({ i, s: vectors.dot(i, q) }))
          .sort((a, b) => b.s - a.s || a.i - b.i)
          .slice(0, k)
          .map((e) => e.i);
        expect(exactNearest(vectors, q, k)).toEqual(expected);
      },
    ),
    { numRuns: 300 },
  );
});
