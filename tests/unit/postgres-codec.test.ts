/**
 * How packed ints and pgvector's binary vectors are read back from what the driver hands over:
 * the same numbers as were written, wherever in memory the bytes sit.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { packInts, sentSimilarity, unpackInts } from '../../src/index/postgres/codec.js';

it('packed ints read back as written, from a buffer at any byte offset', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 300 }), fc.nat(7), (values, offset) => {
      const packed = packInts(values);
      // The driver's buffers may start anywhere in a shared slab: a view must not be misaligned.
      const slab = Buffer.alloc(packed.length + offset);
      packed.copy(slab, offset);
      const read = unpackInts(slab.subarray(offset));
      expect(Array.from(read)).toEqual(values);
    }),
  );
});

it("a vector in pgvector's binary form scores as the float64 sum of its products in order, and a wrong dimension is refused", () => {
  fc.assert(
    fc.property(
      fc.array(fc.float({ noNaN: true, noDefaultInfinity: true, min: -1, max: 1 }), { minLength: 1, maxLength: 64 }),
      (stored) => {
        const sent = Buffer.alloc(4 + 4 * stored.length);
        sent.writeInt16BE(stored.length, 0);
        stored.forEach((v, i) => {
          sent.writeFloatBE(v, 4 + 4 * i);
        });
        const question = stored.map((_, i) => (i % 3) - 1 + i / 100);
        let want = 0;
        stored.forEach((v, i) => {
          want += Math.fround(v) * question[i]!;
        });
        expect(sentSimilarity(sent, question)).toBe(want);
        expect(sentSimilarity(sent, [...question, 0])).toBeUndefined();
      },
    ),
  );
});
