/**
 * How index values travel to and from PostgreSQL: vectors as pgvector text going in and as
 * pgvector's binary form coming out, int lists as packed bytea.
 */
import os from 'node:os';

/** pgvector's text form; a float32 prints exactly as the number it is, so nothing is lost. */
export function vectorLiteral(values: ArrayLike<number>): string {
  return `[${Array.prototype.join.call(values, ',')}]`;
}

export function parseVector(text: string): number[] {
  return text.slice(1, -1).split(',').map(Number);
}

/** Int32 little-endian: posting lists and field lengths, read back without parsing text. */
export function packInts(values: ArrayLike<number>): Buffer {
  const buffer = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buffer.writeInt32LE(values[i]!, i * 4);
  return buffer;
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * The packed ints as an Int32Array over the bytes the driver decoded (the common term of a large
 * index is 40,000 ints: read one by one, a millisecond a term; viewed, nothing). Copied first when
 * the bytes do not start on a 4-byte boundary, read one by one on a big-endian machine.
 */
export function unpackInts(buffer: Buffer): Int32Array {
  const count = buffer.length >> 2;
  if (!LITTLE_ENDIAN) return Int32Array.from({ length: count }, (_, i) => buffer.readInt32LE(i * 4));
  const aligned = buffer.byteOffset % 4 === 0 ? buffer : new Uint8Array(buffer);
  return new Int32Array(aligned.buffer, aligned.byteOffset, count);
}

/**
 * The similarity of a vector in pgvector's binary form (`vector_send`: int16 dimension, int16
 * unused, then big-endian float32 values) with the question: float64 products summed in dimension
 * order, as the files compute it. Undefined when the dimension is not the question's.
 */
export function sentSimilarity(sent: Buffer, question: readonly number[]): number | undefined {
  const dimension = question.length;
  if (sent.length !== 4 + 4 * dimension || sent.readInt16BE(0) !== dimension) return undefined;
  let sum = 0;
  for (let i = 0; i < dimension; i++) sum += sent.readFloatBE(4 + 4 * i) * question[i]!;
  return sum;
}
