/**
 * The search engine: embed the question, rank chunks densely (nearest neighbours), lexically
 * (BM25F) or both (fusion), filter, cut to top_k and attach snippets and sources. The index is a
 * backend (index/backend.ts): files in memory or a database; no HTTP or AWS in here.
 */
import type { Embedder } from '../embed/embedder.js';
import type { IndexBackend, NearestWith } from '../index/backend.js';
import type { Manifest } from '../index/manifest.js';
import type { DocumentRecord } from '../index/store.js';
import { LexicalIndex, type CoverageOptions, type LexicalScores } from './bm25f.js';
import type { SparseScores } from '../index/lexical.js';
import { DEFAULT_RANKING, type RankingSettings } from './defaults.js';
import { filterableFields, filterWarnings } from './filter.js';
import { leadingWordsWithin } from '../corpus/segment.js';
import { DocumentLookup } from './documents.js';
import { fuse, fusionFor, type Candidate, type FusionSettings } from './fusion.js';
import { relevanceOfList, uncalibratedModel, type RelevanceFeatures, type RelevanceModel } from './relevance.js';
import { topN } from './top-n.js';
import { passageWindows, type PassageWindow } from './passage-windows.js';
import { orderWithinDocuments } from './passage-order.js';
import { hitsOf } from './hits.js';
import { prepareQuestion, type Prepared } from './prepare.js';
import type { NoAnswer, SearchHit, SearchOutcome, SearchQuery } from './query.js';

export interface ScoredChunk {
  /** Position of the chunk in the chunk store. */
  id: number;
  score: number;
  dense?: number;
  lexical?: number;
}

/** A hit as returned: the window of chunks around its anchor, with its relevance and the evidence behind it. */
export interface Assessed extends ScoredChunk {
  window: PassageWindow;
  relevance: number;
  features: RelevanceFeatures;
}

/** Options of one ranking that no request can set (the evaluation uses them). */
export interface RankOptions {
  /** Leaves these documents (by position) out, as if the index did not hold them. */
  skipDocument?: (doc: number) => boolean;
}

/** What searchers of one index share, whatever their ranking settings. */
interface Shared {
  backend: IndexBackend;
  lexical: LexicalIndex;
  documents: DocumentLookup;
  /** Scratch by chunk position (a candidate's place in its list, plus one), filled and cleared within one synchronous step. */
  candidateSlot: Int32Array;
  /** The same candidates as one bit per chunk, so small that testing thousands of matches against it stays in cache. */
  candidateBits: Uint32Array;
}

/** How many nearest passages make a question's neighbourhood, where a passage's rivals are found. */
const NEIGHBOURHOOD = 20;
/** Ranked chunks looked at per passage wanted: some fall inside an earlier passage's window. */
const ANCHORS_PER_PASSAGE = 4;
const MIN_ANCHORS = 20;
/** Further ranked chunks looked at when whole documents are left out of a ranking. */
const SKIP_DEPTH = 200;
/** What a synonym of a question's word counts for in coverage, against the word itself. */
const SYNONYM_CREDIT = 0.5;
/** How many chunks on each side of a hit may join its window. */
const WINDOW_REACH = 8;

/** Where the time of opening an index went (see openSearcher). */
export interface LoadTimings {
  /** Reading and verifying the index, building the graph and postings in memory. */
  indexMs: number;
  /** Loading the embedder (overlaps the index load). */
  embedderMs: number;
  warmUpMs: number;
  totalMs: number;
}

export class Searcher {
  /** How long opening took, when opened by openSearcher. */
  loadTimings?: LoadTimings;
  readonly index: IndexBackend;
  readonly manifest: Manifest;
  readonly lexical: LexicalIndex;
  readonly relevanceModel: RelevanceModel;
  /** Whole documents by id (GET /documents/{id}, the MCP fetch tool). */
  readonly documents: DocumentLookup;
  private readonly fusion: FusionSettings;
  private fields?: Set<string>;

