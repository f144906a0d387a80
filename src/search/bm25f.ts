/**
 * BM25F over two fields of each chunk: its own text (`body`) and its context (document title and
 * section headings). Postings are built once at index time; field weights, k1 and b are query-time
 * parameters, so they can be tuned without rebuilding.
 */
import { analyze, analyzeQuestion, termFrequencies } from '../text/analyzer.js';
import type { LexicalStats, QueryPostings, TermPostings } from '../index/lexical.js';

export interface Bm25Params {
  k1: number;
  b: number;
  /** Weight of a context (title/heading) occurrence relative to a body occurrence. */
  contextWeight: number;
}

/** Whether a flat [chunk, tf, chunk, tf, ...] postings list, sorted by chunk, holds `chunk`. */
function hasChunk(postings: ArrayLike<number> | undefined, chunk: number): boolean {
  if (!postings) return false;
  let lo = 0;
  let hi = postings.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = postings[2 * mid]!;
    if (at === chunk) return true;
    if (at < chunk) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Marks held[k] where chunk sorted[k] (ascending) is in `postings` (flat [chunk, tf, ...] pairs
 * sorted by chunk): one forward pass, each next chunk found by doubling steps from the last place
 * and then halving, so a short list costs its length and a long one a few steps a chunk.
 */
function markHeld(postings: ArrayLike<number>, sorted: Int32Array, held: Uint8Array): void {
  const pairs = postings.length / 2;
  let at = 0; // the first pair not below the previous chunk
  for (let k = 0; k < sorted.length && at < pairs; k++) {
    const chunk = sorted[k]!;
    if (postings[2 * at]! < chunk) {
      // Gallop: the first pair >= chunk lies in (lo, hi].
      let lo = at;
      let step = 1;
      let hi = at + 1;
      while (hi < pairs && postings[2 * hi]! < chunk) {
        lo = hi;
        step *= 2;
        hi = lo + step;
      }
      if (hi > pairs) hi = pairs;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (postings[2 * mid]! < chunk) lo = mid;
        else hi = mid;
      }
      at = hi;
    }
    if (at < pairs && postings[2 * at] === chunk) held[k] = 1;
  }
}

export interface CoverageOptions {
  /** Only the chunks' own text, not their context lines (which a document's chunks share). */
  bodyOnly?: boolean;
  /** Other terms that stand for a question term (its synonyms), credited at `alternativeCredit` of its weight. */
  alternatives?: ReadonlyMap<string, readonly string[]>;
  alternativeCredit?: number;
}

/** Every chunk that matched a question, with its score: typed arrays the caller owns. */
export interface LexicalScores {
  ids: Int32Array;
  scores: Float64Array;
}

/** Unseen terms' document frequencies are computed once; a bound keeps a long-running server's cache from growing without end. */
const DOCUMENT_DF_CACHE = 50_000;
/** Short texts' terms kept (a question's words and their synonyms, analysed for every question that has them), and how many. */
const ANALYSED_CHARS = 64;
const ANALYSED_CACHE = 50_000;

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length ? sum / values.length : 0;
}

/** Which document each chunk belongs to, for document-level scoring. */
export interface ChunkDocuments {
  docOf: Int32Array;
  /** Index of each document's first chunk (its context line stands for the document's). */
  firstChunk: Int32Array;
}

/** A term's BM25 contribution at frequency `f` (already normalised by length), weighted by `weight` (its idf). */
function saturated(weight: number, f: number, k1: number): number {
  return (weight * f * (k1 + 1)) / (k1 + f);
}

export class LexicalIndex {
  private readonly avgBody: number;
  private readonly avgContext: number;
  // Scratch arrays by chunk or document position, used within one synchronous call and left zeroed.
  private readonly accumulator: Float64Array;
  private readonly touchedScratch: Int32Array;
  private readonly docSeen: Uint8Array;
  private normCache?: { b: number; body: Float64Array; context: Float64Array; document: Float64Array };
  private readonly docBody: Float64Array;
  private readonly avgDocBody: number;
  private readonly docDf = new Map<string, number>();
  private readonly analysed = new Map<string, readonly string[]>();

