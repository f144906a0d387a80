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

/**
 * Words that say what kind of question is asked, not what it is about: interrogatives and
 * auxiliaries the stop list lacks. Left in, "When did Russia recognize the Taliban?" looked for
 * "when" in a corpus that never says it, and the calibrated relevance read that as a question
 * about something the documents do not mention (0.03 against 0.86 for "How did ...").
 */
const QUESTION_WORDS: ReadonlySet<string> = new Set([
  'when',
  'why',
  'whom',
  'whose',
  'whether',
  'does',
  'doesn’t',
  "doesn't",
  "don't",
  'don’t',
  "didn't",
  'didn’t',
  "isn't",
  'isn’t',
  "aren't",
  'aren’t',
  "can't",
  'can’t',
  'cannot',
  "won't",
  'won’t',
  "shouldn't",
  'shouldn’t',
]);

/** Imperative openings that frame a request ("Show me how to ...", "Explain ..."). */
const REQUEST_FRAME = /^\s*(?:please\s+)?(?:(?:show|tell|give)\s+me|explain|describe)\b/i;

/** A question's terms: as `analyze`, without the words that only frame it. */
export function analyzeQuestion(text: string, settings: AnalyzerSettings): string[] {
  const framed = REQUEST_FRAME.exec(text);
  const rest = framed ? text.slice(framed[0].length) : text;
  const out: string[] = [];
  for (const s of segmenter.segment(rest)) {
    if (!s.isWordLike || (settings.stopwords && QUESTION_WORDS.has(fold(s.segment)))) continue;
    const term = toTerm(s.segment, settings, stemmer);
    if (term !== undefined) out.push(term);
  }
  return out;
}

const WORD = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}]+)*/gu;
/** Words longer than this are analysed each time, not kept. */
const KEPT_WORD_CHARS = 64;
const KEPT_WORDS = 100_000;
/** Each word's term (null: a stop word), one table per combination of settings. */
const quickTerms: Map<string, string | null>[] = [new Map(), new Map(), new Map(), new Map()];

/** The kept words' terms for these settings. */
function keptTerms(settings: AnalyzerSettings): Map<string, string | null> {
  return quickTerms[(settings.stem ? 2 : 0) + (settings.stopwords ? 1 : 0)]!;
}

/**
 * A faster approximation of `analyze`, for request time: a regular expression instead of the word
 * segmenter, and each word's term kept (passages repeat their words). Tokenisation differs only in
 * edge cases (scripts without spaces), where a snippet falls back to the first sentence. Snippets
 * read it through quickTermsAmong, which finds the same terms.
 */
export function analyzeQuick(text: string, settings: AnalyzerSettings): string[] {
  const kept = keptTerms(settings);
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const term = termOf(match[0], settings, kept);
    if (term !== null) out.push(term);
  }
  return out;
}

/** A word's term from `kept` (null: a stop word), analysed and kept there when it is not yet. */
function termOf(word: string, settings: AnalyzerSettings, kept: Map<string, string | null>): string | null {
  let term = kept.get(word);
  if (term === undefined) {
    term = toTerm(word, settings, stemmer) ?? null;
    if (word.length <= KEPT_WORD_CHARS) {
      if (kept.size >= KEPT_WORDS) kept.clear();
      kept.set(word, term);
    }
  }
  return term;
}

/**
 * What finds the terms of a text that are among `wanted`, as analyzeQuick gives them, each once,
 * in order of first occurrence. A word that starts with an ASCII letter or digit has a term that
 * starts with the same character in lower case (folding leaves it, the stop list drops whole
 * words, and Porter stemming rewrites endings only), so a word whose initial no wanted term has is
 * passed over without its term being looked up: most of a passage's words, for a snippet.
 */
export function quickTermsAmong(settings: AnalyzerSettings, wanted: ReadonlySet<string>): (text: string) => string[] {
  const initials = new Uint8Array(128);
  for (const term of wanted) {
    const c = term.charCodeAt(0);
    if (c < 128) initials[c] = 1;
  }
  const kept = keptTerms(settings);
  return (text) => {
    const found: string[] = [];
    for (const match of text.matchAll(WORD)) {
      const word = match[0];
      const c = word.charCodeAt(0);
      if (c < 128 && initials[c >= 65 && c <= 90 ? c + 32 : c] === 0) continue;
      const term = termOf(word, settings, kept);
      if (term !== null && wanted.has(term) && !found.includes(term)) found.push(term);
    }
    return found;
  };
}

/** How often each term occurs in a list, in first-occurrence order. */
export function termFrequencies(terms: string[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
  return tf;
}
