/**
 * PDF text via unpdf (the serverless build of Mozilla's PDF.js). Running headers and footers are
 * removed (pdf-pages.ts); each page's lines become blocks, split at lines that look like headings;
 * where each page starts is kept so that a passage cites the page its text starts on. The title is
 * the document info's unless a placeholder, else the first line of the first page.
 */
import type { Metadata, TextBlock } from '../document.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';
import { headingText, looksLikeHeading } from './text-structure.js';
import { pdfTitle, readPdf, withoutPageFurniture } from './pdf-pages.js';

/** Ends a sentence: the last character of a paragraph that really ends there. */
const SENTENCE_END = /[.!?:;"'”’)\]]$/;

/**
 * A PDF breaks lines (and pages) wherever the layout did, in the middle of sentences: read as
 * they are, the sentence splitter would cut there. Inside a paragraph, line breaks become spaces;
 * a paragraph that runs on to the next page (its last line ends without a sentence end) is joined
 * with the first paragraph there, and keeps the page it started on. Characters are replaced one
 * for one, so offsets are unchanged.
 */
function joinBrokenLines(text: string, blocks: TextBlock[]): { text: string; blocks: TextBlock[] } {
  // UTF-16 code units: a line break is never half of a surrogate pair, so offsets stay exact.
  const chars = text.split('');
  const joined: TextBlock[] = [];
  // The page the last joined block reaches: a paragraph can run over several pages.
  let lastPage: number | undefined;
  for (const block of blocks) {
    const previous = joined[joined.length - 1];
    const runsOn =
      previous &&
      lastPage !== undefined &&
      block.page === lastPage + 1 &&
      previous.section === block.section &&
      !SENTENCE_END.test(text.slice(previous.start, previous.end)) &&
      /^\s*$/.test(text.slice(previous.end, block.start));
    if (runsOn) {
      for (let i = previous.end; i < block.start; i++) chars[i] = ' ';
      joined[joined.length - 1] = { ...previous, end: block.end };
    } else joined.push(block);
    lastPage = block.page;
  }
  for (const block of joined) for (let i = block.start; i < block.end; i++) if (chars[i] === '\n') chars[i] = ' ';
  return { text: chars.join(''), blocks: joined };
}

export const pdfReader: FormatReader = {
  format: 'pdf',
  extensions: ['.pdf'],
  async read(file) {
    const bytes = await readWhole(file);
    let pages: string[];
    let info: Record<string, unknown>;
    try {
      ({ pages, info } = await readPdf(bytes));
    } catch (err) {
      throw new UnreadableFileError(`not a readable PDF (${(err as Error).message})`);
    }
    let text = '';
    const blocks: TextBlock[] = [];
    let section: string[] = [];
    const pageStarts: number[] = [];
    withoutPageFurniture(pages).forEach((lines, p) => {
      if (text) text += '\n\n';
      const base = text.length;
      pageStarts.push(base);
      text += lines.join('\n');
      let open: { start: number; end: number } | undefined;
      const close = () => {
        if (open) blocks.push({ ...open, section, page: p + 1 });
        open = undefined;
      };
      let offset = 0;
      lines.forEach((line, i) => {
        const start = base + offset + (line.length - line.trimStart().length);
        const end = base + offset + line.trimEnd().length;
        offset += line.length + 1;
        if (!line.trim()) {
          close();
          return;
        }
        const next = lines[i + 1]?.trim();
        // A wrapped line also looks like a heading (capitalised, no full stop): a heading is short
        // and the line after it starts a sentence.
        if (
          looksLikeHeading(line.trim()) &&
          line.trim().split(/\s+/).length <= 10 &&
          next &&
          !looksLikeHeading(next) &&
          /^[\p{Lu}\p{N}]/u.test(next)
        ) {
          close();
          section = [headingText(line.trim())];
          return;
        }
        open = open ? { start: open.start, end } : { start, end };
      });
      close();
    });
    if (blocks.length === 0) throw new UnreadableFileError('no extractable text (a scanned PDF needs OCR first)');
    const joinedText = joinBrokenLines(text, blocks);
    text = joinedText.text;
    const joined = joinedText.blocks;
    const metadata: Metadata = { pages: pages.length };
    if (typeof info.Author === 'string' && info.Author.trim()) metadata.author = info.Author.trim();
    return [
      {
        id: file.relPath,
        title: pdfTitle(info.Title, pages[0]) ?? titleFromPath(file.displayPath),
        text,
        blocks: joined,
        source: { path: file.displayPath, format: 'pdf' },
        metadata,
        pageStarts,
        heldChars: pages.reduce((n, p) => n + p.replace(/\s+/g, ' ').trim().length, 0),
      },
    ];
  },
};
