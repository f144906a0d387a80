/**
 * Vectors kept at half precision (IEEE 754 binary16), row per chunk: half the bytes of float32,
 * on disk and in memory. For unit vectors of hundreds of dimensions the rounding (a relative
 * 2^-11 per component at most) moves a cosine by about 1e-5, well below the gaps that order
 * passages; docs/evaluation.md has the measured effect on both dev sets.
 *
 * Similarities are float64 sums of the stored halves (widened exactly to float32 values) times
 * the question's components, in dimension order: any backend that stores those same values gets
 * the same scores.
 */
import { VectorStore } from './vectors.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds a float32 value to the nearest binary16 (ties to even); overflow becomes infinity. */
export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // infinity or NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Rounding up may carry into the exponent, which is still the right binary16 value.
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** Every binary16 value widened to float32, indexed by its bits: decoding is one lookup. */
const WIDEN = (() => {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = sign * mant * 2 ** -24;
    else if (exp === 0x1f) table[h] = mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else table[h] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return table;
})();

export class HalfVectors {
  constructor(
    readonly data: Uint16Array,
    readonly dimension: number,
  ) {
    if (data.length % dimension !== 0) throw new Error(`vector data length ${data.length} is not a multiple of ${dimension}`);
  }

  static fromVectors(vectors: VectorStore): HalfVectors {
    const data = new Uint16Array(vectors.data.length);
    for (let i = 0; i < data.length; i++) data[i] = toHalf(vectors.data[i]!);
    return new HalfVectors(data, vectors.dimension);
  }

  get count(): number {
    return this.data.length / this.dimension;
  }

  /** Why these vectors cannot be served (a NaN or an infinity), or undefined. */
  problem(): string | undefined {
    const { data } = this;
    // Two halves at a time where the view allows (a maximal exponent marks NaN and infinity).
    const pairs = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 1) : new Uint32Array(0);
    let bad = -1;
    for (let k = 0; k < pairs.length; k++) {
      const x = pairs[k]!;
      if ((x & 0x7c00) === 0x7c00 || (x & 0x7c000000) === 0x7c000000) {
        bad = 2 * k;
        break;
      }
    }
    for (let i = bad >= 0 ? bad : 2 * pairs.length; i < data.length; i++)
      if ((data[i]! & 0x7c00) === 0x7c00)
        return `vector ${Math.floor(i / this.dimension)} component ${i % this.dimension} is ${WIDEN[data[i]!]}`;
    return undefined;
  }

  /** Inner product of row i with q (cosine similarity when both are unit length). */
  dot(i: number, q: ArrayLike<number>): number {
    const d = this.dimension;
    const row = this.data;
    const off = i * d;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += WIDEN[row[off + j]!]! * q[j]!;
    return sum;
  }

  /**
   * The same inner product summed in four interleaved parts: about twice as fast (the additions
   * no longer wait on each other), different from `dot` only in the last bits. For walking the
   * graph; results are rescored with `dot`. Needs a dimension divisible by 4.
   */
  quickDot(i: number, q: Float64Array): number {
    const d = this.dimension;
    const row = this.data;
    const off = i * d;
    let a = 0;
    let b = 0;
    let c = 0;
    let e = 0;
    for (let j = 0; j < d; j += 4) {
      a += WIDEN[row[off + j]!]! * q[j]!;
      b += WIDEN[row[off + j + 1]!]! * q[j + 1]!;
      c += WIDEN[row[off + j + 2]!]! * q[j + 2]!;
      e += WIDEN[row[off + j + 3]!]! * q[j + 3]!;
    }
    return a + b + c + e;
  }

  /** The stored values as float32 (exactly: every binary16 value is a float32 value). */
  toFloat32(): VectorStore {
    const out = new Float32Array(this.data.length);
    for (let i = 0; i < out.length; i++) out[i] = WIDEN[this.data[i]!]!;
    return new VectorStore(out, this.dimension);
  }
}
