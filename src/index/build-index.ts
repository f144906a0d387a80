/**
 * corpus -> chunks -> embeddings -> index directory. Chunks whose exact embedding input was
 * embedded by the previous build with the same settings reuse that vector, so editing one file
 * re-embeds only its changed passages. Nothing is published until every file is written.
 */
import fs from 'node:fs';
import { loadCorpus, type LoadOptions, type SkippedFile } from '../corpus/load-corpus.js';
import { chunkDocument, contextLine, type Chunk } from '../corpus/chunker.js';
import type { SourceDocument } from '../corpus/document.js';
import type { Embedder } from '../embed/embedder.js';
import { buildLexicalIndex } from '../search/bm25.js';
import { HnswIndex } from '../search/hnsw.js';
import { VectorStore } from '../search/vectors.js';
import { acquireBuildLock } from './build-lock.js';
import { removeStaleStaging, sha256, Staging } from './commit.js';
import { FORMAT_VERSION, INDEX_FORMAT, type Manifest } from './manifest.js';
import { readIndexFiles, readManifest } from './read-index.js';
import { DEFAULT_BUILD_SETTINGS, type BuildSettings } from './settings.js';
import type { ChunkStore, DocumentRecord } from './store.js';
import { embedInBatches, type EmbedProgress } from './embed-batches.js';
import { defaultWorkerCount, embedInWorkers } from '../embed/embed-pool.js';

export interface BuildOptions {
  corpus: string;
  out: string;
  embedder: Embedder;
  settings?: Partial<BuildSettings>;
  /** Rebuild even when the corpus and settings are unchanged (vectors are still reused). */
  force?: boolean;
  load?: LoadOptions;
  /** Stage lines ("build: embedding 40 chunks") for the console. */
  log?: (line: string) => void;
  onProgress?: EmbedProgress;
  /** Worker threads for embedding (default: one per core); small jobs stay in this thread. */
  workers?: number;
}

export interface BuildReport {
  status: 'built' | 'unchanged';
  out: string;
  documents: { added: string[]; changed: string[]; removed: string[]; unchanged: string[] };
  chunks: { total: number; embedded: number; reused: number };
  skipped: SkippedFile[];
  seconds: number;
  manifest: Manifest;
}

export class EmptyCorpusError extends Error {}

function documentHash(doc: SourceDocument): string {
  return sha256(JSON.stringify([doc.id, doc.title, doc.text, doc.blocks, doc.source, doc.metadata]));
}

function settingsHash(embedder: Embedder, manifestSettings: Pick<Manifest, 'chunking' | 'lexical' | 'hnsw'>): string {
  return sha256(JSON.stringify([FORMAT_VERSION, embedder.info, manifestSettings]));
}

export function inputHash(input: string): string {
  return sha256(input).slice(0, 32);
}

/**
 * Vectors of the previous build keyed by the hash of their exact embedding input. Chunking
 * settings may have changed: a passage whose input is the same still has the same vector, as long
 * as the embedder is the same.
 */
function previousVectors(out: string, embedder: Manifest['embedder']): Map<string, number[]> {
  const reuse = new Map<string, number[]>();
  let previous;
  try {
    previous = readIndexFiles(out);
  } catch {
    return reuse; // nothing usable to reuse: embed everything
  }
  if (JSON.stringify(previous.manifest.embedder) !== JSON.stringify(embedder)) return reuse;
  previous.store.chunks.forEach((chunk, i) => reuse.set(chunk.hash, previous.vectors.row(i)));
  return reuse;
}

