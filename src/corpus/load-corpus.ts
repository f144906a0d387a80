/**
 * Reads a corpus: one file, or a directory walked recursively (hidden entries skipped). Each file
 * goes to the reader for its extension; files that cannot be read are reported by name with the
 * reason and left out, never silently.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SourceDocument } from './document.js';
import { UnreadableFileError, type FormatReader } from './formats/format.js';
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
  /** Called after each file is read. */
  onFile?: (done: number, total: number) => void;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Regular files under `dir`, in name order, hidden entries left out. Symbolic links are followed
 * to what they point at; a link that points nowhere, a loop back into a directory already being
 * walked, and anything that is not a file or a directory (a FIFO would block the read forever, a
 * device never end) are reported as skipped.
 */
async function walk(dir: string, skip: (file: string, reason: string) => void, ancestors = new Set<string>()): Promise<string[]> {
  const real = await fs.realpath(dir);
  if (ancestors.has(real)) {
    skip(dir, 'a symbolic link loop back into a folder already being read');
    return [];
  }
  const inside = new Set(ancestors).add(real);
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(full); // follows links
    } catch {
      skip(full, 'a symbolic link to nothing');
      continue;
    }
    if (stat.isDirectory()) files.push(...(await walk(full, skip, inside)));
    else if (stat.isFile()) files.push(full);
    else skip(full, 'not a regular file (a FIFO, a socket or a device)');
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
  const stat = await fs.stat(root).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new Error(`there is no folder or file at ${root}: put your documents in a folder and pass it with --corpus <folder>`);
    if (err.code === 'EACCES') throw new Error(`${root} cannot be read (permission denied): give read access, or pass another --corpus`);
    throw err;
  });
  if (!stat.isDirectory() && !stat.isFile()) throw new Error(`${root} is neither a folder nor a regular file`);
  const base = stat.isDirectory() ? root : path.dirname(root);
  const label = stat.isDirectory() ? path.basename(root) : '';
  const documents: SourceDocument[] = [];
  const skipped: SkippedFile[] = [];
  const display = (file: string) => {
    const relPath = path.relative(base, file).split(path.sep).join('/');
    return label ? `${label}/${relPath}` : relPath;
  };
  const files = stat.isDirectory() ? await walk(root, (file, reason) => skipped.push({ path: display(file), reason })) : [root];
  const seen = new Set<string>();
  for (const [n, file] of files.entries()) {
    options.onFile?.(n, files.length);
    const relPath = path.relative(base, file).split(path.sep).join('/');
    const displayPath = display(file);
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
