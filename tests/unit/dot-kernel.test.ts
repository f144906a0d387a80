/** The WebAssembly sum a graph walk compares rows with, against the plain JavaScript it replaced. */
import fs from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { assembleKernel, KERNEL_MODULE, kernelModuleSource } from '../../scripts/lib/assemble-kernel.js';
import { DotKernel } from '../../src/vector/dot-kernel.js';
import { ByteVectors } from '../../src/index/byte-vectors.js';
import { VectorStore } from '../../src/vector/vector-store.js';
import { mulberry32 } from '../../src/search/random.js';

/** The loop the walk ran before the kernel: four running sums by component mod 4, added left to right. */
function fourWaySum(row: Int8Array, q: Float64Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  for (let j = 0; j < row.length; j += 4) {
    a += row[j]! * q[j]!;
    b += row[j + 1]! * q[j + 1]!;
    c += row[j + 2]! * q[j + 2]!;
    e += row[j + 3]! * q[j + 3]!;
  }
  return a + b + c + e;
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

it('sums every row bit for bit as the JavaScript loops do', () => {
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
          expect(Object.is(kernel.sum(row.byteOffset), fourWaySum(row, q))).toBe(true);
          expect(Object.is(kernel.exact(row.byteOffset, scale), orderedSum(row, scale, q))).toBe(true);
        }
      },
    ),
    { numRuns: 200 },
  );
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
