/**
 * Questions made from an index's own passages, with no model and no labels, for calibrating what
 * relevance means there: a sentence of a passage, thinned to some of its content words the way a
 * person asking about it remembers a few of them, under a question's opening. The passage it came
 * from is the one that answers it. Deterministic for a given seed.
 */
import { STOPWORDS } from '../text/analyzer.js';
import { sentenceSpans } from '../corpus/segment.js';

export interface PseudoQuestion {
  text: string;
  /** Position of the chunk it was made from. */
  chunk: number;
}

const OPENINGS = ['What is', 'How does', 'Why', 'When', 'Which', 'Is there', 'Tell me about', ''];
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
/** Share of a sentence's content words a question keeps. */
const KEEP = 0.5;
const MIN_WORDS = 2;
const MAX_WORDS = 7;

/** One question from one passage, or none when it has no sentence worth asking about. */
export function pseudoQuestion(text: string, random: () => number): string | undefined {
  const sentences = sentenceSpans(text)
    .map((s) => (text.slice(s.start, s.end).match(WORD) ?? []).filter((w) => w.length >= 3 && !STOPWORDS.has(w.toLowerCase())))
    .filter((words) => words.length >= 4);
  if (sentences.length === 0) return undefined;
  const words = sentences[Math.floor(random() * sentences.length)]!;
  const want = Math.max(MIN_WORDS, Math.min(MAX_WORDS, Math.round(words.length * KEEP)));
  // A random subset of the words, kept in their order.
  const kept = words
    .map((w, i) => ({ w, i, r: random() }))
    .sort((a, b) => a.r - b.r)
    .slice(0, want)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.w);
  const opening = OPENINGS[Math.floor(random() * OPENINGS.length)]!;
  return `${opening ? `${opening} ` : ''}${kept.join(' ')}?`;
}

/**
 * `count` chunk positions out of `total`, drawn with `random`: distinct ones from a large index,
 * every one in turn, several times over, from a small one (a question made twice from one passage
 * keeps other words), so that a three-passage index is measured on as many questions as a large one.
 */
export function sampleChunks(total: number, count: number, random: () => number): number[] {
  if (total === 0) return [];
  if (total <= count) return Array.from({ length: count }, (_, i) => i % total);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * total));
  return [...picked].sort((a, b) => a - b);
}
