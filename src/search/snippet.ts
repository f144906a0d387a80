/** The sentence of a passage that best matches the question, by idf-weighted term overlap. */
import { sentenceSpans, type Span } from '../corpus/segment.js';
import { quickTermsAmong, type AnalyzerSettings } from '../text/analyzer.js';

export interface Snippet {
  text: string;
  /** Offsets of the sentence within the passage text. */
  start: number;
  end: number;
}

/** `spans`: the passage's sentences, as computed at build time when the index has them. */
export function bestSentence(
  passage: string,
  queryTerms: ReadonlySet<string>,
  idf: (term: string) => number,
  analyzer: AnalyzerSettings,
  spans: Span[] = sentenceSpans(passage),
): Snippet {
  let best = spans[0] ?? { start: 0, end: passage.length };
  let bestScore = 0;
  if (queryTerms.size > 0 && spans.length > 1) {
    const termsIn = quickTermsAmong(analyzer, queryTerms);
    for (const s of spans) {
      let score = 0;
      for (const term of termsIn(passage.slice(s.start, s.end))) score += idf(term);
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
  }
  return { text: passage.slice(best.start, best.end), start: best.start, end: best.end };
}
