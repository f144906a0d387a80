/**
 * Text a reader failed to put into passages, named instead of lost in silence: a document whose
 * blocks cover much less than the text it holds (a page whose prose sits where the extractor does
 * not look, a PDF whose pages yield little but headings).
 */
import type { SourceDocument } from './document.js';

/** Below this share of the text it holds, a document is reported. */
export const LOSS_REPORT_SHARE = 0.75;

export interface TextLoss {
  doc: string;
  /** Characters the reader saw (whitespace collapsed). */
  held: number;
  /** Characters the blocks cover (whitespace collapsed). */
  indexed: number;
}

function collapsedLength(text: string): number {
  let n = 0;
  let space = true;
  for (let i = 0; i < text.length; i++) {
    const white = text.charCodeAt(i) <= 32;
    if (!white) n++;
    else if (!space) n++;
    space = white;
  }
  return space && n > 0 ? n - 1 : n;
}

export function textLoss(doc: SourceDocument): TextLoss | undefined {
  if (doc.heldChars === undefined || doc.heldChars === 0) return undefined;
  const indexed = doc.blocks.reduce((n, b) => n + collapsedLength(doc.text.slice(b.start, b.end)), 0);
  return indexed < LOSS_REPORT_SHARE * doc.heldChars ? { doc: doc.id, held: doc.heldChars, indexed } : undefined;
}
