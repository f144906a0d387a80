/**
 * corpus -> chunks -> embeddings -> index directory. Chunks whose exact embedding input was
 * embedded by the previous build with the same settings reuse that vector, so editing one file
 * re-embeds only its changed passages. Nothing is published until every file is written.
 */
import path from 'node:path';
import { printable } from '../corpus/printable.js';
import { loadCorpus, type LoadOptions, type SkippedFile } from '../corpus/load-corpus.js';
import { textLoss, type TextLoss } from '../corpus/text-loss.js';
import { chunkDocument, type Chunk } from '../corpus/chunker.js';
import { lexicalInput } from './lexical-index.js';
import { sentenceSpans } from '../corpus/segment.js';
import { flattenSpans } from '../index/store.js';
import type { SourceDocument } from '../corpus/document.js';
import type { Embedder } from '../embed/embedder.js';
import { VectorStore } from '../vector/vector-store.js';
import { sha256 } from '../index/manifest.js';
import { withBuildLock, writeIndex } from './write-index.js';
import { embedderRecord, FORMAT_VERSION, type Manifest } from '../index/manifest.js';
import { IndexLoadError, readIndexFiles, readManifest, readSourceHashes } from '../index/read-index.js';
import { legacyIndexVectors, type ReusableVectors } from './legacy-index.js';
import { checkBuildSettings, chunkingSettings, DEFAULT_BUILD_SETTINGS, manifestSettings, type BuildSettings } from './settings.js';
import type { ChunkStore, DocumentRecord } from '../index/store.js';
import { embedInBatches, type EmbedProgress } from '../embed/batches.js';
import { defaultWorkerCount, embedInWorkers } from '../embed/embed-pool.js';
import { FileBackend } from '../index/file-backend.js';
import { Searcher } from '../search/searcher.js';
import { calibrateIndex, CALIBRATION_VERSION, questionBatches } from '../search/index-calibration.js';
import { cachedQueryVectors } from '../embed/query-vector-cache.js';

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
  /** Called as each long stage advances. */
  onProgress?: BuildProgress;
  /** Worker threads for embedding (default: one per core); small jobs stay in this thread. */
  workers?: number;
  /**
   * Vectors kept elsewhere for embedding inputs (by hash) the previous build in `out` lacks, such
   * as the database an index is published to: only what neither holds is embedded.
   */
  storedVectors?: (embedder: Manifest['embedder'], hashes: string[]) => Promise<Map<string, number[]>>;
}

export interface BuildReport {
  status: 'built' | 'unchanged';
  out: string;
  documents: { added: string[]; changed: string[]; removed: string[]; unchanged: string[] };
  chunks: { total: number; embedded: number; reused: number };
  skipped: SkippedFile[];
  /** Documents whose passages cover much less text than the file holds. */
  losses: TextLoss[];
  seconds: number;
  /** Seconds per stage (reading, chunking, embedding, indexing and writing) of a build that ran. */
  stages?: Record<string, number>;
  manifest: Manifest;
}

export type BuildStage = 'reading' | 'chunking' | 'embedding';
export type BuildProgress = (stage: BuildStage, done: number, total: number) => void;

export class EmptyCorpusError extends Error {}

export function documentHash(doc: SourceDocument): string {
  return sha256(JSON.stringify([doc.id, doc.title, doc.text, doc.blocks, doc.source, doc.metadata]));
}

function settingsHash(embedder: Embedder, recorded: Pick<Manifest, 'chunking' | 'lexical' | 'hnsw'>): string {
  return sha256(JSON.stringify([FORMAT_VERSION, embedder.info, recorded, CALIBRATION_VERSION]));
}

/** Equal for an index and a corpus means the build would change nothing. */
export function corpusFingerprint(settingsHashValue: string, documents: SourceDocument[], hashes = documents.map(documentHash)): string {
  return sha256(JSON.stringify([settingsHashValue, documents.map((d, i) => [d.id, hashes[i]])]));
}

export function inputHash(input: string): string {
  return sha256(input).slice(0, 32);
}

/**
 * Vectors of the previous build keyed by the hash of their exact embedding input. Chunking
 * settings may have changed: a passage whose input is the same still has the same vector, as long
 * as the embedder is the same.
 */
async function previousVectors(out: string, embedder: Manifest['embedder']): Promise<Map<string, number[]>> {
  const reuse = new Map<string, number[]>();
  let previous: ReusableVectors;
  try {
    const files = await readIndexFiles(out);
    previous = {
      manifest: files.manifest,
      hashes: Array.from({ length: files.chunks.count }, (_, i) => files.chunks.hash(i)),
      vectors: files.vectors.toFloat32(),
    };
  } catch (err) {
    // An index of an earlier format cannot be served, but its vectors are as good as new.
    const legacy = err instanceof IndexLoadError && err.problem === 'index_incompatible' ? await legacyIndexVectors(out) : undefined;
    if (!legacy) return reuse; // nothing usable to reuse: embed everything
    previous = legacy;
  }
  if (JSON.stringify(previous.manifest.embedder) !== JSON.stringify(embedder)) return reuse;
  previous.hashes.forEach((hash, i) => {
    reuse.set(hash, previous.vectors.row(i));
  });
  return reuse;
}

