/** The sentence of a passage that best matches the question, by idf-weighted term overlap. */
import { sentenceSpans } from '../corpus/segment.js';
import { analyzeWithOffsets, type AnalyzerSettings } from './analyzer.js';

export interface Snippet {
  text: string;
  /** Offsets of the sentence within the passage text. */
  start: number;
  end: number;
}

export function bestSentence(
  passage: string,
  queryTerms: ReadonlySet<string>,
  idf: (term: string) => number,
  analyzer: AnalyzerSettings,
): Snippet {
  const sentences = sentenceSpans(passage);
  let best = sentences[0] ?? { start: 0, end: passage.length };
  let bestScore = 0;
  if (queryTerms.size > 0) {
    for (const s of sentences) {
      const matched = new Set<string>();
      for (const t of analyzeWithOffsets(passage.slice(s.start, s.end), analyzer)) {
        if (queryTerms.has(t.term)) matched.add(t.term);
      }
      let score = 0;
      for (const term of matched) score += idf(term);
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
  }
  return { text: passage.slice(best.start, best.end), start: best.start, end: best.end };
}