  private constructor(
    private readonly shared: Shared,
    readonly embedder: Embedder,
    readonly ranking: RankingSettings = DEFAULT_RANKING,
    relevanceModel?: RelevanceModel,
  ) {
    this.index = shared.backend;
    this.manifest = shared.backend.manifest;
    this.lexical = shared.lexical;
    this.documents = shared.documents;
    this.relevanceModel = relevanceModel ?? this.manifest.calibration?.relevance ?? uncalibratedModel(this.manifest.embedder.id);
    this.fusion = fusionFor(this.manifest.embedder.id, ranking.fusion);
  }

  /** A searcher over an opened index (see openSearcher, which also checks the embedder and warms up). */
  static over(backend: IndexBackend, embedder: Embedder, ranking?: RankingSettings): Searcher {
    const firstChunk = backend.documents.firstChunk;
    const n = backend.docOf.length;
    const lexical = new LexicalIndex(backend.lexical, { docOf: backend.docOf, firstChunk });
    const scratch = { candidateSlot: new Int32Array(n), candidateBits: new Uint32Array(Math.ceil(n / 32)) };
    return new Searcher({ backend, lexical, documents: new DocumentLookup(backend), ...scratch }, embedder, ranking);
  }

  /** The same loaded index and model, ranked with other settings (for tuning and evaluation). */
  withRanking(ranking: RankingSettings): Searcher {
    return new Searcher(this.shared, this.embedder, ranking, this.relevanceModel);
  }

  get model(): string {
    return this.manifest.embedder.id;
  }

  async search(q: SearchQuery): Promise<SearchOutcome> {
    const t0 = performance.now();
    // The question's postings are asked for before it is embedded: from a database, they arrive
    // while the model runs instead of after it.
    const preparing = this.prepare(q);
    preparing.catch(() => {}); // awaited below; a failure is reported there, not as unhandled
    const vector = await this.embedQuestion(q.query);
    const embedMs = performance.now() - t0;
    const started = performance.now();
    const { results, noAnswer, warnings } = await this.rank(q, vector, {}, await preparing);
    const searchMs = performance.now() - started;
    return {
      query: q.query,
      mode: q.mode,
      model: this.model,
      results,
      ...(noAnswer ? { noAnswer } : {}),
      ...(warnings?.length ? { warnings } : {}),
      timings: { embedMs, searchMs, totalMs: embedMs + searchMs },
    };
  }

  /**
   * The question's vector. Every mode embeds it: relevance rests on its similarity to the passages.
   * The encoder reads its window and no more: a longer question costs time for nothing.
   */
  async embedQuestion(question: string): Promise<number[]> {
    const window = this.embedder.info.maxTokens;
    const [vector] = await this.embedder.embedQueries([
      leadingWordsWithin(question, window, (t) => this.embedder.countPassageTokens(t)) || question,
    ]);
    return vector!;
  }

  /** The question's terms, their postings from the index, and which chunks its filter allows. */
  prepare(q: Pick<SearchQuery, 'query' | 'filter'>): Promise<Prepared> {
    return prepareQuestion(q, this.lexical, this.index, this.ranking.expansion);
  }

  /** Ranking with a precomputed question vector: passages, cut by relevance, with snippets and sources. */
  async rank(
    q: SearchQuery,
    vector: number[],
    options: RankOptions = {},
    preparedEarlier?: Prepared,
  ): Promise<{ results: SearchHit[]; noAnswer?: NoAnswer; warnings?: string[] }> {
    const prepared = preparedEarlier ?? (await this.prepare(q));
    const { mask } = prepared;
    if (mask?.count === 0) {
      const documents = this.index.documents;
      this.fields ??= filterableFields(documents);
      return { results: [], warnings: filterWarnings(q.filter, documents, this.fields, mask) };
    }
    const assessed = await this.passages(q, vector, prepared, options);
    const minRelevance = q.minRelevance ?? 0;
    // Relevance falls with the rank (relevanceOfList), so the threshold keeps a prefix.
    const kept = assessed.filter((a) => a.relevance >= minRelevance);
    const results = hitsOf(this.index, this.lexical, kept, prepared);
    if (kept.length > 0 || assessed.length === 0) return { results };
    return { results, noAnswer: { bestRelevance: assessed[0]!.relevance, minRelevance } };
  }

