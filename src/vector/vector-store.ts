/** A packed float32 matrix (row per chunk): the build's embeddings, read back without copying. */

export class VectorStore {
  constructor(
    readonly data: Float32Array,
    readonly dimension: number,
  ) {
    if (data.length % dimension !== 0) throw new Error(`vector data length ${data.length} is not a multiple of ${dimension}`);
  }

  /**
   * Rows made unit length, unless they already are (to float32 precision): an embedder's
   * normalised output, or vectors read back from an index, are stored unchanged, so that reusing
   * them reproduces the same index bit for bit.
   */
  static unitRows(rows: number[][], dimension: number): VectorStore {
    return VectorStore.fromRows(
      rows.map((row) => {
        let sum = 0;
        for (const v of row) sum += v * v;
        const norm = Math.sqrt(sum);
        return Math.abs(norm - 1) < 1e-5 || norm === 0 ? row : row.map((v) => v / norm);
      }),
      dimension,
    );
  }

  static fromRows(rows: number[][], dimension: number): VectorStore {
    const data = new Float32Array(rows.length * dimension);
    rows.forEach((row, i) => {
      data.set(row, i * dimension);
    });
    return new VectorStore(data, dimension);
  }

  static fromBuffer(buffer: Buffer, dimension: number): VectorStore {
    // Copy only when the Buffer's offset is not 4-byte aligned (small Buffers share a pool).
    const aligned =
      buffer.byteOffset % 4 === 0 ? buffer : Buffer.from(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length));
    return new VectorStore(new Float32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4), dimension);
  }

  get count(): number {
    return this.data.length / this.dimension;
  }

  row(i: number): number[] {
    return Array.from(this.data.subarray(i * this.dimension, (i + 1) * this.dimension));
  }

  /** Inner product of row i with q (cosine similarity when both are unit length). */
  dot(i: number, q: ArrayLike<number>): number {
    const d = this.dimension;
    const off = i * d;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += this.data[off + j]! * q[j]!;
    return sum;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }
}
