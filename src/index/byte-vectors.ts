/**
 * Vectors kept at 8 bits per component: each row is stored as integers in [-127, 127] (its
 * largest component at ±127) and one float32 scale, 1 / (the integers' Euclidean norm), so that
 * the values a row stands for, integer × scale, form a unit vector. A quarter of float32's bytes,
 * on disk and in memory; measured on both dev sets with no loss of ranking quality
 * (docs/evaluation.md).
 *
 * Quantising the values a row stands for gives back the same integers and scale: a rebuild that
 * reuses stored vectors writes the same files.
 */
import { Sections, writeSections } from './sections.js';
import { DotKernel, SUM_BATCH } from '../vector/dot-kernel.js';
import { VectorStore } from '../vector/vector-store.js';

const MAGIC = 'SSVECS81';
const LEVELS = 127;

export class ByteVectors {
  /** Where `quick` sums rows: undefined until the first question, null when the rows fit no kernel. */
  private kernel: DotKernel | null | undefined;
  /** The question `quick` compares rows with. */
  private question: ArrayLike<number> = [];

  private constructor(
    private rows: Int8Array,
    readonly scales: Float32Array,
    readonly dimension: number,
    kernel?: DotKernel,
  ) {
    this.kernel = kernel?.holds(rows) ? kernel : undefined;
  }

  /** The integers, row after row. */
  get values(): Int8Array {
    return this.rows;
  }

  static fromVectors(vectors: VectorStore): ByteVectors {
    const { dimension: d, count } = vectors;
    const values = new Int8Array(count * d);
    const scales = new Float32Array(count);
    for (let r = 0; r < count; r++) {
      const row = vectors.data.subarray(r * d, (r + 1) * d);
      let max = 0;
      for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(row[j]!));
      if (max === 0) continue; // a zero vector stays zero (scale 0)
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const q = Math.round((row[j]! * LEVELS) / max);
        values[r * d + j] = q;
        sum += q * q;
      }
      scales[r] = 1 / Math.sqrt(sum);
    }
    // No kernel yet: a build only encodes these; one that asks a question gets a copy then.
    return new ByteVectors(values, scales, d);
  }

  encode(): Buffer {
    return writeSections(MAGIC, { dimension: this.dimension }, [
      ['scales', this.scales],
      ['values', this.values],
    ]);
  }

  /**
   * Reads `count` vectors of `dimension`; throws an Error that says what does not fit. A file
   * read into `kernel`'s data is served where it lies.
   */
  static read(file: Buffer, count: number, dimension: number, kernel?: DotKernel): ByteVectors {
    const s = Sections.read<{ dimension: number }>(file, MAGIC);
    if (s.meta?.dimension !== dimension) throw new Error(`it holds vectors of dimension ${s.meta?.dimension}, not ${dimension}`);
    return new ByteVectors(s.get('values', 'i8', count * dimension), s.get('scales', 'f32', count), dimension, kernel);
  }

  get count(): number {
    return this.scales.length;
  }

  /** Why these vectors cannot be served (a scale that is NaN, infinite or negative), or undefined. */
  problem(): string | undefined {
    for (let r = 0; r < this.scales.length; r++)
      if (!(this.scales[r]! >= 0 && this.scales[r]! < Infinity)) return `vector ${r} has scale ${this.scales[r]}`;
    return undefined;
  }

  /**
   * Inner product of row i with q (cosine similarity when q is unit length): the float32 value
   * of each integer × scale times q's component, summed in float64 in dimension order. A
   * database holding those float32 values computes the same number.
   */
  dot(i: number, q: ArrayLike<number>): number {
    const d = this.dimension;
    const off = i * d;
    const s = this.scales[i]!;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += Math.fround(this.rows[off + j]! * s) * q[j]!;
    return sum;
  }

  /** Makes `quick` compare rows with `question` until the next call. */
  prepare(question: Float64Array): void {
    this.question = question;
    if (this.kernel === undefined) this.kernel = this.ownKernel();
    this.kernel?.ask(question);
  }

  /**
   * Nearly `dot(i, question)` for the prepared question, much faster: the integers times the
   * question held to 30 bits (DotKernel.sum), times the scale once; it differs from `dot`, which
   * rounds each component to float32, in the seventh decimal place or beyond. For walking a graph;
   * results are rescored with `dot`. Rows that fit no kernel (a dimension not a multiple of 16)
   * are given `dot`.
   */
  quick(i: number): number {
    const kernel = this.kernel;
    return kernel ? kernel.sum(this.rows.byteOffset + i * this.dimension) * this.scales[i]! : this.dot(i, this.question);
  }

  /** `quick` of each of the first `count` of `ids`, into `out`: the same numbers, the rows read from memory together. */
  quickEach(ids: ArrayLike<number>, count: number, out: Float64Array): void {
    const kernel = this.kernel;
    if (!kernel) {
      for (let k = 0; k < count; k++) out[k] = this.quick(ids[k]!);
      return;
    }
    const { dimension: d, scales } = this;
    const first = this.rows.byteOffset;
    const offsets = kernel.rowOffsets;
    for (let start = 0; start < count; start += SUM_BATCH) {
      const n = Math.min(SUM_BATCH, count - start);
      for (let k = 0; k < n; k++) offsets[k] = first + ids[start + k]! * d;
      const sums = kernel.sumRows(n);
      for (let k = 0; k < n; k++) out[start + k] = sums[k]! * scales[ids[start + k]!]!;
    }
  }

  /** `dot(i, question)` for the prepared question, computed in the kernel when the rows fit one. */
  exact(i: number): number {
    const kernel = this.kernel;
    return kernel ? kernel.exact(this.rows.byteOffset + i * this.dimension, this.scales[i]!) : this.dot(i, this.question);
  }

  /** A kernel holding a copy of the rows (made here, or read from a file not read into one), or null if none fits. */
  private ownKernel(): DotKernel | null {
    const { dimension: d, rows } = this;
    if (!DotKernel.fits(d, rows.length)) return null;
    const kernel = new DotKernel(d, rows.length);
    kernel.data.set(new Uint8Array(rows.buffer, rows.byteOffset, rows.length));
    this.rows = new Int8Array(kernel.data.buffer, kernel.data.byteOffset, rows.length);
    return kernel;
  }

  /** The values the rows stand for, as float32 (what reuse, publishing and benchmarks need). */
  toFloat32(): VectorStore {
    const d = this.dimension;
    const out = new Float32Array(this.rows.length);
    for (let i = 0; i < out.length; i++) out[i] = this.rows[i]! * this.scales[Math.floor(i / d)]!;
    return new VectorStore(out, d);
  }
}
