/**
 * The documents of an index, each decoded the first time it is asked for: opening an index of
 * 100,000 documents then costs nothing per document, and a question touches only the documents of
 * the passages it returns. What every question needs of all of them, the position of each
 * document's first chunk, is an integer array.
 */
import type { DocumentRecord } from './store.js';

/**
 * Why documents with these first chunks and chunk counts do not own consecutive runs of the
 * `chunks` chunks, in order and covering them all; undefined when they do. `runProblem` checks
 * each run as it is reached.
 */
export function documentRunsProblem(
  firstChunk: ArrayLike<number>,
  count: ArrayLike<number>,
  chunks: number,
  runProblem: (d: number, first: number, count: number) => string | undefined = () => undefined,
): string | undefined {
  let next = 0;
  for (let d = 0; d < firstChunk.length; d++) {
    if (firstChunk[d] !== next || !(count[d]! >= 0)) return `document ${d} does not start where the previous one ends`;
    const problem = runProblem(d, next, count[d]!);
    if (problem) return problem;
    next += count[d]!;
  }
  return next === chunks ? undefined : 'the documents do not cover the chunks';
}

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
