/**
 * hnswlib's saved index, read without hnswlib: its header (size_t fields, little-endian), the
 * vectors it holds and its links. A build checks the file hnswlib wrote (hnswlib trusts the
 * dimension and counts it is given, so a header is checked before anything is read) and converts
 * its links to the stored graph (index/graph.ts); a rebuild of a format-2 index, which kept its
 * only copy of the vectors here, reuses them.
 *
 * Layout (hnswlib 0.8, hnswalg.h saveIndex): 96 bytes of header, then `count` elements of
 * `bytesPerElement`: the level-0 links, the vector at `dataOffset`, the label (u64) at
 * `labelOffset`; the upper levels' links follow.
 */
import { VectorStore } from '../vector/vector-store.js';
import { writeGraph } from '../index/graph.js';

export const HNSW_HEADER_BYTES = 96;

export interface HnswHeader {
  maxElements: number;
  count: number;
  bytesPerElement: number;
  labelOffset: number;
  dataOffset: number;
  maxLevel: number;
  entryPoint: number;
  maxM: number;
  maxM0: number;
  m: number;
}

export function readHnswHeader(graph: Buffer): HnswHeader | undefined {
  if (graph.length < HNSW_HEADER_BYTES) return undefined;
  const field = (offset: number) => Number(graph.readBigUInt64LE(offset));
  return {
    maxElements: field(8),
    count: field(16),
    bytesPerElement: field(24),
    labelOffset: field(32),
    dataOffset: field(40),
    maxLevel: graph.readInt32LE(48),
    entryPoint: graph.readUInt32LE(52),
    maxM: field(56),
    maxM0: field(64),
    m: field(72),
  };
}

/** Why the element block cannot hold `count` vectors of `dimension`, or undefined. */
export function hnswLayoutProblem(graph: Buffer, header: HnswHeader, dimension: number): string | undefined {
  const { count, bytesPerElement, labelOffset, dataOffset } = header;
  if (labelOffset - dataOffset !== dimension * 4)
    return `the HNSW graph holds vectors of dimension ${(labelOffset - dataOffset) / 4}, not ${dimension}`;
  if (labelOffset + 8 > bytesPerElement || dataOffset % 4 !== 0 || bytesPerElement % 4 !== 0)
    return 'the HNSW graph has an impossible element layout';
  if (HNSW_HEADER_BYTES + count * bytesPerElement > graph.length) return 'the HNSW graph is shorter than its elements';
  return undefined;
}

/**
 * Checks every element's label (in range, each once) and vector (no NaN or infinity); with `copy`,
 * also returns the vectors ordered by label (chunk position). A problem is returned as a string.
 */
export function vectorsInGraph(graph: Buffer, header: HnswHeader, dimension: number, copy: true): VectorStore | string;
export function vectorsInGraph(graph: Buffer, header: HnswHeader, dimension: number, copy: false): string | undefined;
export function vectorsInGraph(graph: Buffer, header: HnswHeader, dimension: number, copy: boolean): VectorStore | string | undefined {
  const { count, bytesPerElement, labelOffset, dataOffset } = header;
  // A float view of the whole file (copied once if the Buffer is not 4-byte aligned).
  const aligned = graph.byteOffset % 4 === 0 ? graph : Buffer.from(graph);
  const floats = new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 4)); // not >> 2: the file may pass 2 GB
  const data = copy ? new Float32Array(count * dimension) : undefined;
  const seen = new Uint8Array(count);
  for (let e = 0; e < count; e++) {
    const base = HNSW_HEADER_BYTES + e * bytesPerElement;
    const label = Number(graph.readBigUInt64LE(base + labelOffset));
    if (label >= count || seen[label]) return `the HNSW graph has a missing or repeated label (${label})`;
    seen[label] = 1;
    const from = (base + dataOffset) / 4; // offsets pass 2^31 in a large file: no shift
    const vector = floats.subarray(from, from + dimension);
    // x - x is 0 unless x is NaN or infinite.
    for (let j = 0; j < dimension; j++) if (vector[j]! - vector[j]! !== 0) return `vector ${label} component ${j} is ${vector[j]}`;
    data?.set(vector, label * dimension);
  }
  return data ? new VectorStore(data, dimension) : undefined;
}

/** hnswlib trusts the dimension and counts it is given: a graph file's header is checked against what the build expects first. */
export function hnswHeaderProblem(graph: Buffer, chunks: number, dimension: number, m: number): string | undefined {
  const header = readHnswHeader(graph);
  if (!header) return 'the HNSW graph is shorter than its header';
  const { count, maxElements } = header;
  if (count !== chunks || maxElements < count) return `the HNSW graph holds ${count} vectors, not ${chunks}`;
  const layout = hnswLayoutProblem(graph, header, dimension);
  if (layout) return layout;
  if (header.m !== m) return `the HNSW graph was built with M=${header.m}, not ${m}`;
  return undefined;
}

/**
 * Converts hnswlib's saved index (already checked by vectorsInGraph: labels in range, each once)
 * to the stored graph, with hnswlib's internal ids replaced by labels (chunk positions).
 */
export function encodeGraph(graph: Buffer, header: HnswHeader): Buffer {
  const { count, bytesPerElement, labelOffset, maxM } = header;
  const labelOf = new Uint32Array(count);
  for (let e = 0; e < count; e++) labelOf[e] = Number(graph.readBigUInt64LE(HNSW_HEADER_BYTES + e * bytesPerElement + labelOffset));
  const listAt = (offset: number) => {
    const n = graph.readUInt16LE(offset);
    return Array.from({ length: n }, (_, j) => labelOf[graph.readUInt32LE(offset + 4 + 4 * j)]!);
  };
  const level0: number[][] = new Array(count);
  const upper: number[][][] = new Array(count);
  for (let e = 0; e < count; e++) level0[labelOf[e]!] = listAt(HNSW_HEADER_BYTES + e * bytesPerElement);
  // Upper layers follow the elements: per element, a byte size, then one list block per level.
  const block = maxM * 4 + 4;
  let at = HNSW_HEADER_BYTES + count * bytesPerElement;
  for (let e = 0; e < count; e++) {
    const size = graph.readUInt32LE(at);
    at += 4;
    upper[labelOf[e]!] = Array.from({ length: size / block }, (_, l) => listAt(at + l * block));
    at += size;
  }
  const meta = { count, m: header.m, entry: labelOf[header.entryPoint] ?? 0, max_level: Math.max(0, header.maxLevel) };
  return writeGraph(meta, level0, upper);
}
