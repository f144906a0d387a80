/**
 * PDF text via unpdf (the serverless build of Mozilla's PDF.js). One block per page, split at
 * lines that look like headings; each block remembers its page so results can cite it. Title and
 * author come from the document info when present.
 */
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import type { Metadata, TextBlock } from '../document.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';
import { headingText, looksLikeHeading } from './text-structure.js';

export const pdfReader: FormatReader = {
  format: 'pdf',
  extensions: ['.pdf'],
  async read(file) {
    const bytes = await readWhole(file);
    let pages: string[];
    let info: Record<string, unknown> = {};
    try {
      const pdf = await getDocumentProxy(new Uint8Array(bytes));
      pages = (await extractText(pdf, { mergePages: false })).text;
      info = ((await getMeta(pdf)).info ?? {}) as Record<string, unknown>;
      await pdf.destroy();
    } catch (err) {
      throw new UnreadableFileError(`not a readable PDF (${(err as Error).message})`);
    }
    let text = '';
    const blocks: TextBlock[] = [];
    let section: string[] = [];
    let firstHeading: string | undefined;
    pages.forEach((pageText, p) => {
      if (text) text += '\n\n';
      const base = text.length;
      text += pageText;
      let open: { start: number; end: number } | undefined;
      const close = () => {
        if (open) blocks.push({ ...open, section, page: p + 1 });
        open = undefined;
      };
      let offset = 0;
      const lines = pageText.split('\n');
      lines.forEach((line, i) => {
        const start = base + offset + (line.length - line.trimStart().length);
        const end = base + offset + line.trimEnd().length;
        offset += line.length + 1;
        if (!line.trim()) return close();
        const next = lines[i + 1]?.trim();
        if (looksLikeHeading(line.trim()) && next && !looksLikeHeading(next)) {
          close();
          firstHeading ??= headingText(line.trim());
          section = [headingText(line.trim())];
          return;
        }
        open = open ? { start: open.start, end } : { start, end };
      });
      close();
    });
    if (blocks.length === 0) throw new UnreadableFileError('no extractable text (a scanned PDF needs OCR first)');
    const infoTitle = typeof info.Title === 'string' ? info.Title.trim() : '';
    const metadata: Metadata = { pages: pages.length };
    if (typeof info.Author === 'string' && info.Author.trim()) metadata.author = info.Author.trim();
    return [{ id: file.relPath, title: infoTitle || firstHeading || titleFromPath(file.relPath), text, blocks, source: { path: file.displayPath, format: 'pdf' }, metadata }];
  },
};
