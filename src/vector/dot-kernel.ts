/**
 * Rows of 8-bit integers compared with a question in WebAssembly SIMD (dot-kernel.wat), several
 * times faster than JavaScript loops (docs/performance.md): the walk's quick sum, where a dense
 * search spends its time, in integers against the question held to 30 bits; and the exact
 * similarity results are given, bit for bit as ByteVectors.dot computes it.
 *
 * One kernel per set of rows. Its memory holds the question (float64, then its two 16-bit
 * parts), then room for a batch of row offsets and their sums, then `data`: bytes the owner
 * fills, such as an index's vectors file read straight into it, so the rows are never copied again.
 */
import { DOT_KERNEL_WASM } from './dot-kernel-wasm.js';

const PAGE_BYTES = 65536;
/** WebAssembly's 32-bit memory: 65,536 pages. */
const MAX_BYTES = 65536 * PAGE_BYTES;

let compiled: WebAssembly.Module | undefined;
const kernelModule = () => {
  compiled ??= new WebAssembly.Module(Buffer.from(DOT_KERNEL_WASM, 'base64'));
  return compiled;
};

interface KernelExports {
  sum(row: number, parts: number, dimension: number, base: number): number;
  sums(rows: number, count: number, parts: number, dimension: number, base: number, out: number): void;
  exact(row: number, question: number, dimension: number, scale: number): number;
}

export class DotKernel {
  /** Bytes for the owner to fill (a view of the kernel's memory). */
  readonly data: Buffer;
  private readonly memory: WebAssembly.Memory;
  private readonly question: Float64Array;
  /** The question as high × base + low, in units of `unit`: high parts, then low parts. */
  private readonly parts: Int16Array;
  /**
   * What a high part counts for in low units: as large as 16 bits allow, and small enough that
   * Σ int8 × high over a row cannot leave 32 bits (127 × base × dimension < 2^31).
   */
  private readonly base: number;
  private unit = 0;
  private readonly exports: KernelExports;
  /** Where `sumRows` reads its rows' byte offsets (SUM_BATCH of them) and writes their sums. */
  readonly rowOffsets: Int32Array;
  private readonly rowSums: Float64Array;

  /** Whether rows of `dimension` (whole blocks of 16 components), `bytes` in all, fit a kernel. */
  static fits(dimension: number, bytes: number): boolean {
    return dimension > 0 && dimension % 16 === 0 && questionBytes(dimension) + SCRATCH_BYTES + bytes <= MAX_BYTES;
  }

  constructor(
    readonly dimension: number,
    bytes: number,
  ) {
    if (!DotKernel.fits(dimension, bytes)) throw new RangeError(`no kernel for ${bytes} bytes of rows of dimension ${dimension}`);
    const base = questionBytes(dimension) + SCRATCH_BYTES;
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((base + bytes) / PAGE_BYTES)) });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.question = new Float64Array(this.memory.buffer, 0, dimension);
    this.parts = new Int16Array(this.memory.buffer, dimension * 8, dimension * 2);
    this.base = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * dimension)));
    const scratch = questionBytes(dimension);
    this.rowOffsets = new Int32Array(this.memory.buffer, scratch, SUM_BATCH);
    this.rowSums = new Float64Array(this.memory.buffer, scratch + SUM_BATCH * 4, SUM_BATCH);
    this.data = Buffer.from(this.memory.buffer, base, bytes);
  }

  /** Whether `view` lies in this kernel's memory (so its rows can be summed here). */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }

  /** The question the rows are compared with until the next call. */
  ask(question: ArrayLike<number>): void {
    this.question.set(question);
    const { dimension: d, base, parts } = this;
    let max = 0;
    for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(question[j]!));
    // Each component to within half a unit, a unit being max / base²: |high| <= base, |low| <= base / 2.
    this.unit = max / (base * base);
    for (let j = 0; j < d; j++) {
      const whole = Math.round(question[j]! / this.unit);
      const high = Math.round(whole / base);
      parts[j] = high;
      parts[d + j] = whole - high * base;
    }
  }

  /**
   * Σ row[j] × question[j] of the `dimension` integers at `row` (a byte offset in memory: the
   * byteOffset of a view `holds`), each question component taken to within max|question| / (2 ×
   * base²), about 5e-10 of the largest for 512 components: summed exactly in integers, scaled once.
   */
  sum(row: number): number {
    return this.exports.sum(row, this.parts.byteOffset, this.dimension, this.base) * this.unit;
  }

  /**
   * `sum` of each of the first `count` (at most SUM_BATCH) rows whose byte offsets are in
   * `rowOffsets`, the same numbers bit for bit. Faster than one call a row where rows are not in
   * cache: the kernel first reads a byte of each 64 of every row, so that their loads from memory
   * overlap, then sums them. The sums are valid until the next call.
   */
  sumRows(count: number): Float64Array {
    const { exports, rowOffsets, rowSums, unit } = this;
    exports.sums(rowOffsets.byteOffset, count, this.parts.byteOffset, this.dimension, this.base, rowSums.byteOffset);
    for (let k = 0; k < count; k++) rowSums[k] = rowSums[k]! * unit;
    return rowSums;
  }

  /** Σ float32(row[j] × scale) × question[j], summed in dimension order: ByteVectors.dot. */
  exact(row: number, scale: number): number {
    return this.exports.exact(row, 0, this.dimension, scale);
  }
}

/** Rows `sumRows` takes at a time: more than a graph node's neighbours. */
export const SUM_BATCH = 128;
/** Row offsets, then their sums and one byte the kernel keeps of what it read, in whole 16-byte blocks. */
const SCRATCH_BYTES = Math.ceil((SUM_BATCH * 4 + SUM_BATCH * 8 + 1) / 16) * 16;

/** The question's place at the start of memory (float64, then two 16-bit parts), rounded to whole 16-byte blocks. */
function questionBytes(dimension: number): number {
  return Math.ceil((dimension * 12) / 16) * 16;
}
