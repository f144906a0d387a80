/**
 * Sentence and word boundaries from Intl.Segmenter (Unicode UAX #29, ICU in V8): no extra
 * dependency, and it handles punctuation, quotes and non-Latin scripts better than a regex.
 */

export interface Span {
  start: number;
  end: number;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' });

/** Trims whitespace off a span; returns undefined when nothing but whitespace is left. */
export function trimSpan(text: string, start: number, end: number): Span | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : undefined;
}

/** Sentences of text[start, end), trimmed, as absolute offsets. */
export function sentenceSpans(text: string, start = 0, end = text.length): Span[] {
  const spans: Span[] = [];
  for (const segment of sentenceSegmenter.segment(text.slice(start, end))) {
    const span = trimSpan(text, start + segment.index, start + segment.index + segment.segment.length);
    if (span) spans.push(span);
  }
  return spans;
}

/** Words of text[start, end) (punctuation attached to the preceding word), as absolute offsets. */
export function wordSpans(text: string, start = 0, end = text.length): Span[] {
  const spans: Span[] = [];
  let open: Span | undefined;
  for (const segment of wordSegmenter.segment(text.slice(start, end))) {
    const s = start + segment.index;
    const e = s + segment.segment.length;
    if (/^\s+$/.test(segment.segment)) {
      if (open) spans.push(open);
      open = undefined;
    } else if (open) {
      open.end = e;
    } else {
      open = { start: s, end: e };
    }
  }
  if (open) spans.push(open);
  return spans;
}
