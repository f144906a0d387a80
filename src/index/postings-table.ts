/**
 * The lexical index on disk and in memory: terms sorted in one UTF-8 blob (found by binary
 * search, so no object or map keyed by user text is ever built), each term's postings as slices
 * of two int32 arrays, and each chunk's field lengths. Opening it reads the header only.
 */
import type { AnalyzerSettings } from '../text/analyzer.js';
import type { LexicalIndexData, LexicalStats, QueryPostings, TermPostings } from './lexical.js';
import { Sections, StringColumn, writeSections } from './sections.js';

const MAGIC = 'SSPOSTS1';

interface Meta {
  build_id?: string;
  analyzer: AnalyzerSettings;
  count: number;
}

/** Flat [chunk, tf, ...] lists of every term, one after another, and where each starts. */
function concatenated(lists: ReadonlyArray<ArrayLike<number> | undefined>): { starts: Uint32Array; values: Int32Array } {
  const starts = new Uint32Array(lists.length + 1);
  lists.forEach((l, i) => {
    starts[i + 1] = starts[i]! + (l?.length ?? 0);
  });
  const values = new Int32Array(starts[lists.length]!);
  lists.forEach((l, i) => {
    if (l) values.set(l, starts[i]!);
  });
  return { starts, values };
}

export function encodePostings(data: LexicalIndexData, buildId?: string): Buffer {
  // Sorted by their UTF-8 bytes, the order a lookup compares in without decoding.
  const terms = [...data.terms.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const entries = terms.map((t) => data.terms.get(t)!);
  const blob = StringColumn.encode(terms);
  const body = concatenated(entries.map((e) => e.body));
  const context = concatenated(entries.map((e) => e.context));
  const meta: Meta = { ...(buildId ? { build_id: buildId } : {}), analyzer: data.analyzer, count: data.count };
  return writeSections(MAGIC, meta, [
    ['body_lengths', Int32Array.from(data.bodyLengths)],
    ['context_lengths', Int32Array.from(data.contextLengths)],
    ['term_offsets', blob.offsets],
    ['terms', blob.bytes],
    ['df', Uint32Array.from(entries, (e) => e.df)],
    ['body_starts', body.starts],
    ['body', body.values],
    ['context_starts', context.starts],
    ['context', context.values],
  ]);
}

export class PostingsTable implements LexicalStats {
  readonly analyzer: AnalyzerSettings;
  readonly count: number;
  readonly buildId: string | undefined;
  readonly bodyLengths: Int32Array;
  readonly contextLengths: Int32Array;
  private readonly terms: StringColumn;
  private readonly df: Uint32Array;
  private readonly bodyStarts: Uint32Array;
  private readonly body: Int32Array;
  private readonly contextStarts: Uint32Array;
  private readonly context: Int32Array;

  /** Reads the header and the views; throws SectionsError or Error with what is wrong. */
  constructor(file: Buffer) {
    const s = Sections.read<Meta>(file, MAGIC);
    const { meta } = s;
    if (!meta || typeof meta.analyzer !== 'object' || !Number.isSafeInteger(meta.count)) throw new Error('its header is incomplete');
    this.analyzer = meta.analyzer;
    this.count = meta.count;
    this.buildId = meta.build_id;
    this.bodyLengths = s.get('body_lengths', 'i32', meta.count);
    this.contextLengths = s.get('context_lengths', 'i32', meta.count);
    const offsets = s.get('term_offsets', 'u32');
    const t = offsets.length - 1;
    this.terms = new StringColumn(offsets, s.bytes('terms'));
    this.df = s.get('df', 'u32', t);
    this.bodyStarts = s.get('body_starts', 'u32', t + 1);
    this.body = s.get('body', 'i32');
    this.contextStarts = s.get('context_starts', 'u32', t + 1);
    this.context = s.get('context', 'i32');
  }

  get termCount(): number {
    return this.terms.length;
  }

  /** Position of `term` in the sorted term list, or -1. */
  private find(term: string): number {
    const wanted = Buffer.from(term, 'utf8');
    let lo = 0;
    let hi = this.terms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const order = this.terms.compare(mid, wanted);
      if (order === 0) return mid;
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private entry(k: number): TermPostings {
    const slice = (starts: Uint32Array, values: Int32Array) =>
      starts[k + 1]! > starts[k]! ? values.subarray(starts[k]!, starts[k + 1]!) : undefined;
    const body = slice(this.bodyStarts, this.body);
    const context = slice(this.contextStarts, this.context);
    return { df: this.df[k]!, ...(body ? { body } : {}), ...(context ? { context } : {}) };
  }

  /** The postings of these terms; terms the index does not hold are left out. */
  postings(terms: Iterable<string>): QueryPostings {
    const found = new Map<string, TermPostings>();
    for (const term of terms) {
      const k = this.find(term);
      if (k >= 0) found.set(term, this.entry(k));
    }
    return found;
  }

  /** Every term and its postings, in sorted order (for publishing elsewhere). */
  *entries(): Generator<[string, TermPostings]> {
    for (let k = 0; k < this.terms.length; k++) yield [this.terms.at(k), this.entry(k)];
  }

  /**
   * Why this table cannot belong to an index of `n` chunks, or undefined: terms out of order,
   * impossible document frequencies, postings lists that are cut short, unsorted or point past
   * the last chunk. Linear in the size of the file.
   */
  problem(n: number): string | undefined {
    if (this.count !== n) return `the lexical index does not cover exactly ${n} chunks`;
    const terms = this.terms.problem();
    if (terms) return terms;
    for (let k = 1; k < this.terms.length; k++) if (this.terms.compareWith(k - 1, k) >= 0) return 'its terms are not in order';
    for (const [starts, values] of [
      [this.bodyStarts, this.body],
      [this.contextStarts, this.context],
    ] as const) {
      if (starts[0] !== 0 || starts[this.terms.length] !== values.length) return 'its postings offsets do not cover the postings';
      for (let k = 0; k < this.terms.length; k++) {
        const from = starts[k]!;
        const to = starts[k + 1]!;
        if (to < from || (to - from) % 2 !== 0) return 'a postings list is cut short';
        for (let j = from, last = -1; j < to; j += 2) {
          const chunk = values[j]!;
          if (chunk <= last || chunk >= n || values[j + 1]! < 1) return 'a postings list points outside the index';
          last = chunk;
        }
      }
    }
    for (let k = 0; k < this.terms.length; k++)
      if (this.df[k]! < 1 || this.df[k]! > n) return 'a term has an impossible document frequency';
    return undefined;
  }
}
