/**
 * Splits documents into passages that follow the text's own structure: one chunk per block
 * (paragraph) when it fits the embedder's window, otherwise sentences packed greedily, and a
 * sentence longer than the window cut at word boundaries. Nothing past the window is ever
 * handed to the embedder, which would silently drop it.
 */
import type { SourceDocument, TextBlock } from './document.js';
import { leadingWordsWithin, sentenceSpans, wordSpans, type Span } from './segment.js';

export const CHUNK_CONTEXTS = ['none', 'title', 'title+section'] as const;
export type ChunkContext = (typeof CHUNK_CONTEXTS)[number];

export interface ChunkingSettings {
  /** Token window of one embedded passage, including the context line and any prefix. */
  maxTokens: number;
  /** Sentences repeated at the start of the next chunk when a block is split. */
  overlapSentences: number;
  /** What is put before the passage text when it is embedded. */
  context: ChunkContext;
  /** Neighbouring blocks (list items, one-line paragraphs) shorter than this are merged while they fit. */
  minTokens: number;
}

export interface Chunk {
  /** `<document id>#p<position in the document>`: stable while the document is unchanged. */
  id: string;
  text: string;
  start: number;
  end: number;
  section: string[];
  page?: number;
  /** Exactly what the embedder is given: the (capped) context line, then the passage. */
  embedInput: string;
}

export type TokenCounter = (text: string) => number;

export function chunkId(docId: string, ordinal: number): string {
  return `${docId}#p${ordinal}`;
}

/** The line of context embedded in front of a passage (not part of the returned text). */
export function contextLine(title: string, section: string[], context: ChunkContext): string {
  if (context === 'none') return '';
  const parts = context === 'title' ? [title] : [title, ...section];
  return parts.filter((p) => p.length > 0).join(' — ');
}

export function embeddingText(contextText: string, passage: string): string {
  return contextText ? `${contextText}\n${passage}` : passage;
}

/** Keeps the context to at most a quarter of the window so the passage itself always has room. */
function capContext(contextText: string, maxTokens: number, count: TokenCounter): string {
  return leadingWordsWithin(contextText, Math.floor(maxTokens / 4), count);
}

type Fits = (span: Span) => boolean;

/**
 * Token costs of a block's pieces, counted once each. Tokenizers here are (near) additive at
 * whitespace, so a run of pieces is estimated by summing; every chunk is then checked exactly.
 */
class Costs {
  private readonly overhead: number;
  private readonly base: number;

  constructor(
    private readonly text: string,
    private readonly count: TokenCounter,
    context: string,
  ) {
    this.overhead = count('');
    this.base = count(embeddingText(context, ''));
  }

  of(span: Span): number {
    return this.count(this.text.slice(span.start, span.end)) - this.overhead;
  }

  /** Tokens of the context line and the prefix, paid once per passage. */
  get fixed(): number {
    return this.base;
  }
}

/** Groups consecutive units into the longest runs that fit, repeating `overlap` units. */
function pack(units: Span[], overlap: number, max: number, costs: Costs, fits: Fits): Span[] {
  const unitCosts = units.map((u) => costs.of(u));
  const spans: Span[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    let estimate = costs.fixed + unitCosts[first]!;
    while (last + 1 < units.length && estimate + unitCosts[last + 1]! <= max) estimate += unitCosts[++last]!;
    while (last > first && !fits({ start: units[first]!.start, end: units[last]!.end })) last--;
    spans.push({ start: units[first]!.start, end: units[last]!.end });
    if (last + 1 >= units.length) break;
    first = Math.max(first + 1, last + 1 - overlap);
  }
  return spans;
}

/** Cuts a span that is too long into the longest runs of words that fit. */
function splitAtWords(text: string, span: Span, max: number, costs: Costs, fits: Fits): Span[] {
  const pieces = wordSpans(text, span.start, span.end).flatMap((w) => (fits(w) ? [w] : splitAtCharacters(w, fits)));
  return pack(pieces, 0, max, costs, fits);
}

/**
 * Last resort for a "word" longer than the window (a URL, a base64 blob, minified code). Each piece
 * is found by galloping (1, 2, 4, ... characters) and then bisecting between the last length that
 * fit and the first that did not, so every probe is at most twice the piece: the work is linear in
 * the run, where bisecting over the whole remaining run was quadratic.
 */
