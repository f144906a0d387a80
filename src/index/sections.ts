/**
 * A binary container for the index's data files: a magic string, a JSON header (small metadata
 * and where each section is), then typed sections, each 8-byte aligned. A reader gets views into
 * the one buffer the file was read into, so opening a file parses only its header: no JSON parse
 * of the whole thing, and no copy of its arrays.
 *
 * Layout: 8 bytes magic, u32 header length (little-endian), the header's UTF-8 JSON, padding to
 * 8, the sections. Typed arrays are stored little-endian (every platform the product runs on).
 */

const ARRAY_TYPES = {
  i8: Int8Array,
  u8: Uint8Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
} as const;

export type SectionType = keyof typeof ARRAY_TYPES;
type SectionArray =
  | Int8Array<ArrayBufferLike>
  | Uint8Array<ArrayBufferLike>
  | Int32Array<ArrayBufferLike>
  | Uint32Array<ArrayBufferLike>
  | Float32Array<ArrayBufferLike>;
type Placed = { type: SectionType; offset: number; length: number };

const MAGIC_BYTES = 8;
const align8 = (n: number) => Math.ceil(n / 8) * 8;

function typeOf(array: SectionArray): SectionType {
  for (const [type, Ctor] of Object.entries(ARRAY_TYPES)) if (array instanceof Ctor) return type as SectionType;
  throw new Error('unsupported section array');
}

/** Writes `meta` and the named arrays into one buffer; `magic` names the kind of file (8 ASCII characters). */
export function writeSections(magic: string, meta: object, arrays: ReadonlyArray<readonly [string, SectionArray]>): Buffer {
  if (Buffer.byteLength(magic) !== MAGIC_BYTES) throw new Error(`magic must be ${MAGIC_BYTES} bytes`);
  // Offsets are relative to the first section, so the header's own length does not move them.
  const sections: Record<string, Placed> = Object.create(null);
  let at = 0;
  for (const [name, array] of arrays) {
    sections[name] = { type: typeOf(array), offset: at, length: array.length };
    at = align8(at + array.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ meta, sections }), 'utf8');
  const base = align8(MAGIC_BYTES + 4 + header.length);
  const out = Buffer.alloc(base + at);
  out.write(magic, 0, 'latin1');
  out.writeUInt32LE(header.length, MAGIC_BYTES);
  header.copy(out, MAGIC_BYTES + 4);
  for (const [name, array] of arrays)
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, base + sections[name]!.offset);
  return out;
}

export class SectionsError extends Error {}

export class Sections<Meta> {
  private constructor(
    readonly meta: Meta,
    private readonly data: Buffer,
    private readonly base: number,
    private readonly placed: ReadonlyMap<string, Placed>,
  ) {}

  /** Reads the header and checks that every section lies inside the file; throws SectionsError. */
  static read<Meta>(file: Buffer, magic: string): Sections<Meta> {
    if (file.length < MAGIC_BYTES + 4 || file.toString('latin1', 0, MAGIC_BYTES) !== magic)
      throw new SectionsError(`not a ${magic.trim()} file`);
    const headerLength = file.readUInt32LE(MAGIC_BYTES);
    if (MAGIC_BYTES + 4 + headerLength > file.length) throw new SectionsError('its header runs past the end of the file');
    let header: { meta: Meta; sections: Record<string, Placed> };
    try {
      header = JSON.parse(file.toString('utf8', MAGIC_BYTES + 4, MAGIC_BYTES + 4 + headerLength));
    } catch {
      throw new SectionsError('its header is not valid JSON');
    }
    // Typed views need an aligned start: a Buffer from a small pool may not be, and is copied once.
    const data = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
    const base = align8(MAGIC_BYTES + 4 + headerLength);
    const placed = new Map<string, Placed>();
    for (const [name, p] of Object.entries(header.sections ?? {})) {
      const Ctor = Object.hasOwn(ARRAY_TYPES, p?.type) ? ARRAY_TYPES[p.type] : undefined;
      const ok =
        Ctor &&
        Number.isSafeInteger(p.offset) &&
        Number.isSafeInteger(p.length) &&
        p.offset >= 0 &&
        p.length >= 0 &&
        p.offset % 8 === 0 &&
        base + p.offset + p.length * Ctor.BYTES_PER_ELEMENT <= data.length;
      if (!ok) throw new SectionsError(`section "${name}" lies outside the file`);
      placed.set(name, p);
    }
    return new Sections(header.meta, data, base, placed);
  }

