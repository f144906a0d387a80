/**
 * The documents of an index, each decoded the first time it is asked for: opening an index of
 * 100,000 documents then costs nothing per document, and a question touches only the documents of
 * the passages it returns. What every question needs of all of them, the position of each
 * document's first chunk, is an integer array.
 */
import type { DocumentRecord } from './store.js';

export class DocumentList implements Iterable<DocumentRecord> {
  private readonly decoded: (DocumentRecord | undefined)[];

  constructor(
    /** The position of each document's first chunk; its length is the number of documents. */
    readonly firstChunk: Int32Array,
    private readonly decode: (d: number) => DocumentRecord,
  ) {
    this.decoded = new Array<DocumentRecord | undefined>(firstChunk.length);
  }

  /** Records already in memory (a database's rows, a store being built). */
  static of(records: readonly DocumentRecord[]): DocumentList {
    return new DocumentList(
      Int32Array.from(records, (d) => d.first),
      (d) => records[d]!,
    );
  }

  get length(): number {
    return this.firstChunk.length;
  }

  /** Document `d` (0 <= d < length). */
  get(d: number): DocumentRecord {
    if (!(d >= 0 && d < this.length)) throw new RangeError(`no document at position ${d}`);
    let record = this.decoded[d];
    if (!record) this.decoded[d] = record = this.decode(d);
    return record;
  }

  *[Symbol.iterator](): Iterator<DocumentRecord> {
    for (let d = 0; d < this.length; d++) yield this.get(d);
  }
}
