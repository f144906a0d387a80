/**
 * The search engine: embed the question, rank chunks densely (HNSW), lexically (BM25F) or both
 * (fusion), filter, cut to top_k and attach snippets and sources. No HTTP or AWS in here.
 */
import type { Embedder } from '../embed/embedder.js';
import { IndexLoadError, readIndexFiles, rebuildCommand, type IndexFiles } from '../index/read-index.js';
import { readManifest } from '../index/read-index.js';
import type { Manifest } from '../index/manifest.js';
import { hnswSettings } from '../index/settings.js';
import type { ChunkStore, DocumentRecord } from '../index/store.js';
import type { Metadata } from '../corpus/document.js';
import { LexicalIndex, type SparseScores } from '../index/bm25.js';
import { DEFAULT_RANKING, type RankingSettings } from './defaults.js';
import { compileFilter, filterableFields, filterWarnings, type ChunkMask, type Filter } from './filter.js';
import { leadingWordsWithin } from '../corpus/segment.js';
import { DocumentLookup } from './documents.js';
import { fuse, fusionFor, type Candidate, type FusionSettings } from './fusion.js';
import { HnswIndex } from '../index/hnsw.js';
import { bestSentence, type Snippet } from './snippet.js';
import { unflattenSpans } from '../index/store.js';
import { relevance, relevanceModelFor, type RelevanceFeatures, type RelevanceModel } from './relevance.js';
import { topN } from './top-n.js';
import type { VectorStore } from '../index/vectors.js';

export type SearchMode = 'hybrid' | 'dense' | 'lexical';

export interface SearchQuery {
  query: string;
  topK: number;
  mode: SearchMode;
  /** Results scoring below this are dropped (scores are on the mode's own scale). */
  minScore?: number;
  /** Results whose calibrated relevance is below this are dropped (0 keeps every result). */
  minRelevance?: number;
  filter?: Filter;
}

export interface SearchHit {
  rank: number;
  id: string;
  docId: string;
  title: string;
  text: string;
  section: string[];
  score: number;
  /** Calibrated chance that the passage answers the question, comparable across questions. */
  relevance: number;
  /** The evidence behind the score: cosine similarity and BM25, where computed. */
  scores: { dense?: number; lexical?: number };
  snippet: Snippet;
  source: { path: string; url?: string; page?: number; charStart: number; charEnd: number };
  metadata: Metadata;
}

export interface ScoredChunk {
  /** Position of the chunk in the chunk store. */
  id: number;
  score: number;
  dense?: number;
  lexical?: number;
}

export interface Assessed extends ScoredChunk {
  relevance: number;
  features: RelevanceFeatures;
}

/** Why a search returned nothing although the index has passages. */
export interface NoAnswer {
  /** The best candidate's relevance, under the threshold. */
  bestRelevance: number;
  minRelevance: number;
}

export interface SearchOutcome {
  query: string;
  mode: SearchMode;
  model: string;
  results: SearchHit[];
  noAnswer?: NoAnswer;
  /** Why a filter matched nothing, when it can be told (a field no document has). */
  warnings?: string[];
  timings: { embedMs: number; searchMs: number; totalMs: number };
}

export type OpenOptions = (
  | { /** Loads the embedder the manifest names. */ loadEmbedder: (id: string) => Promise<Embedder>; embedder?: undefined }
  | { /** An already loaded embedder; must be the one the index was built with. */ embedder: Embedder; loadEmbedder?: undefined }
) & { ranking?: RankingSettings };

/** Everything read from an index directory, shared by searchers with different ranking settings. */
interface LoadedIndex {
  manifest: Manifest;
  store: ChunkStore;
  vectors: VectorStore;
  hnsw: HnswIndex;
  lexical: LexicalIndex;
  docOf: Int32Array;
}

function loadIndex(files: IndexFiles, hnsw: HnswIndex): LoadedIndex {
  const { store } = files;
  const docOf = new Int32Array(store.chunks.length);
  store.chunks.forEach((c, i) => (docOf[i] = c.doc));
  const firstChunk = Int32Array.from(store.documents, (d) => d.first);
  return { manifest: files.manifest, store, vectors: files.vectors, hnsw, lexical: new LexicalIndex(files.lexical, { docOf, firstChunk }), docOf };
}

