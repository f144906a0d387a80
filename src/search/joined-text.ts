/**
 * Consecutive chunks of one document as one text: overlapping sentences once, a space where the
 * source had one between them (a paragraph split at a sentence), a blank line where it had more (a
 * paragraph break, or text that was not indexed, such as a heading). Sentence spans follow, moved
 * to the joined text, so a snippet can be picked from the whole.
 */
import type { ChunkRecord } from '../index/store.js';
import { unflattenSpans } from '../index/store.js';
import type { Span } from '../corpus/segment.js';
import { sentenceSpans } from '../corpus/segment.js';

export interface JoinedText {
  text: string;
  start: number;
  end: number;
  sentences: Span[];
}

/** `chunks`: in source order, as their records hold them. */
export function joinChunks(chunks: readonly Pick<ChunkRecord, 'text' | 'start' | 'end' | 'sentences'>[]): JoinedText {
  let text = '';
  let end = -1;
  const sentences: Span[] = [];
  for (const c of chunks) {
    let skip = 0;
    if (end >= 0) {
      if (c.start >= end) text += c.start - end <= 1 ? (c.start === end ? '' : ' ') : '\n\n';
      else if (c.end > end) skip = end - c.start;
      else continue;
    }
    const at = text.length - skip;
    text += c.text.slice(skip);
    for (const s of c.sentences ? unflattenSpans(c.sentences) : sentenceSpans(c.text))
      if (s.start >= skip) sentences.push({ start: at + s.start, end: at + s.end });
    end = Math.max(end, c.end);
  }
  return { text, start: chunks[0]?.start ?? 0, end, sentences };
}
