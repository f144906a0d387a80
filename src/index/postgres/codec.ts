/** How index values travel to and from PostgreSQL: vectors as pgvector text, int lists as packed bytea. */

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

export function unpackInts(buffer: Buffer): number[] {
  const out = new Array<number>(buffer.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readInt32LE(i * 4);
  return out;
}
