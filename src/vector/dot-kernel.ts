/**
 * Rows of 8-bit integers compared with a float64 question in WebAssembly SIMD (dot-kernel.wat),
 * bit for bit as the JavaScript loops they replaced did, several times faster
 * (docs/performance.md): the walk's quick sum, where a dense search spends its time, and the
 * exact similarity results are given.
 *
 * One kernel per set of rows. Its memory holds the question, then `data`: bytes the owner fills,
 * such as an index's vectors file read straight into it, so the rows are never copied again.
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
  sum(row: number, question: number, dimension: number): number;
  exact(row: number, question: number, dimension: number, scale: number): number;
}

export class DotKernel {
  /** Bytes for the owner to fill (a view of the kernel's memory). */
  readonly data: Buffer;
  private readonly memory: WebAssembly.Memory;
  private readonly question: Float64Array;
  private readonly exports: KernelExports;

  /** Whether rows of `dimension` (whole blocks of 16 components), `bytes` in all, fit a kernel. */
  static fits(dimension: number, bytes: number): boolean {
    return dimension > 0 && dimension % 16 === 0 && questionBytes(dimension) + bytes <= MAX_BYTES;
  }

  constructor(
    readonly dimension: number,
    bytes: number,
  ) {
    if (!DotKernel.fits(dimension, bytes)) throw new RangeError(`no kernel for ${bytes} bytes of rows of dimension ${dimension}`);
    const base = questionBytes(dimension);
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((base + bytes) / PAGE_BYTES)) });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.question = new Float64Array(this.memory.buffer, 0, dimension);
    this.data = Buffer.from(this.memory.buffer, base, bytes);
  }

  /** Whether `view` lies in this kernel's memory (so its rows can be summed here). */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }

  /** The question the rows are compared with until the next call. */
  ask(question: ArrayLike<number>): void {
    this.question.set(question);
  }

  /**
   * Σ row[j] × question[j] of the `dimension` integers at `row` (a byte offset in memory: the
   * byteOffset of a view `holds`), in four interleaved float64 sums.
   */
  sum(row: number): number {
    return this.exports.sum(row, 0, this.dimension);
  }

  /** Σ float32(row[j] × scale) × question[j], summed in dimension order: ByteVectors.dot. */
  exact(row: number, scale: number): number {
    return this.exports.exact(row, 0, this.dimension, scale);
  }
}

/** The question's place at the start of memory, rounded to whole 16-byte blocks. */
function questionBytes(dimension: number): number {
  return Math.ceil((dimension * 8) / 16) * 16;
}