const WARM_UP_QUERY = 'warm up the model';

/** How many nearest passages make a question's neighbourhood, where a passage's rivals are found. */
const NEIGHBOURHOOD = 20;

export interface LoadTimings {
  /** Reading and verifying the index files, building the graph and postings in memory. */
  indexMs: number;
  /** Loading the embedder (overlaps the index load). */
  embedderMs: number;
  warmUpMs: number;
  totalMs: number;
}

export class Searcher {
  loadTimings?: LoadTimings;
  readonly lexical: LexicalIndex;
  readonly store: ChunkStore;
  readonly manifest: Manifest;
  readonly vectors: VectorStore;
  private readonly hnsw: HnswIndex;
  private readonly lexicalLookup: Float64Array;
  private readonly matchedLookup: Uint8Array;
  readonly relevanceModel: RelevanceModel;
  /** Whole documents by id (GET /documents/{id}, the MCP fetch tool). */
  readonly documents: DocumentLookup;
  private readonly fusion: FusionSettings;
  private fields?: Set<string>;

  private constructor(
    private readonly index: LoadedIndex,
    readonly embedder: Embedder,
    readonly ranking: RankingSettings = DEFAULT_RANKING,
  ) {
    this.manifest = index.manifest;
    this.store = index.store;
    this.vectors = index.vectors;
    this.hnsw = index.hnsw;
    this.lexical = index.lexical;
    this.lexicalLookup = new Float64Array(index.store.chunks.length);
    this.matchedLookup = new Uint8Array(index.store.chunks.length);
    this.relevanceModel = relevanceModelFor(index.manifest.embedder.id);
    this.fusion = fusionFor(index.manifest.embedder.id, ranking.fusion);
    this.documents = new DocumentLookup(index.store);
  }

  /** The same loaded index and model, ranked with other settings (for tuning and evaluation). */
  withRanking(ranking: RankingSettings): Searcher {
    return new Searcher(this.index, this.embedder, ranking);
  }

  /** Loads the index and its embedder in parallel; refuses an embedder the index was not built with. */
  static async open(dir: string, options: OpenOptions): Promise<Searcher> {
    const started = performance.now();
    const manifest = readManifest(dir);
    const wanted = manifest.embedder.id;
    const embedderPromise = options.embedder ? Promise.resolve(options.embedder) : options.loadEmbedder(wanted);
    let embedderReady = 0;
    embedderPromise.then(
      () => (embedderReady = performance.now()),
      () => {}, // reported below, after the index checks
    );
    const files = await readIndexFiles(dir);
    const hnsw = HnswIndex.read(files.hnswFile, manifest.embedder.dimension, hnswSettings(manifest.hnsw));
    if (hnsw.count !== manifest.counts.chunks) {
      throw new IndexLoadError('index_corrupt', `HNSW graph in ${dir} holds ${hnsw.count} vectors, not ${manifest.counts.chunks}`, `rebuild it with \`${rebuildCommand(dir, ' --force')}\``);
    }
    const indexLoaded = performance.now();
    const embedder = await embedderPromise;
    const info = embedder.info;
    if (info.id !== wanted || info.dimension !== manifest.embedder.dimension) {
      throw new IndexLoadError(
        'embedder_mismatch',
        `index at ${dir} was built with embedder "${wanted}" (${manifest.embedder.dimension}-d) but the server runs "${info.id}" (${info.dimension}-d)`,
        `serve it with embedder "${wanted}", or rebuild it with \`${rebuildCommand(dir, ` --embedder ${info.id}`)}\``,
      );
    }
    const searcher = new Searcher(loadIndex(files, hnsw), embedder, options.ranking);
    const beforeWarmUp = performance.now();
    // The first inferences compile and tier up the model's kernels: pay that at load, not in a request.
    await searcher.search({ query: WARM_UP_QUERY, topK: 1, mode: 'hybrid' });
    const done = performance.now();
    searcher.loadTimings = {
      indexMs: indexLoaded - started,
      embedderMs: (embedderReady || beforeWarmUp) - started,
      warmUpMs: done - beforeWarmUp,
      totalMs: done - started,
    };
    return searcher;
  }