  constructor(
    readonly data: LexicalStats,
    private readonly docs: ChunkDocuments,
  ) {
    this.avgBody = mean(data.bodyLengths) || 1;
    this.avgContext = mean(data.contextLengths) || 1;
    this.accumulator = new Float64Array(data.count);
    this.touchedScratch = new Int32Array(data.count);
    const documents = docs.firstChunk.length;
    this.docBody = new Float64Array(documents);
    this.docSeen = new Uint8Array(documents);
    for (let i = 0; i < data.count; i++) {
      const d = docs.docOf[i]!;
      this.docBody[d] = this.docBody[d]! + data.bodyLengths[i]!;
    }
    this.avgDocBody = mean(this.docBody) || 1;
  }

  get size(): number {
    return this.data.count;
  }

  /** A text's terms; a short one's are kept (the same words and synonyms come back with question after question). */
  analyze(text: string): readonly string[] {
    const kept = this.analysed.get(text);
    if (kept) return kept;
    const terms = analyze(text, this.data.analyzer);
    if (text.length <= ANALYSED_CHARS) {
      if (this.analysed.size >= ANALYSED_CACHE) this.analysed.clear();
      this.analysed.set(text, terms);
    }
    return terms;
  }

  /** A question's terms (the words that only frame it left out). */
  analyzeQuestion(text: string): string[] {
    return analyzeQuestion(text, this.data.analyzer);
  }

  /**
   * For one question, a function of a passage (its chunks): the idf-weighted share of the
   * question's distinct terms that occur in it (the text or the context line of any of its chunks;
   * the text alone with `bodyOnly`, which tells apart the passages of one document, whose context
   * lines share its title): 1 when the passage holds every word of the question, near 0 when it
   * holds only common ones. A term absent from the whole index weighs the most, which is what
   * marks a question about something the documents never mention. The terms' weights and
   * postings are looked up once, for all the passages a question asks about; postings are sorted
   * by chunk: binary search.
   */
  coverageOf(postings: QueryPostings, queryTerms: string[], options: CoverageOptions = {}): (chunks: readonly number[]) => number {
    const { terms, total } = this.coverageTerms(postings, queryTerms, options);
    const credit = options.alternativeCredit ?? 1;
    // Plain loops: this runs for every candidate of every question.
    const holds = (lists: ArrayLike<number>[], chunks: readonly number[]) => {
      for (const chunk of chunks) for (const list of lists) if (hasChunk(list, chunk)) return true;
      return false;
    };
    const holdsAny = (alternatives: ArrayLike<number>[][], chunks: readonly number[]) => {
      for (const lists of alternatives) if (holds(lists, chunks)) return true;
      return false;
    };
    return (chunks) => {
      let found = 0;
      for (const { idf, lists, alternatives } of terms) {
        if (holds(lists, chunks)) found += idf;
        else if (holdsAny(alternatives, chunks)) found += idf * credit;
      }
      return total > 0 ? found / total : 0;
    };
  }

  /**
   * coverageOf of each chunk alone, for many chunks at once: the chunks are put in order and
   * each postings list is walked forward through them once (galloping), where asking chunk by
   * chunk searched every list from its start. Sums in the same order, so the same numbers.
   */
  coverageOfEach(postings: QueryPostings, queryTerms: string[], chunks: readonly number[], options: CoverageOptions = {}): Float64Array {
    const { terms, total } = this.coverageTerms(postings, queryTerms, options);
    const credit = options.alternativeCredit ?? 1;
    const n = chunks.length;
    const order = Int32Array.from({ length: n }, (_, k) => k).sort((a, b) => chunks[a]! - chunks[b]!);
    const sorted = Int32Array.from(order, (k) => chunks[k]!);
    const found = new Float64Array(n);
    const held = new Uint8Array(n);
    const heldAlternative = new Uint8Array(n);
    for (const { idf, lists, alternatives } of terms) {
      held.fill(0);
      heldAlternative.fill(0);
      for (const list of lists) markHeld(list, sorted, held);
      for (const alternative of alternatives) for (const list of alternative) markHeld(list, sorted, heldAlternative);
      for (let k = 0; k < n; k++) {
        const j = order[k]!;
        if (held[k] === 1) found[j] = found[j]! + idf;
        else if (heldAlternative[k] === 1) found[j] = found[j]! + idf * credit;
      }
    }
    for (let k = 0; k < n; k++) found[k] = total > 0 ? found[k]! / total : 0;
    return found;
  }

  /** The question's distinct terms with their weights and the lists coverage looks in, and the weights' sum. */
  private coverageTerms(postings: QueryPostings, queryTerms: string[], options: CoverageOptions) {
    const terms = [...new Set(queryTerms)].map((term) => ({
      idf: this.weight(postings, term),
      lists: this.fieldLists(postings.get(term), options),
      alternatives: (options.alternatives?.get(term) ?? []).map((t) => this.fieldLists(postings.get(t), options)),
    }));
    let total = 0;
    for (const { idf } of terms) total += idf;
    return { terms, total };
  }