export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const settings: BuildSettings = { ...DEFAULT_BUILD_SETTINGS, ...options.settings };
  const { embedder } = options;
  const maxTokens = Math.min(settings.maxTokens ?? embedder.info.maxTokens, embedder.info.maxTokens);
  const manifestSettings = {
    chunking: { max_tokens: maxTokens, overlap_sentences: settings.overlapSentences, min_tokens: settings.minTokens, context: settings.context },
    lexical: settings.analyzer,
    hnsw: {
      space: 'cosine' as const,
      m: settings.hnsw.m,
      ef_construction: settings.hnsw.efConstruction,
      ef_search: settings.hnsw.efSearch,
      seed: settings.hnsw.seed,
    },
  };
  const settingsHashValue = settingsHash(embedder, manifestSettings);
  const embedderRecord: Manifest['embedder'] = {
    id: embedder.info.id,
    dimension: embedder.info.dimension,
    max_tokens: embedder.info.maxTokens,
    pooling: embedder.info.pooling,
    normalize: embedder.info.normalize,
    query_prefix: embedder.info.queryPrefix,
    passage_prefix: embedder.info.passagePrefix,
    variant: embedder.info.variant,
  };

  log(`build: reading corpus ${options.corpus}`);
  const corpus = await loadCorpus(options.corpus, options.load);
  for (const s of corpus.skipped) log(`build: skipped ${s.path}: ${s.reason}`);
  if (corpus.documents.length === 0) {
    throw new EmptyCorpusError(`no readable documents in ${options.corpus}; the index was left as it was`);
  }
  const hashes = corpus.documents.map(documentHash);
  const fingerprint = sha256(JSON.stringify([settingsHashValue, corpus.documents.map((d, i) => [d.id, hashes[i]])]));

  const release = acquireBuildLock(ensureDir(options.out));
  try {
    removeStaleStaging(options.out);
    let previous: Manifest | undefined;
    try {
      previous = readManifest(options.out);
    } catch {
      previous = undefined;
    }
    const before = new Map((previous?.corpus.documents ?? []).map((d) => [d.id, d.hash]));
    const documents = { added: [] as string[], changed: [] as string[], removed: [] as string[], unchanged: [] as string[] };
    corpus.documents.forEach((doc, i) => {
      const old = before.get(doc.id);
      if (old === undefined) documents.added.push(doc.id);
      else if (old !== hashes[i] || previous?.corpus.settings_hash !== settingsHashValue) documents.changed.push(doc.id);
      else documents.unchanged.push(doc.id);
    });
    const current = new Set(corpus.documents.map((d) => d.id));
    documents.removed = [...before.keys()].filter((id) => !current.has(id));

    if (previous && previous.corpus.fingerprint === fingerprint && !options.force) {
      try {
        readIndexFiles(options.out); // unchanged only counts if the files are intact
        log('build: corpus and settings unchanged, index is up to date');
        return {
          status: 'unchanged',
          out: options.out,
          documents,
          chunks: { total: previous.counts.chunks, embedded: 0, reused: previous.counts.chunks },
          skipped: corpus.skipped,
          seconds: (performance.now() - started) / 1000,
          manifest: previous,
        };
      } catch {
        log('build: existing index is damaged, rebuilding');
      }
    }

    log('build: chunking');
    const count = (t: string) => embedder.countPassageTokens(t);
    const chunking = { maxTokens, overlapSentences: settings.overlapSentences, context: settings.context, minTokens: settings.minTokens };
    const perDoc: Chunk[][] = corpus.documents.map((doc) => chunkDocument(doc, chunking, count));
    const store: ChunkStore = { documents: [], chunks: [] };
    const inputs: string[] = [];
    const lexicalInputs: { body: string; context: string }[] = [];
    corpus.documents.forEach((doc, d) => {
      const chunks = perDoc[d]!;
      const record: DocumentRecord = {
        id: doc.id,
        title: doc.title,
        path: doc.source.path,
        format: doc.source.format,
        ...(doc.source.url ? { url: doc.source.url } : {}),
        metadata: doc.metadata,
        first: store.chunks.length,
        count: chunks.length,
      };
      store.documents.push(record);
      for (const c of chunks) {
        store.chunks.push({
          id: c.id,
          doc: d,
          text: c.text,
          start: c.start,
          end: c.end,
          section: c.section,
          ...(c.page !== undefined ? { page: c.page } : {}),
          hash: inputHash(c.embedInput),
        });
        inputs.push(c.embedInput);
        lexicalInputs.push({ body: c.text, context: contextLine(doc.title, c.section, 'title+section') });
      }
    });

    const reuse = previousVectors(options.out, embedderRecord);
    const rows: (number[] | undefined)[] = store.chunks.map((chunk) => reuse.get(chunk.hash));
    const missing = rows.flatMap((row, i) => (row ? [] : [i]));
    log(`build: embedding ${missing.length} of ${rows.length} chunks (${rows.length - missing.length} reused)`);
    const fresh = await embedPassages(embedder, missing.map((i) => inputs[i]!), options.workers ?? defaultWorkerCount(), options.onProgress);
    missing.forEach((i, j) => (rows[i] = fresh[j]));
    const vectors = VectorStore.fromRows(rows as number[][], embedder.info.dimension);

    log('build: indexing');
    const lexical = buildLexicalIndex(lexicalInputs, settings.analyzer);
    const hnsw = HnswIndex.build(vectors, settings.hnsw);

    log(`build: writing ${options.out}`);
    const staging = new Staging(options.out);
    try {
      const hnswScratch = staging.scratch('graph.hnsw');
      hnsw.write(hnswScratch);
      const files = {
        chunks: staging.add('chunks', 'json', JSON.stringify(store)),
        lexical: staging.add('lexical', 'json', JSON.stringify(lexical)),
        vectors: staging.add('vectors', 'f32', vectors.toBuffer()),
        hnsw: staging.add('hnsw', 'hnsw', readAndRemove(hnswScratch)),
      };
      const manifest: Manifest = {
        format: INDEX_FORMAT,
        format_version: FORMAT_VERSION,
        built_at: new Date().toISOString(),
        embedder: embedderRecord,
        ...manifestSettings,
        counts: { documents: store.documents.length, chunks: store.chunks.length },
        corpus: {
          settings_hash: settingsHashValue,
          fingerprint,
          documents: corpus.documents.map((d, i) => ({ id: d.id, hash: hashes[i]!, chunks: perDoc[i]!.length })),
        },
        files,
      };
      staging.commit(manifest);
      log(`build: committed ${store.chunks.length} chunks from ${store.documents.length} documents`);
      return {
        status: 'built',
        out: options.out,
        documents,
        chunks: { total: rows.length, embedded: missing.length, reused: rows.length - missing.length },
        skipped: corpus.skipped,
        seconds: (performance.now() - started) / 1000,
        manifest,
      };
    } catch (err) {
      staging.discard();
      throw err;
    }
  } finally {
    release();
  }
}

/** Below this many passages, starting workers (a model load each) costs more than it saves. */
const PARALLEL_THRESHOLD = 256;

function embedPassages(embedder: Embedder, texts: string[], workers: number, onProgress?: EmbedProgress): Promise<number[][]> {
  if (workers > 1 && texts.length >= PARALLEL_THRESHOLD) {
    return embedInWorkers(embedder.info.id, texts, { workers, batchSize: 16, ...(onProgress ? { onProgress } : {}) });
  }
  return embedInBatches(embedder, texts, 16, onProgress);
}

function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function readAndRemove(file: string): Buffer {
  const data = fs.readFileSync(file);
  fs.rmSync(file);
  return data;
}
