/**
 * hnswlib's saved index, read without hnswlib: its header (size_t fields, little-endian) and the
 * vectors it holds. A build checks the file hnswlib wrote before taking its links (graph.ts); a
 * rebuild of a format-2 index, which kept its only copy of the vectors here, reuses them.
 *
 * Layout (hnswlib 0.8, hnswalg.h saveIndex): 96 bytes of header, then `count` elements of
 * `bytesPerElement`: the level-0 links, the vector at `dataOffset`, the label (u64) at
 * `labelOffset`; the upper levels' links follow.
 */
import { VectorStore } from './vectors.js';

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