  /** The postings lists of a term that coverage looks in: its body's, and its context's unless `bodyOnly`. */
  private fieldLists(entry: TermPostings | undefined, options: CoverageOptions): ArrayLike<number>[] {
    if (!entry) return [];
    return [entry.body, options.bodyOnly ? undefined : entry.context].filter(
      (list): list is NonNullable<typeof list> => list !== undefined,
    );
  }

  /**
   * The idf-weighted share of the question's distinct terms that the index holds anywhere (1 for
   * none); a term held only through an alternative counts in part.
   */
  known(postings: QueryPostings, queryTerms: string[], options: CoverageOptions = {}): number {
    let total = 0;
    let found = 0;
    for (const term of new Set(queryTerms)) {
      const held = postings.has(term);
      const idf = this.weight(postings, term);
      total += idf;
      if (held) found += idf;
      else if (options.alternatives?.get(term)?.some((t) => postings.has(t))) found += idf * (options.alternativeCredit ?? 1);
    }
    return total > 0 ? found / total : 1;
  }

  /**
   * A question term's weight in coverage and known: its idf, and for a term the index never saw,
   * the idf of one seen once, not more: in a small index an unseen word would otherwise outweigh
   * all the others (its idf grows with nothing to stop it).
   */
  private weight(postings: QueryPostings, term: string): number {
    return postings.has(term) ? this.idf(postings, term) : Math.log(1 + (this.data.count - 0.5) / 1.5);
  }

  /** Robertson–Spärck Jones idf as in Lucene: always positive. */
  idf(postings: QueryPostings, term: string): number {
    const df = postings.get(term)?.df ?? 0;
    return Math.log(1 + (this.data.count - df + 0.5) / (df + 0.5));
  }

