/**
 * How faithfully documents become passages: the share of a page's visible sentences found in its
 * passages (HTML, against the text a browser shows), and the share of passages citing the page on
 * which their first sentence is printed (PDF, against text extracted page by page).
 */
import { sentenceSpans } from '../corpus/segment.js';

/** Whitespace collapsed, NFKC: the form both sides are compared in. */
export function collapsed(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** Sentences of at least `minWords` words, line by line (a browser's text puts each block on its own line). */
export function longSentences(visible: string, minWords = 8): string[] {
  const out: string[] = [];
  for (const line of visible.split('\n')) {
    for (const s of sentenceSpans(line)) {
      const sentence = collapsed(line.slice(s.start, s.end));
      if (sentence.split(' ').length >= minWords) out.push(sentence);
    }
  }
  return out;
}

export interface Coverage {
  sentences: number;
  found: number;
  missing: string[];
}

/** Which of the visible sentences some passage holds whole. */
export function sentenceCoverage(visible: string, passages: string[], minWords = 8): Coverage {
  const texts = passages.map(collapsed);
  const sentences = longSentences(visible, minWords);
  const missing = sentences.filter((s) => !texts.some((t) => t.includes(s)));
  return { sentences: sentences.length, found: sentences.length - missing.length, missing };
}

export interface CitationCheck {
  passages: number;
  /** Passages whose cited page holds their first sentence's opening. */
  correct: number;
  /** Passages whose opening no page holds (not judged). */
  unplaced: number;
  unplacedOpenings: string[];
  wrong: { passage: string; cited: number; printedOn: number[] }[];
}

/** The first words of a passage's first sentence. */
function opening(passage: string, words: number): string {
  const first = sentenceSpans(passage)[0];
  const sentence = first ? passage.slice(first.start, first.end) : passage;
  return collapsed(sentence).split(' ').slice(0, words).join(' ');
}

/**
 * The pages on which a passage's first sentence starts: those holding its first six words, or,
 * for a sentence that runs over a page break, its first three (or its first word).
 */
function printedOn(pageTexts: string[], passage: string): { start: string; pages: number[] } {
  let start = '';
  for (const words of [6, 3, 1]) {
    start = opening(passage, words);
    const pages = pageTexts.flatMap((t, i) => (t.includes(start) ? [i + 1] : []));
    if (pages.length > 0) return { start, pages };
  }
  return { start, pages: [] };
}

/** `pages`: the text of each page (page 1 first); each passage with the page it cites. */
export function citationAccuracy(pages: string[], passages: { text: string; page?: number }[]): CitationCheck {
  const pageTexts = pages.map(collapsed);
  const check: CitationCheck = { passages: passages.length, correct: 0, unplaced: 0, unplacedOpenings: [], wrong: [] };
  for (const p of passages) {
    const { start, pages: on } = printedOn(pageTexts, p.text);
    if (on.length === 0) {
      check.unplaced++;
      check.unplacedOpenings.push(start);
    } else if (p.page !== undefined && on.includes(p.page)) check.correct++;
    else check.wrong.push({ passage: start, cited: p.page ?? 0, printedOn: on });
  }
  return check;
}
