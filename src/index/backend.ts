/**
 * Where an index's passages, vectors and postings live. The Searcher ranks and hydrates from any
 * backend the same way: the analyzer, BM25, fusion and relevance all run in TypeScript on what a
 * backend returns, so two backends holding the same index give the same answers.
 *
 * Documents (decoded on demand) and per-chunk field lengths stay in memory (filters, sources and BM25 length
 * normalisation read them for every question); texts, vectors and postings are asked for.
 */
import type { LexicalStats, QueryPostings, SparseScores } from './lexical.js';
import type { Manifest } from './manifest.js';
import type { ChunkRecord } from './store.js';
import type { DocumentList } from './document-list.js';

/** What `nearestWith` returns: the nearest chunks, and the similarity of each id asked for, in its order. */
export interface NearestWith {
  nearest: SparseScores;
  similarities: number[];
}

export interface IndexBackend {
  /** Where the index is, for messages: a folder or a database URI without its password. */
  readonly location: string;
  readonly manifest: Manifest;
  /** Every document in order; chunk positions `first .. first + count - 1` are its passages. */
  readonly documents: DocumentList;
  /** The document position of each chunk position. */
  readonly docOf: Int32Array;
  readonly lexical: LexicalStats;
  /** The postings of these terms (terms the index lacks are left out). */
  postings(terms: readonly string[]): Promise<QueryPostings>;
  /**
   * The k chunks nearest the vector, best first, among `allow`ed ones if given; found by an
   * approximate search where the backend has one, scored as `similarities` scores them.
   */
  nearest(vector: readonly number[], k: number, allow?: Uint8Array): Promise<SparseScores>;
  /**
   * Cosine similarity of each chunk (by position) with the vector: the stored vector (8-bit
   * integers times a scale in the files, the same values as float32 in a database) and the question's numbers
   * multiplied and summed in float64, in dimension order. Every backend
   * computes it the same way, so their scores agree to the last few bits.
   */
  similarities(ids: readonly number[], vector: readonly number[]): Promise<number[]>;
  /**
   * `nearest`, and `similarities` of `ids` (an entry for every one, whether among the nearest or
   * not), asked at once: for a backend where one request costs less than two (a database: one
   * round trip). Without it, the Searcher asks for the two one after the other.
   */
  nearestWith?(vector: readonly number[], k: number, ids: readonly number[], allow?: Uint8Array): Promise<NearestWith>;
  /** Chunk records by position, in the order asked. */
  chunks(ids: readonly number[]): Promise<ChunkRecord[]>;
  /** What /health says about where the index is kept, beyond the manifest. */
  describe?(): Promise<Record<string, string | number>>;
  /** Releases what the backend holds (a connection); a no-op for files. */
  close(): Promise<void>;
}

/** Chunk positions `first .. first + count - 1`. */
export function positions(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