export async function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const settings: BuildSettings = { ...DEFAULT_BUILD_SETTINGS, ...options.settings };
  const { embedder } = options;
  checkBuildSettings(settings, embedder.info.maxTokens);
  const maxTokens = settings.maxTokens ?? embedder.info.maxTokens;
  const recorded = manifestSettings(settings, maxTokens);
  const settingsHashValue = settingsHash(embedder, recorded);
  const embedderRecorded = embedderRecord(embedder.info);

  const progress = options.onProgress;
  const stages: Record<string, number> = {};
  let stageStarted = performance.now();
  const stageDone = (stage: string) => {
    const now = performance.now();
    stages[stage] = Math.round(now - stageStarted) / 1000;
    stageStarted = now;
  };
  log(`build: reading corpus ${options.corpus}`);
  const corpus = await loadCorpus(options.corpus, {
    ...options.load,
    ...(progress ? { onFile: (done: number, total: number) => progress('reading', done, total) } : {}),
  });
  stageDone('reading');
  for (const s of corpus.skipped) log(`build: skipped ${printable(s.path)}: ${s.reason}`);
  const losses = corpus.documents.flatMap((d) => textLoss(d) ?? []);
  if (corpus.documents.length === 0) {
    throw new EmptyCorpusError(`no readable documents in ${options.corpus}; the index was left as it was`);
  }
  const hashes = corpus.documents.map(documentHash);
  const fingerprint = corpusFingerprint(settingsHashValue, corpus.documents, hashes);

  return withBuildLock(options.out, async () => {
    let previous: Manifest | undefined;
    try {
      previous = readManifest(options.out);
    } catch {
      previous = undefined;
    }
    const before = previous ? await readSourceHashes(options.out, previous) : new Map<string, string>();
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
        await readIndexFiles(options.out); // unchanged only counts if the files are intact
        log('build: corpus and settings unchanged, index is up to date');
        return {
          status: 'unchanged',
          out: options.out,
          documents,
          chunks: { total: previous.counts.chunks, embedded: 0, reused: previous.counts.chunks },
          skipped: corpus.skipped,
          losses,
          seconds: (performance.now() - started) / 1000,
          manifest: previous,
        };
      } catch {
        log('build: existing index is damaged, rebuilding');
      }
    }

    log('build: chunking');
    const count = (t: string) => embedder.countPassageTokens(t);
    const chunking = chunkingSettings(settings, maxTokens);
    const perDoc: Chunk[][] = corpus.documents.map((doc, d) => {
      progress?.('chunking', d, corpus.documents.length);
      return chunkDocument(doc, chunking, count);
    });
    stageDone('chunking');
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
          sentences: flattenSpans(sentenceSpans(c.text)),
          hash: inputHash(c.embedInput),
        });
        inputs.push(c.embedInput);
        lexicalInputs.push(lexicalInput(doc.title, c.section, c.text));
      }
    });

    const reuse = await previousVectors(options.out, embedderRecorded);
    const notLocal = [...new Set(store.chunks.map((c) => c.hash).filter((h) => !reuse.has(h)))];
    if (options.storedVectors && notLocal.length > 0)
      for (const [hash, row] of await options.storedVectors(embedderRecorded, notLocal)) reuse.set(hash, row);
    const rows: (number[] | undefined)[] = store.chunks.map((chunk) => reuse.get(chunk.hash));
    const missing = rows.flatMap((row, i) => (row ? [] : [i]));
    log(`build: embedding ${missing.length} of ${rows.length} chunks (${rows.length - missing.length} reused)`);
    const fresh = await embedPassages(
      embedder,
      missing.map((i) => inputs[i]!),
      options.workers ?? defaultWorkerCount(),
      progress ? (done, total) => progress('embedding', done, total) : undefined,
    );
    stageDone('embedding');
    missing.forEach((i, j) => {
      rows[i] = fresh[j];
    });
    const vectors = VectorStore.unitRows(rows as number[][], embedder.info.dimension);

    const manifest = await writeIndex(
      options.out,
      {
        store,
        vectors,
        lexicalInputs,
        embedder: embedderRecorded,
        settings: recorded,
        corpus: {
          settings_hash: settingsHashValue,
          fingerprint,
          source: path.relative(options.out, options.corpus).split(path.sep).join('/'),
        },
        sourceHashes: hashes,
      },
      log,
      async (staged, draft) => {
        stageDone('indexing and writing');
        const backend = await FileBackend.open(staged, draft);
        try {
          const searcher = Searcher.over(backend, embedder);
          // The pool's vectors are the same for every build with this embedder: kept between builds.
          const embedPool = (texts: readonly string[]) => cachedQueryVectors(embedder, texts, questionBatches(embedder));
          return await calibrateIndex(searcher, draft.corpus.fingerprint, log, embedPool);
        } finally {
          await backend.close();
        }
      },
    );
    stageDone('calibrating');
    return {
      status: 'built',
      out: options.out,
      documents,
      chunks: { total: rows.length, embedded: missing.length, reused: rows.length - missing.length },
      skipped: corpus.skipped,
      losses,
      seconds: (performance.now() - started) / 1000,
      stages,
      manifest,
    };
  });
}

/** Below this many passages, starting workers (a model load each) costs more than it saves. */
const PARALLEL_THRESHOLD = 256;

function embedPassages(embedder: Embedder, texts: string[], workers: number, onProgress?: EmbedProgress): Promise<number[][]> {
  if (workers > 1 && texts.length >= PARALLEL_THRESHOLD) {
    // Jobs of a few passages keep messaging cheap and the workers evenly loaded to the end.
    return embedInWorkers(embedder.info.id, texts, { workers, batchSize: 8, ...(onProgress ? { onProgress } : {}) });
  }
  // One passage per call: padding makes batched calls slower per passage (see embed-worker.ts).
  return embedInBatches(embedder, texts, 1, onProgress);
}