  /**
   * The passages a hybrid request for `question` with this `topK` gets, before any threshold: what
   * calibration and evaluation ask, with a question vector they computed beforehand.
   */
  async ask(question: string, vector: number[], topK: number, options: RankOptions = {}): Promise<Assessed[]> {
    const query = { query: question, topK, mode: 'hybrid' as const };
    return this.passages(query, vector, await this.prepare(query), options);
  }

  /**
   * The passages a request gets, best first, before any threshold: the ranked chunks as windows
   * (passage-windows.ts), each with the evidence of its relevance. Deep enough in the ranking that
   * `topK` windows are made though some hits fall inside an earlier window.
   */
  async passages(q: SearchQuery, vector: number[], prepared: Prepared, options: RankOptions = {}): Promise<Assessed[]> {
    const depth = Math.max(q.topK * ANCHORS_PER_PASSAGE, MIN_ANCHORS);
    let scored = await this.scoreChunks({ ...q, topK: depth + (options.skipDocument ? SKIP_DEPTH : 0) }, vector, prepared);
    const skip = options.skipDocument;
    if (skip) scored = scored.filter((s) => !skip(this.index.docOf[s.id]!)).slice(0, depth);
    const byId = new Map(scored.map((s) => [s.id, s]));
    const { docOf, documents } = this.index;
    const windows = await passageWindows(
      scored.map((s) => s.id),
      q.topK,
      {
        maxChars: this.ranking.passageChars,
        reach: WINDOW_REACH,
        documentRange: (chunk) => documents.get(docOf[chunk]!),
        fetch: (ids) => this.index.chunks(ids),
      },
    );
    return this.assess(
      windows.map((w) => ({ ...byId.get(w.anchor)!, window: w })),
      vector,
      prepared,
    );
  }

  /**
   * Relevance of ranked passages from the first one's evidence (its cosine, the share of the
   * question's distinctive terms the passage holds, its gap to the nearest rival) and how far
   * each one's score falls below the first's.
   */
  private async assess(ranked: (ScoredChunk & { window: PassageWindow })[], vector: number[], prepared: Prepared): Promise<Assessed[]> {
    if (ranked.length === 0) return [];
    // Hybrid and dense candidates carry their similarity already; only lexical ones need it computed.
    const unknown = ranked.filter((s) => s.dense === undefined).map((s) => s.id);
    const { nearest: near, similarities: computed } = await this.denseSearch(vector, NEIGHBOURHOOD, prepared, unknown);
    const computedOf = new Map(unknown.map((id, j) => [id, computed[j]!]));
    const cosines = ranked.map((s) => s.dense ?? computedOf.get(s.id)!);
    // A word held only through its synonym or shorter form still says the index speaks of it.
    const known = this.lexical.known(prepared.postings, prepared.terms, { ...this.coverageOptions(prepared), alternativeCredit: 1 });
    const coverage = this.coverageOf(prepared);
    const features = ranked.map((s, i) => {
      const cosine = cosines[i]!;
      let rival = -Infinity;
      near.ids.forEach((id, j) => {
        if (id !== s.id && near.scores[j]! > rival) rival = near.scores[j]!;
      });
      const chunks = Array.from({ length: s.window.last - s.window.first + 1 }, (_, j) => s.window.first + j);
      return {
        cosine,
        coverage: coverage(chunks),
        gap: rival === -Infinity ? 0 : cosine - rival,
        known,
      };
    });
    const relevances = relevanceOfList(
      features,
      ranked.map((s) => s.score),
      this.relevanceModel,
    );
    return ranked.map((s, i) => ({ ...s, relevance: relevances[i]!, features: features[i]! }));
  }

