/**
 * The chunk store on disk and in memory as columns: passage texts as one UTF-8 blob, positions
 * and pages as integer arrays, hashes as raw bytes; documents likewise, their text fields as
 * strings and their first chunks and counts as integers. A server decodes only the passages and
 * documents it returns, so opening the index parses no text at all.
 */
import type { DocumentFormat, Metadata } from '../corpus/document.js';
import type { ChunkRecord, ChunkStore, DocumentRecord } from './store.js';
import { Sections, StringColumn, writeSections } from './sections.js';
import { DocumentList, documentRunsProblem } from './document-list.js';

/** 2: documents in columns, with the hash of each document's source (1 kept them in the header). */
const MAGIC = 'SSCHUNK2';
export const INPUT_HASH_BYTES = 16;
const NO_PAGE = -1;

interface Meta {
  build_id?: string;
  /** Each distinct heading path once; chunks point into it. */
  sections: string[][];
}

/** Chunk `i`'s embedding-input hash, as hex, from a column of `INPUT_HASH_BYTES` bytes per chunk (versions 1 and 2 of this table alike). */
export function inputHashAt(hashes: Uint8Array, i: number): string {
  return Buffer.from(hashes.buffer, hashes.byteOffset + i * INPUT_HASH_BYTES, INPUT_HASH_BYTES).toString('hex');
}

/** The strings kept for each document, in this order: `DOC_FIELDS` entries of one string column. */
const DOC_FIELDS = 7;
const [ID, TITLE, PATH, FORMAT, URL, METADATA, SOURCE_HASH] = [0, 1, 2, 3, 4, 5, 6] as const;

function documentFields(doc: DocumentRecord, sourceHash: string): string[] {
  const metadata = Object.keys(doc.metadata).length > 0 ? JSON.stringify(doc.metadata) : '';
  return [doc.id, doc.title, doc.path, doc.format, doc.url ?? '', metadata, sourceHash];
}

/** `sourceHashes`: the hash of each document's source, to tell what changed at the next build. */
export function encodeChunkTable(store: ChunkStore, sourceHashes: readonly string[]): Buffer {
  const { chunks, documents } = store;
  if (sourceHashes.length !== documents.length) throw new Error('one source hash per document is needed');
  const n = chunks.length;
  const sectionIds = new Map<string, number>();
  const sections: string[][] = [];
  const sectionOf = new Int32Array(n);
  const sentenceStart = new Uint32Array(n + 1);
  const flat: number[] = [];
  const ints = { doc: new Int32Array(n), start: new Int32Array(n), end: new Int32Array(n), page: new Int32Array(n) };
  const hashes = new Uint8Array(n * INPUT_HASH_BYTES);
  chunks.forEach((c, i) => {
    const key = JSON.stringify(c.section);
    let s = sectionIds.get(key);
    if (s === undefined) {
      s = sections.push(c.section) - 1;
      sectionIds.set(key, s);
    }
    sectionOf[i] = s;
    ints.doc[i] = c.doc;
    ints.start[i] = c.start;
    ints.end[i] = c.end;
    ints.page[i] = c.page ?? NO_PAGE;
    hashes.set(Buffer.from(c.hash, 'hex').subarray(0, INPUT_HASH_BYTES), i * INPUT_HASH_BYTES);
    for (const v of c.sentences ?? []) flat.push(v);
    sentenceStart[i + 1] = flat.length;
  });
  const text = StringColumn.encode(chunks.map((c) => c.text));
  const ids = StringColumn.encode(chunks.map((c) => c.id));
  const docFields = StringColumn.encode(documents.flatMap((d, i) => documentFields(d, sourceHashes[i]!)));
  const meta: Meta = { ...(store.build_id ? { build_id: store.build_id } : {}), sections };
  return writeSections(MAGIC, meta, [
    ['doc_first', Int32Array.from(documents, (d) => d.first)],
    ['doc_count', Int32Array.from(documents, (d) => d.count)],
    ['doc_field_offsets', docFields.offsets],
    ['doc_fields', docFields.bytes],
    ['doc', ints.doc],
    ['start', ints.start],
    ['end', ints.end],
    ['page', ints.page],
    ['section', sectionOf],
    ['hash', hashes],
    ['text_offsets', text.offsets],
    ['text', text.bytes],
    ['id_offsets', ids.offsets],
    ['id', ids.bytes],
    ['sentence_offsets', sentenceStart],
    ['sentences', Uint32Array.from(flat)],
  ]);
}

export class ChunkTable {
  readonly count: number;
  readonly documents: DocumentList;
  readonly buildId: string | undefined;
  /** The document position of each chunk. */
  readonly docOf: Int32Array;
  private readonly texts: StringColumn;
  private readonly ids: StringColumn;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly page: Int32Array;
  private readonly sectionOf: Int32Array;
  private readonly sectionList: string[][];
  private readonly hashes: Uint8Array;
  private readonly sentenceStart: Uint32Array;
  private readonly sentences: Uint32Array;
  private readonly textOffsets: Uint32Array;
  private readonly idOffsets: Uint32Array;
  private readonly docCount: Int32Array;
  private readonly docFields: StringColumn;