function splitAtCharacters(span: Span, fits: Fits): Span[] {
  const pieces: Span[] = [];
  let start = span.start;
  while (start < span.end) {
    let lo = start + 1; // one character always goes, even if it does not fit
    let step = 1;
    let hi = Math.min(span.end, lo + step);
    while (hi > lo && fits({ start, end: hi })) {
      lo = hi;
      step *= 2;
      hi = Math.min(span.end, lo + step);
    }
    hi = hi > lo ? hi - 1 : lo; // the last probe did not fit (or the run ended)
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits({ start, end: mid })) lo = mid;
      else hi = mid - 1;
    }
    pieces.push({ start, end: lo });
    start = lo;
  }
  return pieces;
}

const identity = (text: string) => text;

/** The page (from 1) that `offset` is on, by binary search over where each page starts. */
export function pageAt(pageStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = pageStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pageStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Markdown links and images as their text: "[Input](https://docs.aws.amazon.com/...)" reads as
 * "Input". A URL costs the encoder dozens of tokens and says nothing about the passage; spent on
 * the window, it kept a list of links from merging, leaving one-link passages. Bounded
 * repetitions keep the pattern linear on text full of brackets.
 */
const MARKDOWN_LINK = /!?\[([^[\]\n]{0,500})\]\((?:[^()\s]{0,2048})(?:\s+"[^"\n]{0,300}")?\)|<(https?:\/\/[^<>\s]{1,2048})>/g;

function embeddingView(format: SourceDocument['source']['format']): (text: string) => string {
  const once = (text: string) => text.replace(MARKDOWN_LINK, (_m, label: string | undefined) => label ?? '');
  // Twice: a badge is an image inside a link, "[![build](image-url)](link-url)".
  return format === 'markdown' ? (text) => once(once(text)) : identity;
}

/**
 * Merges runs of short neighbouring blocks (list items, one-line paragraphs) under the same
 * heading and page, as long as the merged passage still fits the window: a chunk per list item
 * would be too small to embed well or to be worth returning.
 */
function mergeSmallBlocks(doc: SourceDocument, settings: ChunkingSettings, count: TokenCounter): TextBlock[] {
  const merged: TextBlock[] = [];
  const tokens = (b: TextBlock) => count(doc.text.slice(b.start, b.end));
  let lastTokens = 0;
  for (const block of doc.blocks) {
    const previous = merged[merged.length - 1];
    const own = tokens(block);
    if (
      previous &&
      (own < settings.minTokens || lastTokens < settings.minTokens) &&
      previous.page === block.page &&
      previous.section.join('\u0000') === block.section.join('\u0000')
    ) {
      const candidate: TextBlock = { ...previous, end: block.end };
      const context = capContext(contextLine(doc.title, block.section, settings.context), settings.maxTokens, count);
      if (count(embeddingText(context, doc.text.slice(candidate.start, candidate.end))) <= settings.maxTokens) {
        merged[merged.length - 1] = candidate;
        lastTokens = tokens(candidate);
        continue;
      }
    }
    merged.push(block);
    lastTokens = own;
  }
  return merged;
}

/**
 * `count` measures what the embedder would actually read for a passage (its prefix and special
 * tokens included); every chunk's embedding input is checked against the window as a whole.
 */
export function chunkDocument(doc: SourceDocument, settings: ChunkingSettings, encoderCount: TokenCounter): Chunk[] {
  const chunks: Chunk[] = [];
  const max = settings.maxTokens;
  // Passages are measured (and embedded) as the encoder should read them; their text stays the source's.
  const view = embeddingView(doc.source.format);
  const count: TokenCounter = view === identity ? encoderCount : (t) => encoderCount(view(t));
  for (const block of mergeSmallBlocks(doc, settings, count)) {
    const context = capContext(contextLine(doc.title, block.section, settings.context), max, count);
    const fits: Fits = (s) => count(embeddingText(context, doc.text.slice(s.start, s.end))) <= max;
    const whole: Span = { start: block.start, end: block.end };
    let spans: Span[];
    if (fits(whole)) {
      spans = [whole];
    } else {
      const costs = new Costs(doc.text, count, context);
      const units = sentenceSpans(doc.text, block.start, block.end).flatMap((s) =>
        fits(s) ? [s] : splitAtWords(doc.text, s, max, costs, fits),
      );
      spans = pack(units, settings.overlapSentences, max, costs, fits);
    }
    for (const span of spans) {
      const page = doc.pageStarts ? pageAt(doc.pageStarts, span.start) : block.page;
      chunks.push({
        id: chunkId(doc.id, chunks.length),
        text: doc.text.slice(span.start, span.end),
        start: span.start,
        end: span.end,
        section: block.section,
        ...(page !== undefined ? { page } : {}),
        embedInput: embeddingText(context, view(doc.text.slice(span.start, span.end))),
      });
    }
  }
  return chunks;
}
