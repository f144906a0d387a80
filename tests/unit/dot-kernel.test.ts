/** The WebAssembly sums a graph walk and a search's results compare rows with, against plain JavaScript. */
import fs from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { assembleKernel, KERNEL_MODULE, kernelModuleSource } from '../../scripts/lib/assemble-kernel.js';
import { DotKernel } from '../../src/vector/dot-kernel.js';
import { ByteVectors } from '../../src/index/byte-vectors.js';
import { VectorStore } from '../../src/vector/vector-store.js';
import { mulberry32 } from '../../src/search/random.js';

/** Σ row[j] × q[j] in float64, in dimension order: what the walk's quick sum stands for. */
function plainSum(row: Int8Array, q: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += row[j]! * q[j]!;
  return sum;
}

/** How far the kernel's sum may be from plainSum: half a unit (max|q| / (2 base²)) per component, and float64 rounding. */
function sumTolerance(row: Int8Array, q: Float64Array): number {
  const d = q.length;
  const base = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * d)));
  let max = 0;
  let size = 0;
  for (let j = 0; j < d; j++) {
    max = Math.max(max, Math.abs(q[j]!));
    size += Math.abs(row[j]! * q[j]!);
  }
  let weight = 0;
  for (let j = 0; j < d; j++) weight += Math.abs(row[j]!);
  return (weight * max) / (2 * base * base) + size * 1e-12;
}

/** ByteVectors.dot's loop: each integer × scale rounded to float32, times the question's component, summed in order. */
function orderedSum(row: Int8Array, scale: number, q: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += Math.fround(row[j]! * scale) * q[j]!;
  return sum;
}

it('is the module assembled from dot-kernel.wat', async () => {
  expect(fs.readFileSync(KERNEL_MODULE, 'utf8')).toBe(kernelModuleSource(await assembleKernel()));
});

it('sums every row to within its tolerance of float64, and exactly as ByteVectors.dot does', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 48 }).map((blocks) => blocks * 16),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom(1, 1e-3, 1e6),
      (d, count, seed, magnitude) => {
        const random = mulberry32(seed);
        const kernel = new DotKernel(d, count * d + 3);
        // Rows at an odd offset: the kernel reads them unaligned, as they lie in an index file.
        const rows = new Int8Array(kernel.data.buffer, kernel.data.byteOffset + 3, count * d);
        for (let i = 0; i < rows.length; i++) rows[i] = Math.floor(random() * 255) - 127;
        const q = Float64Array.from({ length: d }, () => (random() * 2 - 1) * magnitude);
        kernel.ask(q);
        expect(kernel.holds(rows)).toBe(true);
        const scale = Math.fround(random() / 64);
        for (let r = 0; r < count; r++) {
          const row = rows.subarray(r * d, (r + 1) * d);
          expect(Math.abs(kernel.sum(row.byteOffset) - plainSum(row, q))).toBeLessThanOrEqual(sumTolerance(row, q));
          expect(Object.is(kernel.exact(row.byteOffset, scale), orderedSum(row, scale, q))).toBe(true);
        }
      },
    ),
    { numRuns: 200 },
  );
});

it('sums a batch of rows to the same bits as one at a time, rows repeated and batches longer than the kernel takes', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(16, 48, 100, 512),
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.nat(), { maxLength: 300 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (d, count, picks, seed) => {
        const random = mulberry32(seed);
        const rows = Array.from({ length: count }, () => Array.from({ length: d }, () => random() * 2 - 1));
        const vectors = ByteVectors.read(ByteVectors.fromVectors(VectorStore.unitRows(rows, d)).encode(), count, d);
        vectors.prepare(Float64Array.from({ length: d }, () => random() * 2 - 1));
        const ids = Uint32Array.from(picks, (p) => p % count);
        const out = new Float64Array(ids.length + 1).fill(7);
        vectors.quickEach(ids, ids.length, out);
        for (const [k, id] of ids.entries()) expect(Object.is(out[k], vectors.quick(id))).toBe(true);
        expect(out[ids.length]).toBe(7); // nothing written past the count
      },
    ),
    { numRuns: 100 },
  );
});

it('cannot overflow 32 bits: rows and question at their extremes, up to 4,096 components', () => {
  for (const d of [16, 512, 528, 768, 1024, 1536, 4096]) {
    const kernel = new DotKernel(d, 2 * d);
    const high = new Int8Array(kernel.data.buffer, kernel.data.byteOffset, d).fill(127);
    const low = new Int8Array(kernel.data.buffer, kernel.data.byteOffset + d, d).fill(-127);
    for (const q of [
      new Float64Array(d).fill(1),
      new Float64Array(d).fill(-0.25),
      Float64Array.from({ length: d }, (_, j) => (j % 2 ? 1 : -1)),
    ]) {
      kernel.ask(q);
      for (const row of [high, low])
        expect(Math.abs(kernel.sum(row.byteOffset) - plainSum(row, q))).toBeLessThanOrEqual(sumTolerance(row, q));
    }
  }
});

it('sums to zero against a zero question', () => {
  const kernel = new DotKernel(32, 32);
  kernel.data.fill(100);
  kernel.ask(new Float64Array(32));
  expect(kernel.sum(kernel.data.byteOffset)).toBe(0);
});

it('serves rows read into its memory where they lie, and copies others in once', () => {
  const d = 32;
  const random = mulberry32(5);
  const rows = Array.from({ length: 5 }, () => Array.from({ length: d }, () => random() * 2 - 1));
  const file = ByteVectors.fromVectors(VectorStore.unitRows(rows, d)).encode();
  const kernel = new DotKernel(d, file.length);
  kernel.data.set(file);
  const inPlace = ByteVectors.read(kernel.data, rows.length, d, kernel);
  const elsewhere = ByteVectors.read(file, rows.length, d);
  const q = Float64Array.from({ length: d }, () => random() * 2 - 1);
  inPlace.prepare(q);
  elsewhere.prepare(q);
  expect(kernel.holds(inPlace.values)).toBe(true);
  expect(elsewhere.values.buffer).not.toBe(file.buffer);
  for (let r = 0; r < rows.length; r++) {
    expect(inPlace.quick(r)).toBe(elsewhere.quick(r));
    expect(inPlace.exact(r)).toBe(inPlace.dot(r, q));
    expect(Math.abs(inPlace.quick(r) - inPlace.dot(r, q))).toBeLessThan(1e-6);
  }
});

it('fits only whole blocks of 16 components within 32-bit memory', () => {
  expect(DotKernel.fits(512, 1e6)).toBe(true);
  expect(DotKernel.fits(100, 1e6)).toBe(false);
  expect(DotKernel.fits(0, 0)).toBe(false);
  expect(DotKernel.fits(512, 2 ** 32)).toBe(false);
  expect(() => new DotKernel(8, 10)).toThrow(RangeError);
});