  /**
   * Reads the header and the columns' views (throws SectionsError or Error when the file's
   * structure is broken); `problem()` checks what the columns hold.
   */
  constructor(file: Buffer) {
    const s = Sections.read<Meta>(file, MAGIC);
    const { meta } = s;
    if (!Array.isArray(meta?.sections)) throw new Error('its header lacks the sections');
    this.sectionList = meta.sections;
    this.buildId = meta.build_id;
    this.docOf = s.get('doc', 'i32');
    const n = this.docOf.length;
    this.count = n;
    this.start = s.get('start', 'i32', n);
    this.end = s.get('end', 'i32', n);
    this.page = s.get('page', 'i32', n);
    this.sectionOf = s.get('section', 'i32', n);
    this.hashes = s.get('hash', 'u8', n * INPUT_HASH_BYTES);
    this.textOffsets = s.get('text_offsets', 'u32', n + 1);
    this.idOffsets = s.get('id_offsets', 'u32', n + 1);
    this.sentenceStart = s.get('sentence_offsets', 'u32', n + 1);
    this.sentences = s.get('sentences', 'u32');
    this.texts = new StringColumn(this.textOffsets, s.bytes('text'));
    this.ids = new StringColumn(this.idOffsets, s.bytes('id'));
    const docFirst = s.get('doc_first', 'i32');
    this.docCount = s.get('doc_count', 'i32', docFirst.length);
    this.docFields = new StringColumn(s.get('doc_field_offsets', 'u32', DOC_FIELDS * docFirst.length + 1), s.bytes('doc_fields'));
    this.documents = new DocumentList(docFirst, (d) => this.decodeDocument(d));
  }

  private decodeDocument(d: number): DocumentRecord {
    const field = (k: number) => this.docFields.at(DOC_FIELDS * d + k);
    const url = field(URL);
    const metadata = field(METADATA);
    return {
      id: field(ID),
      title: field(TITLE),
      path: field(PATH),
      format: field(FORMAT) as DocumentFormat,
      ...(url ? { url } : {}),
      metadata: metadata ? (JSON.parse(metadata) as Metadata) : {},
      first: this.documents.firstChunk[d]!,
      count: this.docCount[d]!,
    };
  }

  /** The hash of document `d`'s source when it was indexed. */
  sourceHash(d: number): string {
    return this.docFields.at(DOC_FIELDS * d + SOURCE_HASH);
  }

  /** Each document's id and source hash, without decoding the rest (what a rebuild compares). */
  sourceHashes(): Map<string, string> {
    const hashes = new Map<string, string>();
    for (let d = 0; d < this.documents.length; d++) hashes.set(this.docFields.at(DOC_FIELDS * d + ID), this.sourceHash(d));
    return hashes;
  }

  /** Why the columns cannot be read as they are (offsets out of order or range, unknown sections), or undefined. */
  problem(): string | undefined {
    const n = this.count;
    const problem =
      this.texts.problem() ??
      this.ids.problem() ??
      this.docFields.problem() ??
      StringColumn.problem(this.sentenceStart, this.sentences, n) ??
      this.documentRangesProblem();
    if (problem) return problem;
    for (let i = 0; i < n; i++)
      if (this.sectionOf[i]! < 0 || this.sectionOf[i]! >= this.sectionList.length) return 'a chunk points at no section';
    return undefined;
  }

  /** Documents must own consecutive runs of chunks, in order, covering them all, and each chunk name its own. */
  private documentRangesProblem(): string | undefined {
    return documentRunsProblem(this.documents.firstChunk, this.docCount, this.count, (d, first, count) => {
      for (let i = first; i < first + count; i++) if (this.docOf[i] !== d) return 'a chunk points at the wrong document';
      return undefined;
    });
  }

  text(i: number): string {
    return this.texts.at(i);
  }

  hash(i: number): string {
    return inputHashAt(this.hashes, i);
  }

  chunk(i: number): ChunkRecord {
    const page = this.page[i]!;
    return {
      id: this.ids.at(i),
      doc: this.docOf[i]!,
      text: this.texts.at(i),
      start: this.start[i]!,
      end: this.end[i]!,
      section: this.sectionList[this.sectionOf[i]!]!,
      ...(page !== NO_PAGE ? { page } : {}),
      sentences: Array.from(this.sentences.subarray(this.sentenceStart[i]!, this.sentenceStart[i + 1]!)),
      hash: this.hash(i),
    };
  }

  /** Every record, decoded: for tools that walk the whole store (reuse, publishing, peers). */
  toStore(): ChunkStore {
    return {
      ...(this.buildId ? { build_id: this.buildId } : {}),
      documents: [...this.documents],
      chunks: Array.from({ length: this.count }, (_, i) => this.chunk(i)),
    };
  }
}