  /**
   * The ranking alone: chunk positions and scores, best first, after min_score and top_k; no
   * snippets or sources (the evaluation asks for a thousand chunks per query and needs none).
   */
  async scoreChunks(q: SearchQuery, vector: number[] | undefined, prepared?: Prepared): Promise<ScoredChunk[]> {
    const p = prepared ?? (await this.prepare(q));
    if (p.mask && p.mask.count === 0) return [];
    let scored: ScoredChunk[];
    if (q.mode === 'lexical') {
      const lex = topN(this.lexicalScores(p), q.topK);
      scored = lex.ids.map((id, j) => ({ id, score: lex.scores[j]!, lexical: lex.scores[j]! }));
    } else if (q.mode === 'dense') {
      const { nearest: dense } = await this.denseSearch(vector!, q.topK, p);
      scored = dense.ids.map((id, j) => ({ id, score: dense.scores[j]!, dense: dense.scores[j]! }));
    } else {
      scored = await this.hybrid(p, vector!);
    }
    const minScore = q.minScore ?? -Infinity;
    return scored.filter((s) => s.score >= minScore).slice(0, q.topK);
  }

  /** The document a chunk (by position) belongs to. */
  documentOf(chunk: number): DocumentRecord {
    return this.index.documents.get(this.index.docOf[chunk]!);
  }

  /**
   * Lexical evidence: BM25 of every matching chunk, blended with its whole document's BM25.
   * `of(id)` gives the blended score of any chunk, matching or not: a chunk without the query's
   * words still inherits its document's share (a constant within one document, so it does not
   * reorder the passages of a single document).
   */
  private lexicalScores({
    terms: own,
    expansion,
    postings,
    mask,
  }: Prepared): LexicalScores & { of: (id: number, chunkScore: number) => number } {
    const terms = expansion ? [...own, ...expansion.keys()] : own;
    const weight = expansion ? (t: string) => expansion.get(t) ?? 1 : undefined;
    const share = this.ranking.documentLexicalWeight;
    if (share === 0)
      return { ...this.lexical.score(postings, terms, this.ranking.bm25, mask?.allowed, weight), of: (_id, chunkScore) => chunkScore };
    const { chunks, documents: docs } = this.lexical.scoreWithDocuments(postings, terms, this.ranking.bm25, mask?.allowed, weight, share);
    const { docOf } = this.index;
    const chunkShare = 1 - share;
    // The matches come blended; `of` blends any other chunk the same way.
    const of = (id: number, chunkScore: number) => chunkShare * chunkScore + share * docs[docOf[id]!]!;
    return { ...chunks, of };
  }

  /**
   * The k nearest chunks (known from an earlier search, found by this Searcher's own scan of a
   * small filter's chunks, or searched by the backend), and the similarity of each of `alongside`:
   * asked of the backend with its search where it can answer both in one request, else after it.
   */
  private async denseSearch(vector: number[], k: number, prepared: Prepared, alongside: readonly number[] = []): Promise<NearestWith> {
    const known = prepared.nearest;
    const { mask } = prepared;
    let nearest: SparseScores;
    if (known && known.ids.length >= k) nearest = { ids: known.ids.slice(0, k), scores: known.scores.slice(0, k) };
    else {
      if (mask && mask.count <= this.ranking.exactScanLimit) {
        const ids: number[] = [];
        mask.allowed.forEach((ok, i) => {
          if (ok) ids.push(i);
        });
        nearest = topN({ ids, scores: await this.index.similarities(ids, vector) }, k);
      } else if (alongside.length > 0 && this.index.nearestWith) {
        const found = await this.index.nearestWith(vector, k, alongside, mask?.allowed);
        prepared.nearest = found.nearest;
        return found;
      } else nearest = await this.index.nearest(vector, k, mask?.allowed);
      prepared.nearest = nearest;
    }
    if (alongside.length === 0) return { nearest, similarities: [] };
    const similarity = new Map(nearest.ids.map((id, j) => [id, nearest.scores[j]!]));
    const rest = alongside.filter((id) => !similarity.has(id));
    const computed = rest.length > 0 ? await this.index.similarities(rest, vector) : [];
    rest.forEach((id, j) => {
      similarity.set(id, computed[j]!);
    });
    return { nearest, similarities: alongside.map((id) => similarity.get(id)!) };
  }

