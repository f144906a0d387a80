import fs from 'node:fs/promises';
import type { DocumentFormat, SourceDocument } from '../document.js';

/** One file handed to a format reader. */
export interface CorpusFile {
  /** Path relative to the corpus root, with forward slashes: the document id. */
  relPath: string;
  /** Path shown to users in results: the corpus directory's name, then relPath. */
  displayPath: string;
  absPath: string;
  size: number;
  /** Largest file a reader may load whole (streaming readers are bound per record instead). */
  maxBytes: number;
  /** Reports a part of the file that was skipped (a bad JSON line, say); `where` is appended to the path. */
  warn(where: string, reason: string): void;
}

/** Reads a whole file, refusing one over the size limit with a message that says so. */
export async function readWhole(file: CorpusFile): Promise<Buffer> {
  if (file.size > file.maxBytes) {
    throw new UnreadableFileError(`${file.size} bytes is over the ${file.maxBytes}-byte limit for one file (raise it with --max-file-mb)`);
  }
  return fs.readFile(file.absPath);
}

/** Thrown for a file that cannot be read as its format; the build reports it and goes on. */
export class UnreadableFileError extends Error {}

export interface FormatReader {
  format: DocumentFormat;
  extensions: string[];
  read(file: CorpusFile): Promise<SourceDocument[]>;
}

/**
 * A title from the file's name: "reports/q3-results_final.md" -> "q3 results final"; a README
 * takes its folder's name ("koa/Readme.md" -> "koa"), which names the project it describes, and
 * "koa-Readme.md" is "koa".
 */
export function titleFromPath(relPath: string): string {
  const parts = relPath.split('/');
  const base = parts.pop() ?? relPath;
  const named = /^readme(\.[^.]+)?$/i.test(base) && parts.length > 0 ? parts[parts.length - 1]! : base.replace(/\.[^.]+$/, '');
  return (
    named
      .replace(/[-_ ]readme$/i, '')
      .replace(/[-_]+/g, ' ')
      .trim() || base
  );
}