  get model(): string {
    return this.manifest.embedder.id;
  }

  async search(q: SearchQuery): Promise<SearchOutcome> {
    const t0 = performance.now();
    // Every mode embeds the question: relevance rests on its similarity to the passages.
    // The encoder reads its window and no more: a longer question costs time for nothing.
    const window = this.embedder.info.maxTokens;
    const [vector] = await this.embedder.embedQueries([leadingWordsWithin(q.query, window, (t) => this.embedder.countPassageTokens(t)) || q.query]);
    const embedMs = performance.now() - t0;
    const started = performance.now();
    const { results, noAnswer, warnings } = this.rank(q, vector!);
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

  /** Ranking with a precomputed question vector, cut by relevance, with snippets and sources. */
  rank(q: SearchQuery, vector: number[]): { results: SearchHit[]; noAnswer?: NoAnswer; warnings?: string[] } {
    const terms = this.lexical.analyze(q.query);
    const queryTerms = new Set(terms);
    const mask = compileFilter(q.filter, this.store);
    if (mask?.count === 0) return { results: [], warnings: filterWarnings(q.filter, this.store, (this.fields ??= filterableFields(this.store)), mask) };
    const assessed = this.assess(this.scoreChunks(q, vector, terms, mask), vector, terms, mask);
    const minRelevance = q.minRelevance ?? 0;
    const kept = assessed.filter((a) => a.relevance >= minRelevance);
    const results = kept.map((s, r) => this.hit(s, r + 1, queryTerms));
    if (kept.length > 0 || assessed.length === 0) return { results };
    return { results, noAnswer: { bestRelevance: Math.max(...assessed.map((a) => a.relevance)), minRelevance } };
  }

  /** Relevance of ranked chunks from their cosine, the question's terms they hold, and their gap to the nearest rival. */
  assess(scored: ScoredChunk[], vector: number[], terms: string[], mask?: ChunkMask): Assessed[] {
    if (scored.length === 0) return [];
    const near = this.denseSearch(vector, NEIGHBOURHOOD, mask);
    return scored.map((s) => {
      const cosine = this.vectors.dot(s.id, vector);
      let rival = -Infinity;
      near.ids.forEach((id, j) => {
        if (id !== s.id && near.scores[j]! > rival) rival = near.scores[j]!;
      });
      const features = { cosine, coverage: this.lexical.coverage(terms, s.id), gap: rival === -Infinity ? 0 : cosine - rival };
      return { ...s, relevance: relevance(features, this.relevanceModel), features };
    });
  }

  /**
   * The ranking alone: chunk positions and scores, best first, after min_score and top_k; no
   * snippets or sources (the evaluation asks for a thousand chunks per query and needs none).
   */
  scoreChunks(
    q: SearchQuery,
    vector: number[] | undefined,
    terms: string[] = this.lexical.analyze(q.query),
    mask: ChunkMask | undefined = compileFilter(q.filter, this.store),
  ): ScoredChunk[] {
    if (mask && mask.count === 0) return [];
    let scored: ScoredChunk[];
    if (q.mode === 'lexical') {
      const lex = topN(this.lexicalScores(terms, mask), q.topK);
      scored = lex.ids.map((id, j) => ({ id, score: lex.scores[j]!, lexical: lex.scores[j]! }));
    } else if (q.mode === 'dense') {
      const dense = this.denseSearch(vector!, q.topK, mask);
      scored = dense.ids.map((id, j) => ({ id, score: dense.scores[j]!, dense: dense.scores[j]! }));
    } else {
      scored = this.hybrid(terms, vector!, mask);
    }
    const minScore = q.minScore ?? -Infinity;
    return scored.filter((s) => s.score >= minScore).slice(0, q.topK);
  }

  /** The document a chunk (by position) belongs to. */
  documentOf(chunk: number): DocumentRecord {
    return this.store.documents[this.index.docOf[chunk]!]!;
  }

  /**
   * Lexical evidence: BM25 of every matching chunk, blended with its whole document's BM25.
   * `of(id)` gives the blended score of any chunk, matching or not: a chunk without the query's
   * words still inherits its document's share (a constant within one document, so it does not
   * reorder the passages of a single document).
   */
  private lexicalScores(terms: string[], mask: ChunkMask | undefined): SparseScores & { of: (id: number, chunkScore: number) => number } {
    const allow = mask ? (i: number) => mask.allowed[i] === 1 : undefined;
    const chunks = this.lexical.score(terms, this.ranking.bm25, allow);
    const share = this.ranking.documentLexicalWeight;
    if (share === 0) return { ...chunks, of: (_id, chunkScore) => chunkScore };
    const docs = this.lexical.scoreDocuments(terms, this.ranking.bm25, allow);
    const { docOf } = this.index;
    const of = (id: number, chunkScore: number) => (1 - share) * chunkScore + share * docs[docOf[id]!]!;
    return { ids: chunks.ids, scores: chunks.ids.map((id, j) => of(id, chunks.scores[j]!)), of };
  }

  private denseSearch(vector: number[], k: number, mask: ChunkMask | undefined): SparseScores {
    if (mask && mask.count <= this.ranking.exactScanLimit) {
      const ids: number[] = [];
      const scores: number[] = [];
      mask.allowed.forEach((ok, i) => {
        if (ok) {
          ids.push(i);
          scores.push(this.vectors.dot(i, vector));
        }
      });
      return topN({ ids, scores }, k);
    }
    return this.hnsw.search(vector, k, mask ? (i) => mask.allowed[i] === 1 : undefined);
  }

  private hybrid(terms: string[], vector: number[], mask: ChunkMask | undefined): ScoredChunk[] {
    const candidates = this.candidates(terms, vector, mask);
    const fused = fuse(candidates, this.fusion);
    return candidates
      .map((c, i) => ({ id: c.id, score: fused[i]!, dense: c.dense, lexical: c.lexical }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
  }

  /** The hybrid candidate pool: the best of each side, each candidate with both of its exact scores. */
  private candidates(terms: string[], vector: number[], mask?: ChunkMask): Candidate[] {
    const n = this.ranking.candidates;
    const lexAll = this.lexicalScores(terms, mask);
    // Every matching chunk's blended score, by position; candidates the dense side brings in
    // without a match of their own still get their document's share.
    const lexScore = this.lexicalLookup;
    const matched = this.matchedLookup;
    lexAll.ids.forEach((id, j) => {
      lexScore[id] = lexAll.scores[j]!;
      matched[id] = 1;
    });
    // Dense candidates come with their similarity from the graph; lexical ones get it exactly.
    const denseHits = this.denseSearch(vector, n, mask);
    const dense = new Map<number, number>();
    denseHits.ids.forEach((id, j) => dense.set(id, denseHits.scores[j]!));
    for (const id of topN(lexAll, n).ids) if (!dense.has(id)) dense.set(id, this.vectors.dot(id, vector));
    const candidates: Candidate[] = [];
    for (const [id, similarity] of dense) candidates.push({ id, dense: similarity, lexical: matched[id] ? lexScore[id]! : lexAll.of(id, 0) });
    for (const id of lexAll.ids) {
      lexScore[id] = 0;
      matched[id] = 0;
    }
    return candidates;
  }

  private hit(s: Assessed, rank: number, queryTerms: Set<string>): SearchHit {
    const chunk = this.store.chunks[s.id]!;
    const doc = this.store.documents[chunk.doc]!;
    return {
      rank,
      id: chunk.id,
      docId: doc.id,
      title: doc.title,
      text: chunk.text,
      section: chunk.section,
      score: s.score,
      relevance: s.relevance,
      scores: { ...(s.dense !== undefined ? { dense: s.dense } : {}), ...(s.lexical !== undefined ? { lexical: s.lexical } : {}) },
      snippet: bestSentence(chunk.text, queryTerms, (t) => this.lexical.idf(t), this.lexical.data.analyzer, chunk.sentences && unflattenSpans(chunk.sentences)),
      source: { path: doc.path, ...(doc.url ? { url: doc.url } : {}), ...(chunk.page !== undefined ? { page: chunk.page } : {}), charStart: chunk.start, charEnd: chunk.end },
      metadata: doc.metadata,
    };
  }
}
