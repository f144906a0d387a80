/**
 * What the lexical index holds and serves, whichever store keeps it: each term's postings over the
 * two fields of every chunk (its own text, `body`, and its context: document title and section
 * headings) and each chunk's field lengths. Built by build/lexical-index.ts, stored by
 * postings-table.ts (or a database), scored by search/bm25f.ts.
 */
import type { AnalyzerSettings } from '../text/analyzer.js';

/** One term's postings: in how many chunks it occurs, and where, as flat [chunk, tf, chunk, tf, ...] lists sorted by chunk. */
export interface TermPostings {
  df: number;
  body?: ArrayLike<number>;
  context?: ArrayLike<number>;
}

/** What a build computes; postings-table.ts stores it. */
export interface LexicalIndexData {
  analyzer: AnalyzerSettings;
  count: number;
  bodyLengths: number[];
  contextLengths: number[];
  terms: Map<string, TermPostings>;
}

/**
 * The postings of one question's terms, fetched before it is ranked: from the index file's table
 * or from a database. Terms the index does not hold are absent.
 */
export type QueryPostings = ReadonlyMap<string, TermPostings>;

/** Everything BM25 needs besides the postings: the analyzer and each chunk's field lengths. */
export interface LexicalStats {
  analyzer: AnalyzerSettings;
  count: number;
  bodyLengths: ArrayLike<number>;
  contextLengths: ArrayLike<number>;
}

export interface SparseScores {
  ids: number[];
  scores: number[];
}