  private documentIdf(term: string, entry: TermPostings): number {
    let df = this.docDf.get(term);
    if (df === undefined) {
      const { docOf } = this.docs;
      const seen = this.docSeen;
      const marked: number[] = [];
      for (const list of [entry.body, entry.context]) {
        if (!list) continue;
        for (let j = 0; j < list.length; j += 2) {
          const d = docOf[list[j]!]!;
          if (seen[d] === 0) {
            seen[d] = 1;
            marked.push(d);
          }
        }
      }
      for (const d of marked) seen[d] = 0;
      df = marked.length;
      if (this.docDf.size >= DOCUMENT_DF_CACHE) this.docDf.clear();
      this.docDf.set(term, df);
    }
    const n = this.docs.firstChunk.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** 1 - b + b * length / average, per chunk and field and per document, cached for the last b used. */
  private norms(b: number): { body: Float64Array; context: Float64Array; document: Float64Array } {
    if (this.normCache?.b !== b) {
      // A plain loop: Float64Array.from with a mapping function calls it through the iterator
      // protocol, some 30 ms per 100,000 chunks on the first question.
      const norm = (lengths: ArrayLike<number>, avg: number) => {
        const out = new Float64Array(lengths.length);
        for (let i = 0; i < out.length; i++) out[i] = 1 - b + (b * lengths[i]!) / avg;
        return out;
      };
      this.normCache = {
        b,
        body: norm(this.data.bodyLengths, this.avgBody),
        context: norm(this.data.contextLengths, this.avgContext),
        document: norm(this.docBody, this.avgDocBody),
      };
    }
    return this.normCache;
  }

  /**
   * Scores every chunk that holds a query term (and is `allowed`, when a mask is given). Query
   * terms are weighted by how often they occur in the query.
   */
  score(
    postings: QueryPostings,
    queryTerms: string[],
    params: Bm25Params,
    allowed?: Uint8Array,
    weight?: (term: string) => number,
  ): LexicalScores {
    return this.scoreBoth(postings, queryTerms, params, allowed, weight, false).chunks;
  }

  /**
   * Chunks, and whole documents by BM25F (all their chunks' text, and their context line once:
   * evidence a single chunk of a long document does not hold on its own; indexed by document
   * position), scored in the same pass over each term's postings. With a `share`, each chunk's
   * score comes blended with its document's, `(1 - share) × chunk + share × document`, as the
   * scores are gathered: no pass of its own.
   */
  scoreWithDocuments(
    postings: QueryPostings,
    queryTerms: string[],
    params: Bm25Params,
    allowed?: Uint8Array,
    weight?: (term: string) => number,
    share = 0,
  ): { chunks: LexicalScores; documents: Float64Array } {
    const both = this.scoreBoth(postings, queryTerms, params, allowed, weight, true, share);
    return { chunks: both.chunks, documents: both.documents! };
  }

  /**
   * One pass over each term's postings (this loop is most of the cost of a lexical or hybrid
   * question): the body and context lists, both sorted by chunk, are walked together, so each
   * chunk's BM25F frequency is complete when it is reached and saturated at once. A document's
   * chunks are consecutive, so its frequency (its body occurrences, then its context line's) is
   * summed while the walk is inside it. Every sum adds the same terms in the same order as
   * summing field by field did: the scores are the same to the last bit.
   */
  private scoreBoth(
    postings: QueryPostings,
    queryTerms: string[],
    params: Bm25Params,
    allowed: Uint8Array | undefined,
    weight: ((term: string) => number) | undefined,
    documents: boolean,
    share = 0,
  ): { chunks: LexicalScores; documents?: Float64Array } {
    const acc = this.accumulator;
    const touched = this.touchedScratch;
    const { docOf, firstChunk } = this.docs;
    const docScores = documents ? new Float64Array(firstChunk.length) : undefined;
    let touchedCount = 0;
    const { k1, b, contextWeight } = params;
    const { body: bodyNorm, context: contextNorm, document: documentNorm } = this.norms(b);
    const NONE = 0x7fffffff;
    for (const [term, qtf] of termFrequencies(queryTerms)) {
      const entry = postings.get(term);
      if (!entry) continue;
      const w = weight?.(term) ?? 1;
      // Multiplied in this order in both scorings: the last bit of a score depends on it.
      const idf = this.idf(postings, term) * qtf * w;
      const documentIdf = docScores ? this.documentIdf(term, entry) * qtf * w : 0;
      const body = entry.body;
      const context = contextWeight > 0 ? entry.context : undefined;
      const bodyEnd = body ? body.length : 0;
      const contextEnd = context ? context.length : 0;
      let bj = 0;
      let cj = 0;
      // The document being walked: its body frequency so far, its context line's (0 until it
      // counts: adding 0 changes no bit), whether it has either.
      let doc = -1;
      let docBody = 0;
      let docContext = 0;
      let docHit = false;
      while (bj < bodyEnd || cj < contextEnd) {
        const bi = bj < bodyEnd ? body![bj]! : NONE;
        const ci = cj < contextEnd ? context![cj]! : NONE;
        const i = Math.min(bi, ci);
        const ok = !allowed || allowed[i] === 1;
        let f = 0;
        let bodyF = 0;
        let contextF = 0;
        if (bi === i) {
          bodyF = body![bj + 1]!;
          f = f + bodyF / bodyNorm[i]!;
          bj += 2;
        }
        if (ci === i) {
          contextF = (contextWeight * context![cj + 1]!) / contextNorm[i]!;
          f = f + contextF;
          cj += 2;
        }
        if (ok) {
          if (acc[i] === 0) touched[touchedCount++] = i;
          acc[i] = acc[i]! + saturated(idf, f, k1);
        }
        if (!docScores) continue;
        const d = docOf[i]!;
        if (d !== doc) {
          if (docHit) docScores[doc] = docScores[doc]! + saturated(documentIdf, docBody + docContext, k1);
          doc = d;
          docBody = 0;
          docContext = 0;
          docHit = false;
        }
        if (!ok) continue;
        if (bi === i) {
          docBody = docBody + bodyF / documentNorm[d]!;
          docHit = true;
        }
        // A document's context line counts once: its first chunk's.
        if (ci === i && firstChunk[d] === i) {
          docContext = contextF;
          docHit = true;
        }
      }
      if (docScores && docHit) docScores[doc] = docScores[doc]! + saturated(documentIdf, docBody + docContext, k1);
    }
    const ids = touched.slice(0, touchedCount);
    const scores = new Float64Array(touchedCount);
    const blend = docScores !== undefined && share !== 0;
    const chunkShare = 1 - share;
    for (let j = 0; j < touchedCount; j++) {
      const i = ids[j]!;
      scores[j] = blend ? chunkShare * acc[i]! + share * docScores[docOf[i]!]! : acc[i]!;
      acc[i] = 0;
    }
    return { chunks: { ids, scores }, ...(docScores ? { documents: docScores } : {}) };
  }
}
