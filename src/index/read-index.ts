/**
 * Loads an index directory and checks it against its manifest: format version, every file's size
 * and SHA-256, counts and vector dimension, and the vectors inside the graph file. Any failure is
 * an IndexLoadError that names the problem and the command that fixes it.
 */
import path from 'node:path';
import { sha256 } from './commit.js';
import { chunkStoreProblem, hnswHeaderProblem, manifestProblem, lexicalProblem } from './consistency.js';
import { readHnswHeader, vectorsInGraph } from './hnsw-file.js';
import { NotRegularFileError, readRegularFile, readRegularFileSync } from './regular-file.js';
import {
  FORMAT_VERSION,
  INDEX_FORMAT,
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  ManifestSchema,
  type FileRef,
  type Manifest,
} from './manifest.js';
import type { ChunkStore } from './store.js';
import type { LexicalIndexData } from './bm25.js';
import type { VectorStore } from './vectors.js';
import { DEFAULT_INDEX_DIR } from '../paths.js';

export type IndexProblem =
  | 'index_missing'
  | 'index_corrupt'
  | 'index_incompatible'
  | 'embedder_mismatch'
  | 'load_failed'
  | 'database_unavailable';

export class IndexLoadError extends Error {
  constructor(
    readonly problem: IndexProblem,
    message: string,
    readonly fix: string,
  ) {
    super(`${message}. Fix: ${fix}`);
  }
}

/** The command that (re)builds the index at `dir`: another index than the default needs its documents named. */
export function rebuildCommand(dir: string, extra = ''): string {
  const args = path.resolve(dir) === path.resolve(DEFAULT_INDEX_DIR) ? extra : ` --corpus <your documents> --out ${dir}${extra}`;
  return args ? `npm run build-index --${args}` : 'npm run build-index';
}

function corrupt(dir: string, message: string): IndexLoadError {
  return new IndexLoadError(
    'index_corrupt',
    `index at ${dir} is damaged: ${message}`,
    `rebuild it with \`${rebuildCommand(dir, ' --force')}\``,
  );
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, MANIFEST_FILE);
  let raw: string;
  try {
    raw = readRegularFileSync(file, MAX_MANIFEST_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof NotRegularFileError) throw corrupt(dir, `${MANIFEST_FILE}: ${err.message}`);
    throw new IndexLoadError(
      'index_missing',
      `no index at ${dir} (${MANIFEST_FILE} not found)`,
      `build it with \`${rebuildCommand(dir)}\``,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw corrupt(dir, `${MANIFEST_FILE} is not valid JSON`);
  }
  const head = json as { format?: unknown; format_version?: unknown } | null;
  if (head && head.format === INDEX_FORMAT && head.format_version !== FORMAT_VERSION) {
    throw new IndexLoadError(
      'index_incompatible',
      `index at ${dir} has format version ${String(head.format_version)}, this version reads ${FORMAT_VERSION}`,
      `rebuild it with \`${rebuildCommand(dir, ' --force')}\``,
    );
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw corrupt(dir, `${MANIFEST_FILE} field "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Reads one data file and checks its size and SHA-256 against the manifest. (node's createHash
 * measured faster here than WebCrypto's asynchronous digest, which copies the data first.)
 */
export async function readVerified(dir: string, ref: FileRef): Promise<Buffer> {
  let read: { data: Buffer; size: number };
  try {
    // Never more than the manifest allows: a file that grew is refused without reading it all.
    read = await readRegularFile(path.join(dir, ref.name), ref.bytes);
  } catch (err) {
    if (err instanceof NotRegularFileError)
      throw corrupt(dir, `${ref.name} is not a regular file (a device, a FIFO, a directory or a link to one)`);
    throw corrupt(dir, `${ref.name} is missing`);
  }
  const data = read.data;
  if (read.size !== ref.bytes)
    throw corrupt(dir, `${ref.name} has ${read.size} bytes, the manifest says ${ref.bytes} (truncated or replaced)`);
  if (sha256(data) !== ref.sha256) throw corrupt(dir, `${ref.name} does not match its checksum`);
  return data;
}

function parseJson<T>(dir: string, ref: FileRef, data: Buffer): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    throw corrupt(dir, `${ref.name} is not valid JSON`);
  }
}

export interface IndexFiles {
  dir: string;
  manifest: Manifest;
  store: ChunkStore;
  lexical: LexicalIndexData;
  hnswFile: string;
}

/**
 * Reads and checks every file of an index. The vectors live in the graph file: they are checked
 * (no NaN, every chunk once) and, with `vectors: true`, copied out by chunk position (for exact
 * similarities, reuse by the next build, publishing); without, only checked.
 */
export async function readIndexFiles(dir: string): Promise<IndexFiles>;
export async function readIndexFiles(dir: string, options: { vectors: true }): Promise<IndexFiles & { vectors: VectorStore }>;
export async function readIndexFiles(dir: string, options: { vectors?: boolean } = {}): Promise<IndexFiles & { vectors?: VectorStore }> {
  const manifest = readManifest(dir);
  const { files, embedder } = manifest;
  const bindingProblem = manifestProblem(manifest);
  if (bindingProblem) throw corrupt(dir, `${MANIFEST_FILE}: ${bindingProblem}`);
  const [chunkBytes, lexicalBytes] = [files.chunks, files.lexical].map((ref) => readVerified(dir, ref));
  // hnswlib reads the graph itself; its bytes are checked first, since it trusts whatever it is given.
  const graphChecked = readVerified(dir, files.hnsw).then((graph) => {
    const problem = hnswHeaderProblem(graph, manifest);
    if (problem) throw corrupt(dir, problem);
    const header = readHnswHeader(graph)!;
    if (!options.vectors) {
      const bad = vectorsInGraph(graph, header, embedder.dimension, false);
      if (bad) throw corrupt(dir, `${files.hnsw.name}: ${bad}`);
      return undefined;
    }
    const vectors = vectorsInGraph(graph, header, embedder.dimension, true);
    if (typeof vectors === 'string') throw corrupt(dir, `${files.hnsw.name}: ${vectors}`);
    return vectors;
  });
  const all = Promise.all([chunkBytes, lexicalBytes, graphChecked]);
  all.catch(() => {}); // each failure is reported through the await that meets it first
  const store = parseJson<ChunkStore>(dir, files.chunks, await chunkBytes!);
  const storeProblem = chunkStoreProblem(store, manifest);
  if (storeProblem) throw corrupt(dir, `${files.chunks.name}: ${storeProblem}`);
  const lexical = parseJson<LexicalIndexData>(dir, files.lexical, await lexicalBytes!);
  const postingsProblem = lexicalProblem(lexical, manifest);
  if (postingsProblem) throw corrupt(dir, `${files.lexical.name}: ${postingsProblem}`);
  const vectors = await graphChecked;
  return { dir, manifest, store, lexical, hnswFile: path.join(dir, files.hnsw.name), ...(vectors ? { vectors } : {}) };
}
