/**
 * Loads an index directory and checks it against its manifest: format version, every file's size
 * and SHA-256, counts and vector dimension, and what each file holds. Any failure is
 * an IndexLoadError that names the problem and the command that fixes it.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { chunkStoreProblem, manifestProblem, lexicalProblem } from './consistency.js';
import { ChunkTable } from './chunk-table.js';
import { NeighbourGraph } from './graph.js';
import { ByteVectors } from './byte-vectors.js';
import { PostingsTable } from './postings-table.js';
import type { ChunkStore } from './store.js';
import type { VectorStore } from '../vector/vector-store.js';
import { NotRegularFileError, readRegularFile, readRegularFileSync, type ReadTarget } from './regular-file.js';
import { DotKernel } from '../vector/dot-kernel.js';
import {
  FORMAT_VERSION,
  INDEX_FORMAT,
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  ManifestSchema,
  type FileRef,
  type Manifest,
} from './manifest.js';
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

/**
 * The index a server was reading has gone from under it (a database generation dropped after two
 * newer publishes): its collection reopens it at its current version and the request is tried again.
 */
export class StaleIndexError extends IndexLoadError {}

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
 * Reads one data file and checks its size and SHA-256 against the manifest, hashing each piece
 * while the next is read. (node's createHash measured faster here than WebCrypto's asynchronous
 * digest, which copies the data first.)
 */
export async function readVerified(dir: string, ref: FileRef, into?: ReadTarget): Promise<Buffer> {
  let read: { data: Buffer; size: number };
  const hash = createHash('sha256');
  try {
    // Never more than the manifest allows: a file that grew is refused without reading it all.
    read = await readRegularFile(path.join(dir, ref.name), ref.bytes, (piece) => hash.update(piece), into);
  } catch (err) {
    if (err instanceof NotRegularFileError)
      throw corrupt(dir, `${ref.name} is not a regular file (a device, a FIFO, a directory or a link to one)`);
    throw corrupt(dir, `${ref.name} is missing`);
  }
  const data = read.data;
  if (read.size !== ref.bytes)
    throw corrupt(dir, `${ref.name} has ${read.size} bytes, the manifest says ${ref.bytes} (truncated or replaced)`);
  if (hash.digest('hex') !== ref.sha256) throw corrupt(dir, `${ref.name} does not match its checksum`);
  return data;
}

/**
 * Each document's id and source hash as the index at `dir` recorded them (what a rebuild or a
 * freshness check compares the corpus with); empty when the chunk table cannot be read.
 */
export async function readSourceHashes(dir: string, manifest: Manifest): Promise<Map<string, string>> {
  try {
    return new ChunkTable(await readVerified(dir, manifest.files.chunks)).sourceHashes();
  } catch {
    return new Map();
  }
}

/** Decodes a checked file; a decoder's complaint becomes a load error naming the file. */
function decode<T>(dir: string, ref: FileRef, data: Buffer, read: (data: Buffer) => T): T {
  try {
    return read(data);
  } catch (err) {
    throw corrupt(dir, `${ref.name}: ${(err as Error).message}`);
  }
}

export interface IndexFiles {
  dir: string;
  manifest: Manifest;
  chunks: ChunkTable;
  lexical: PostingsTable;
  graph: NeighbourGraph;
  vectors: ByteVectors;
}

/**
 * Reads and checks every file of an index: its size and checksum against the manifest, then what
 * it holds against the manifest and the other files (the build id each carries, counts, the
 * chunk-to-document map, postings, graph links, vector scales). What it returns is served as is.
 */
export async function readIndexFiles(dir: string, manifest = readManifest(dir)): Promise<IndexFiles> {
  const { files, embedder, counts } = manifest;
  const bindingProblem = manifestProblem(manifest);
  if (bindingProblem) throw corrupt(dir, `${MANIFEST_FILE}: ${bindingProblem}`);
  // The vectors file is read straight into the memory the walk sums rows in (sized by the file, not the manifest).
  let kernel: DotKernel | undefined;
  const intoKernel = (size: number) => {
    kernel = new DotKernel(embedder.dimension, size);
    return kernel.data;
  };
  const reads = [files.chunks, files.lexical, files.graph].map((ref) => readVerified(dir, ref));
  reads.push(readVerified(dir, files.vectors, DotKernel.fits(embedder.dimension, files.vectors.bytes) ? intoKernel : undefined));
  Promise.all(reads).catch(() => {}); // each failure is reported through the await that meets it first
  const [chunkBytes, lexicalBytes, graphBytes, vectorBytes] = reads as [Promise<Buffer>, Promise<Buffer>, Promise<Buffer>, Promise<Buffer>];
  const fail = (ref: FileRef, problem: string | undefined) => {
    if (problem) throw corrupt(dir, `${ref.name}: ${problem}`);
  };
  const chunks = decode(dir, files.chunks, await chunkBytes, (b) => new ChunkTable(b));
  fail(files.chunks, chunkStoreProblem(chunks, manifest));
  const lexical = decode(dir, files.lexical, await lexicalBytes, (b) => new PostingsTable(b));
  fail(files.lexical, lexicalProblem(lexical, manifest));
  const graph = decode(dir, files.graph, await graphBytes, (b) => new NeighbourGraph(b));
  fail(
    files.graph,
    graph.count !== counts.chunks || graph.m !== manifest.hnsw.m
      ? `the graph holds ${graph.count} nodes built with M=${graph.m}, the manifest says ${counts.chunks} and M=${manifest.hnsw.m}`
      : graph.problem(),
  );
  const vectors = decode(dir, files.vectors, await vectorBytes, (b) => ByteVectors.read(b, counts.chunks, embedder.dimension, kernel));
  fail(files.vectors, vectors.problem());
  return { dir, manifest, chunks, lexical, graph, vectors };
}

/** An index decoded whole, for tools that walk every passage and vector (peers, benchmarks, publishing). */
export async function readWholeIndex(dir: string): Promise<IndexFiles & { store: ChunkStore; floatVectors: VectorStore }> {
  const files = await readIndexFiles(dir);
  return { ...files, store: files.chunks.toStore(), floatVectors: files.vectors.toFloat32() };
}
