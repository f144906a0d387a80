/**
 * Query expansion for the lexical side: WordNet synonyms of the question's words, analysed like
 * the question, added at a lower weight so that a passage saying "country" can match a question
 * saying "nation" without outranking one that says "nation".
 */
import { STOPWORDS } from '../index/analyzer.js';
import { synonyms } from './wordnet.js';

/** Expansion terms (not among the question's own) and their weight. */
export function expandQuestion(
  question: string,
  own: string[],
  settings: { weight: number; senses: number },
  analyze: (text: string) => string[],
): Map<string, number> {
  const have = new Set(own);
  const added = new Map<string, number>();
  const words = new Set(question.toLowerCase().match(/[a-z]{3,}/g) ?? []);
  for (const word of words) {
    if (STOPWORDS.has(word)) continue;
    for (const synonym of synonyms(word, settings.senses)) {
      for (const term of analyze(synonym)) if (!have.has(term)) added.set(term, settings.weight);
    }
  }
  return added;
}
