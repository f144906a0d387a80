/**
 * Sentence boundaries from Intl.Segmenter (Unicode UAX #29, ICU in V8): no extra dependency, and
 * it handles punctuation, quotes and non-Latin scripts better than a regex. Words are runs of
 * non-whitespace, found with a regex: ICU's word segmenter is superlinear on long runs without
 * spaces (9 s for a 200,000-character base64 line), and the chunker only cuts at whitespace.
 */

export interface Span {
  start: number;
  end: number;
}

// Made at the first use: loading ICU's sentence rules costs some 10 ms of a cold start, and
// answering a question needs none (an index keeps its passages' sentence boundaries).
let sentenceSegmenter: Intl.Segmenter | undefined;

/** Trims whitespace off a span; returns undefined when nothing but whitespace is left. */
export function trimSpan(text: string, start: number, end: number): Span | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start < end ? { start, end } : undefined;
}

/** Sentences of text[start, end), trimmed, as absolute offsets. */
export function sentenceSpans(text: string, start = 0, end = text.length): Span[] {
  const spans: Span[] = [];
  sentenceSegmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  for (const segment of sentenceSegmenter.segment(text.slice(start, end))) {
    const span = trimSpan(text, start + segment.index, start + segment.index + segment.segment.length);
    if (span) spans.push(span);
  }
  return spans;
}

/** Words of text[start, end) (punctuation attached to the word it touches), as absolute offsets. */
export function wordSpans(text: string, start = 0, end = text.length): Span[] {
  const spans: Span[] = [];
  const word = /\S+/g;
  word.lastIndex = start;
  for (let m = word.exec(text); m && m.index < end; m = word.exec(text)) {
    spans.push({ start: m.index, end: Math.min(end, m.index + m[0].length) });
  }
  return spans;
}

/**
 * The longest run of whole words from the start of `text` that counts at most `maxTokens`
 * (binary search over word ends: O(log words) counts); '' when not even the first word fits.
 */
export function leadingWordsWithin(text: string, maxTokens: number, count: (text: string) => number): string {
  if (text === '' || count(text) <= maxTokens) return text;
  const words = wordSpans(text);
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(text.slice(0, words[mid - 1]!.end)) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : text.slice(0, words[lo - 1]!.end);
}
