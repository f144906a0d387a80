/** The chunk store: documents (with their metadata) and their chunks, in document order. */
import type { DocumentFormat, Metadata } from '../corpus/document.js';
import type { Span } from '../corpus/segment.js';

export interface DocumentRecord {
  id: string;
  title: string;
  path: string;
  format: DocumentFormat;
  url?: string;
  metadata: Metadata;
  /** Position of the document's first chunk and how many it has. */
  first: number;
  count: number;
}

export interface ChunkRecord {
  id: string;
  /** Position of the chunk's document in `documents`. */
  doc: number;
  text: string;
  start: number;
  end: number;
  section: string[];
  page?: number;
  /** Sentence boundaries within `text`, flat [start, end, ...]: snippets need no segmentation at request time. */
  sentences?: number[];
  /** SHA-256 (hex, 32 chars) of the exact embedding input, for reuse by the next build. */
  hash: string;
}

export interface ChunkStore {
  /** The build that wrote it (see the manifest's build_id). */
  build_id?: string;
  documents: DocumentRecord[];
  chunks: ChunkRecord[];
}

/** Sentence spans stored flat, [start, end, start, end, ...]: a compact array in the JSON. */
export function flattenSpans(spans: Span[]): number[] {
  return spans.flatMap((s) => [s.start, s.end]);
}

export function unflattenSpans(flat: number[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) spans.push({ start: flat[i]!, end: flat[i + 1]! });
  return spans;
}
