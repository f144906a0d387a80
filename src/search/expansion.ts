/**
 * Query expansion for the lexical side: WordNet synonyms of the question's words, analysed like
 * the question, added at a lower weight so that a passage saying "country" can match a question
 * saying "nation" without outranking one that says "nation".
 */
import { STOPWORDS } from '../text/analyzer.js';
import { synonyms } from './wordnet.js';

export interface Expansion {
  /** Terms added (not among the question's own), and their weight. */
  weights: Map<string, number>;
  /** For each of the question's own terms that has any, the terms added for it. */
  alternatives: Map<string, string[]>;
}

export function expandQuestion(
  question: string,
  own: string[],
  settings: { weight: number; senses: number },
  analyze: (text: string) => readonly string[],
): Expansion {
  const have = new Set(own);
  const weights = new Map<string, number>();
  const alternatives = new Map<string, string[]>();
  const words = new Set(question.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  for (const word of words) {
    if (STOPWORDS.has(word)) continue;
    const [source] = analyze(word);
    for (const synonym of synonyms(word, settings.senses)) {
      for (const term of analyze(synonym)) {
        if (have.has(term)) continue;
        weights.set(term, settings.weight);
        if (source !== undefined && have.has(source)) alternatives.set(source, [...(alternatives.get(source) ?? []), term]);
      }
    }
  }
  return { weights, alternatives };
}
