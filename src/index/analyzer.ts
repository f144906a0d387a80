/**
 * The lexical analyzer shared by indexing and querying: Unicode word segmentation, case and
 * accent folding, English stop words (the `stopword` package) and Porter stemming (`stemmer`).
 */
import { stemmer } from 'stemmer';
import { eng } from 'stopword';

export interface AnalyzerSettings {
  stem: boolean;
  stopwords: boolean;
}

/** English stop words (the `stopword` package's list), dropped by the analyzer and skipped by query expansion. */
export const STOPWORDS: ReadonlySet<string> = new Set(eng);
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
const COMBINING_MARKS = /\p{M}+/gu;

export function fold(word: string): string {
  return word.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** A word as an index term (folded, possessive dropped, stemmed), or undefined for a stop word. */
function toTerm(raw: string, settings: AnalyzerSettings, stem: (word: string) => string): string | undefined {
  let word = fold(raw);
  if (word.endsWith("'s") || word.endsWith('’s')) word = word.slice(0, -2);
  if (word.length === 0 || (settings.stopwords && STOPWORDS.has(word))) return undefined;
  return settings.stem ? stem(word) : word;
}

/** Terms of a text, in order, with their character offsets. */
export function analyzeWithOffsets(text: string, settings: AnalyzerSettings): { term: string; start: number; end: number }[] {
  const out: { term: string; start: number; end: number }[] = [];
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    const term = toTerm(s.segment, settings, stemmer);
    if (term !== undefined) out.push({ term, start: s.index, end: s.index + s.segment.length });
  }
  return out;
}

export function analyze(text: string, settings: AnalyzerSettings): string[] {
  return analyzeWithOffsets(text, settings).map((t) => t.term);
}

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}]+)*/gu;
const stems = new Map<string, string>();

/**
 * A faster approximation of `analyze` for scoring snippet sentences at request time: a regular
 * expression instead of the word segmenter, and stems cached. Tokenisation differs only in edge
 * cases (scripts without spaces), where a snippet falls back to the first sentence.
 */
export function analyzeQuick(text: string, settings: AnalyzerSettings): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const term = toTerm(match[0], settings, cachedStem);
    if (term !== undefined) out.push(term);
  }
  return out;
}

function cachedStem(word: string): string {
  let stem = stems.get(word);
  if (stem === undefined) {
    if (stems.size > 100_000) stems.clear();
    stem = stemmer(word);
    stems.set(word, stem);
  }
  return stem;
}
