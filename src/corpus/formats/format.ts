import type { DocumentFormat, SourceDocument } from '../document.js';

/** One file handed to a format reader. */
export interface CorpusFile {
  /** Path relative to the corpus root, with forward slashes: the document id. */
  relPath: string;
  /** Path shown to users in results: the corpus directory's name, then relPath. */
  displayPath: string;
  bytes: Buffer;
}

/** Thrown for a file that cannot be read as its format; the build reports it and goes on. */
export class UnreadableFileError extends Error {}

export interface FormatReader {
  format: DocumentFormat;
  extensions: string[];
  read(file: CorpusFile): Promise<SourceDocument[]>;
}

/** "reports/q3-results_final.md" -> "q3 results final" */
export function titleFromPath(relPath: string): string {
  const base = relPath.split('/').pop() ?? relPath;
  return base.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim() || base;
}
