/**
 * Reads a corpus: one file, or a directory walked recursively (hidden entries skipped). Each file
 * goes to the reader for its extension; files that cannot be read are reported by name with the
 * reason and left out, never silently.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SourceDocument } from './document.js';
import { UnreadableFileError, type CorpusFile, type FormatReader } from './formats/format.js';
import { textReader } from './formats/text.js';
import { jsonlReader } from './formats/jsonl.js';
import { markdownReader } from './formats/markdown.js';
import { htmlReader } from './formats/html.js';
import { pdfReader } from './formats/pdf.js';

export const READERS: FormatReader[] = [textReader, markdownReader, htmlReader, jsonlReader, pdfReader];

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface LoadedCorpus {
  root: string;
  documents: SourceDocument[];
  skipped: SkippedFile[];
}

export interface LoadOptions {
  /** Files larger than this are skipped with a message (default 64 MiB). */
  maxFileBytes?: number;
  readers?: FormatReader[];
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

async function walk(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

export function readerFor(file: string, readers: FormatReader[] = READERS): FormatReader | undefined {
  const name = path.basename(file).toLowerCase();
  return readers.find((r) => r.extensions.some((ext) => name.endsWith(ext)));
}

export async function loadCorpus(root: string, options: LoadOptions = {}): Promise<LoadedCorpus> {
  const readers = options.readers ?? READERS;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const stat = await fs.stat(root);
  const base = stat.isDirectory() ? root : path.dirname(root);
  const files = stat.isDirectory() ? await walk(root) : [root];
  const label = stat.isDirectory() ? path.basename(root) : '';
  const documents: SourceDocument[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const relPath = path.relative(base, file).split(path.sep).join('/');
    const displayPath = label ? `${label}/${relPath}` : relPath;
    const reader = readerFor(file, readers);
    if (!reader) {
      skipped.push({ path: displayPath, reason: `unsupported file type "${path.extname(file) || '(none)'}"` });
      continue;
    }
    try {
      const size = (await fs.stat(file)).size;
      const warn = (where: string, reason: string) => skipped.push({ path: `${displayPath}${where}`, reason });
      const docs = await reader.read({ relPath, displayPath, absPath: file, size, maxBytes, warn });
      const kept = docs.filter((d) => d.blocks.length > 0);
      if (kept.length === 0) throw new UnreadableFileError('no text found');
      for (const doc of kept) {
        if (seen.has(doc.id)) {
          skipped.push({ path: displayPath, reason: `duplicate document id "${doc.id}"` });
          continue;
        }
        seen.add(doc.id);
        documents.push(doc);
      }
    } catch (err) {
      skipped.push({ path: displayPath, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return { root, documents, skipped };
}
