/**
 * Structure recovered from plain text: paragraphs are runs of non-blank lines; a short line
 * without closing punctuation standing alone is a heading; the first such line is the title; a
 * trailing block of "Source: ..." style lines is attribution, kept as metadata, not as text.
 */
import { setMetadata } from './metadata.js';
import type { Metadata, TextBlock } from '../document.js';

interface Paragraph {
  start: number;
  end: number;
  lines: string[];
}

const ATTRIBUTION_LINE =
  /^\s*(source|original|statement|author|authors|by|published|date|url|link|via|credit|copyright|editor)\s*:\s*(\S.*?)\s*$/i;
const URL_KEYS = new Set(['original', 'url', 'link']);
const CLOSING_PUNCTUATION = /[.!?:;,…]$/;
const TRAILING_QUOTES = /["'”’»)\]]+$/;
const LEADING_QUOTES = /^["'“‘«([]+/;

export interface TextStructure {
  title?: string;
  url?: string;
  blocks: TextBlock[];
  metadata: Metadata;
}

export function splitParagraphs(text: string, from = 0, to = text.length): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let lineStart = from;
  while (lineStart < to) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 || newline >= to ? to : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    if (line.trim() === '') {
      if (current) paragraphs.push(current);
      current = undefined;
    } else {
      const leading = line.length - line.trimStart().length;
      const start = lineStart + leading;
      const end = lineStart + line.trimEnd().length;
      if (current) {
        current.end = end;
        current.lines.push(line.trim());
      } else {
        current = { start, end, lines: [line.trim()] };
      }
    }
    lineStart = lineEnd + 1;
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** A heading is one short line that does not end like a sentence. */
export function looksLikeHeading(line: string): boolean {
  const bare = line.replace(TRAILING_QUOTES, '');
  if (bare.length === 0 || line.length > 120) return false;
  if (line.split(/\s+/).length > 16) return false;
  if (CLOSING_PUNCTUATION.test(bare)) return false;
  return /^[\p{Lu}\p{N}"'“‘«([]/u.test(line);
}

/** An Emacs mode line ("-*- outline -*-"), which editors read and people do not. */
const MODE_LINE = /\s*-\*-.*?-\*-\s*/g;

export function headingText(line: string): string {
  return line.replace(MODE_LINE, ' ').replace(LEADING_QUOTES, '').replace(TRAILING_QUOTES, '').replace(/\s+/g, ' ').trim();
}

/** A line of one repeated =, - or * (three or more): the rule under (or over) a setext heading. */
const RULE_LINE = /^([=*-])\1{2,}$/;

/**
 * The heading a paragraph stands for, if it is one: a single short line that does not end like a
 * sentence, or a line underlined (and perhaps overlined) with =, - or * as in setext and reST.
 */
export function paragraphHeading(lines: string[]): string | undefined {
  const words = lines.filter((l) => !RULE_LINE.test(l));
  const ruled = words.length === 1 && lines.length > 1 && RULE_LINE.test(lines[lines.length - 1]!);
  if (ruled) return headingText(words[0]!) || undefined;
  if (lines.length === 1 && looksLikeHeading(lines[0]!.replace(MODE_LINE, ' ').trim())) return headingText(lines[0]!) || undefined;
  return undefined;
}

function takeAttribution(paragraphs: Paragraph[]): { metadata: Metadata; url?: string } {
  const metadata: Metadata = {};
  let url: string | undefined;
  while (paragraphs.length > 0) {
    const last = paragraphs[paragraphs.length - 1]!;
    const matches = last.lines.map((line) => ATTRIBUTION_LINE.exec(line));
    if (!matches.every((m) => m !== null)) break;
    paragraphs.pop();
    for (const m of matches) {
      const key = m![1]!.toLowerCase();
      const value = m![2]!;
      if (URL_KEYS.has(key) && /^https?:\/\//i.test(value)) url ??= value;
      else setMetadata(metadata, key, value);
    }
  }
  return url === undefined ? { metadata } : { metadata, url };
}

export interface StructureOptions {
  /** Look for a title line and a trailing attribution block (off when the source gives them). */
  documentFrame: boolean;
}

export function parseTextStructure(text: string, options: StructureOptions = { documentFrame: true }): TextStructure {
  const paragraphs = splitParagraphs(text);
  const { metadata, url } = options.documentFrame ? takeAttribution(paragraphs) : { metadata: {}, url: undefined };
  let title: string | undefined;
  const first = paragraphs[0];
  const firstHeading = first && paragraphHeading(first.lines);
  if (options.documentFrame && firstHeading && paragraphs.length > 1) {
    title = firstHeading;
    paragraphs.shift();
  }
  const blocks: TextBlock[] = [];
  let section: string[] = [];
  paragraphs.forEach((p, i) => {
    const isLast = i === paragraphs.length - 1;
    const heading = isLast ? undefined : paragraphHeading(p.lines);
    if (heading) {
      section = [heading];
      return;
    }
    blocks.push({ start: p.start, end: p.end, section });
  });
  return { ...(title === undefined ? {} : { title }), ...(url === undefined ? {} : { url }), blocks, metadata };
}