  /** A view of one section, which must exist, have the given type and, if given, the given length. */
  get<T extends SectionType>(name: string, type: T, length?: number): InstanceType<(typeof ARRAY_TYPES)[T]> {
    const p = this.placed.get(name);
    if (!p || p.type !== type) throw new SectionsError(`section "${name}" is missing or of the wrong type`);
    if (length !== undefined && p.length !== length) throw new SectionsError(`section "${name}" holds ${p.length} values, not ${length}`);
    const Ctor = ARRAY_TYPES[type];
    return new Ctor(this.data.buffer as ArrayBuffer, this.data.byteOffset + this.base + p.offset, p.length) as InstanceType<
      (typeof ARRAY_TYPES)[T]
    >;
  }

  /** The bytes of a u8 section as a Buffer (for UTF-8 text), without a copy. */
  bytes(name: string): Buffer {
    const view = this.get(name, 'u8');
    return Buffer.from(view.buffer, view.byteOffset, view.length);
  }
}

/**
 * Strings stored as one UTF-8 blob and offsets into it (n + 1 of them): `at(i)` decodes only the
 * string asked for.
 */
export class StringColumn {
  constructor(
    private readonly offsets: Uint32Array,
    private readonly bytes: Buffer,
  ) {}

  static encode(values: readonly string[]): { offsets: Uint32Array; bytes: Uint8Array } {
    const encoded = values.map((v) => Buffer.from(v, 'utf8'));
    const offsets = new Uint32Array(values.length + 1);
    encoded.forEach((b, i) => {
      offsets[i + 1] = offsets[i]! + b.length;
    });
    return { offsets, bytes: Buffer.concat(encoded) };
  }

  /** Why the offsets cannot describe `count` strings in the blob, or undefined. */
  static problem(offsets: Uint32Array, bytes: { length: number }, count: number): string | undefined {
    if (offsets.length !== count + 1 || offsets[0] !== 0 || offsets[count] !== bytes.length)
      return 'its string offsets do not cover the text';
    for (let i = 0; i < count; i++) if (offsets[i + 1]! < offsets[i]!) return 'its string offsets run backwards';
    return undefined;
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  /** Why the offsets cannot describe the strings in the blob, or undefined. */
  problem(): string | undefined {
    return StringColumn.problem(this.offsets, this.bytes, this.length);
  }

  at(i: number): string {
    return this.bytes.toString('utf8', this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** String i's bytes against `other`'s: negative, zero or positive, in the order of Buffer.compare. */
  compare(i: number, other: Uint8Array): number {
    return compareBytes(this.bytes, this.offsets[i]!, this.offsets[i + 1]!, other, 0, other.length);
  }

  /** String i's bytes against string j's. */
  compareWith(i: number, j: number): number {
    return compareBytes(this.bytes, this.offsets[i]!, this.offsets[i + 1]!, this.bytes, this.offsets[j]!, this.offsets[j + 1]!);
  }
}

/**
 * a[aStart, aEnd) against b[bStart, bEnd), byte by byte, a shorter prefix first. A loop rather
 * than Buffer.compare: strings here are words of a few bytes, and the native call's argument
 * checks cost several times the comparison (a question's term lookups took a third of a search
 * over a small index).
 */
function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < n; k++) {
    const d = a[aStart + k]! - b[bStart + k]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}
