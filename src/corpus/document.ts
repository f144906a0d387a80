/** The loaded form of one source document, before chunking. Offsets are UTF-16 indices into `text`. */

export type MetadataScalar = string | number | boolean;
export type MetadataValue = MetadataScalar | MetadataScalar[];
export type Metadata = Record<string, MetadataValue>;

export type DocumentFormat = 'text' | 'markdown' | 'html' | 'jsonl' | 'pdf';

/** A searchable stretch of a document (a paragraph, list, quote...), with the headings above it. */
export interface TextBlock {
  start: number;
  end: number;
  /** Headings enclosing the block, outermost first. */
  section: string[];
  /** Page number (from 1), for paged formats such as PDF. */
  page?: number;
}

export interface SourceDocument {
  /** Stable id: the path relative to the corpus root, or the id field of a JSON Lines record. */
  id: string;
  title: string;
  /** The text that chunk offsets point into: the file itself for text and Markdown. */
  text: string;
  blocks: TextBlock[];
  source: { path: string; format: DocumentFormat; url?: string };
  metadata: Metadata;
  /**
   * Characters of text the file holds as its reader sees it (whitespace collapsed), when that can
   * differ from what the blocks cover (HTML: all rendered text but the page's chrome; PDF: every
   * page's text). The build names a document whose blocks cover much less.
   */
  heldChars?: number;
  /**
   * Paged formats: where each page starts in `text` (page 1 at index 0). A passage cites the page
   * its first character is on, which is not always its block's: a paragraph runs on across pages.
   */
  pageStarts?: number[];
}