  private async hybrid(prepared: Prepared, vector: number[]): Promise<ScoredChunk[]> {
    const candidates = await this.candidates(prepared, vector);
    // Fused scores, then (passageOrder) handed among each document's candidates in their own order.
    const scores = fuse(candidates, this.fusion);
    const order = this.ranking.passageOrder;
    const { docOf } = this.index;
    if (order) {
      // A passage's own evidence only orders it among its document's other candidates: a
      // document with one candidate needs none, and keeps its score.
      const perDocument = new Map<number, number>();
      for (const c of candidates) {
        const doc = docOf[c.id]!;
        perDocument.set(doc, (perDocument.get(doc) ?? 0) + 1);
      }
      const shared: number[] = [];
      candidates.forEach((c, i) => {
        if (perDocument.get(docOf[c.id]!)! > 1) shared.push(i);
      });
      const covered = this.lexical.coverageOfEach(
        prepared.postings,
        prepared.terms,
        shared.map((i) => candidates[i]!.id),
        { bodyOnly: order.bodyOnly, ...this.coverageOptions(prepared) },
      );
      const reordered = orderWithinDocuments(
        shared.map((i, j) => {
          const c = candidates[i]!;
          return { id: c.id, doc: docOf[c.id]!, score: scores[i]!, key: order.coverageWeight * covered[j]! + c.dense };
        }),
      );
      shared.forEach((i, j) => {
        scores[i] = reordered[j]!;
      });
    }
    return candidates
      .map((c, i) => ({ id: c.id, score: scores[i]!, dense: c.dense, lexical: c.lexical }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /** The hybrid candidate pool: the best of each side, each candidate with both of its exact scores. */
  private async candidates(prepared: Prepared, vector: number[]): Promise<Candidate[]> {
    const n = this.ranking.candidates;
    const lexAll = this.lexicalScores(prepared);
    // Dense candidates come with their similarity from the nearest-neighbour search; lexical ones get it exactly.
    const lexicalTop = topN(lexAll, n).ids;
    const { nearest: denseHits, similarities } = await this.denseSearch(vector, n, prepared, lexicalTop);
    const dense = new Map<number, number>();
    denseHits.ids.forEach((id, j) => {
      dense.set(id, denseHits.scores[j]!);
    });
    lexicalTop.forEach((id, j) => {
      if (!dense.has(id)) dense.set(id, similarities[j]!);
    });
    // Each candidate's lexical score: its blended score if it matched, else its document's share
    // (candidates the dense side brings in without a match of their own). One pass over the
    // matches, each tested against the candidates' bits and only a candidate's slot read; no
    // await from here on: the slots and bits are shared.
    const { candidateSlot: slot, candidateBits: bits } = this.shared;
    const candidates: Candidate[] = [];
    for (const [id, similarity] of dense) {
      candidates.push({ id, dense: similarity, lexical: lexAll.of(id, 0) });
      slot[id] = candidates.length;
      bits[id >>> 5] = bits[id >>> 5]! | (1 << (id & 31));
    }
    const { ids: matched, scores } = lexAll;
    for (let j = 0; j < matched.length; j++) {
      const id = matched[j]!;
      if ((bits[id >>> 5]! & (1 << (id & 31))) !== 0) candidates[slot[id]! - 1]!.lexical = scores[j]!;
    }
    for (const c of candidates) {
      slot[c.id] = 0;
      bits[c.id >>> 5] = 0;
    }
    return candidates;
  }

  /** The share of the question's distinctive terms a passage holds (a synonym of one counts in part). */
  private coverageOf(prepared: Prepared): (chunks: readonly number[]) => number {
    return this.lexical.coverageOf(prepared.postings, prepared.terms, this.coverageOptions(prepared));
  }

  private coverageOptions(prepared: Prepared): CoverageOptions {
    return prepared.alternatives ? { alternatives: prepared.alternatives, alternativeCredit: SYNONYM_CREDIT } : {};
  }
}
