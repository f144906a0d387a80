/**
 * A PDF's pages as text (unpdf, the serverless build of PDF.js), and their furniture: the running
 * headers and footers a typesetter prints on every page ("FIND(1) General Commands Manual
 * FIND(1)", a page number). Read as text they break a paragraph that runs on across a page, pose
 * as section headings and open passages with noise, so they are removed before a PDF's pages
 * become blocks.
 */
import { extractText, getDocumentProxy, getMeta } from 'unpdf';

/** The text of each page (page 1 first) and the document information (Title, Author...). */
export async function readPdf(bytes: Uint8Array): Promise<{ pages: string[]; info: Record<string, unknown> }> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const pages = (await extractText(pdf, { mergePages: false })).text;
    const info = ((await getMeta(pdf)).info ?? {}) as Record<string, unknown>;
    return { pages, info };
  } finally {
    await pdf.destroy();
  }
}

/** How many lines at the top and at the bottom of a page can be furniture. */
const EDGE = 2;
const PAGE_NUMBER = /^(?:page\s+)?(?:\d{1,5}|[ivxlcdm]{1,8})(?:\s*(?:of|\/)\s*\d{1,5})?$/i;

/** A line as it repeats from page to page: numbers stand for any number. */
function furnitureKey(line: string): string {
  return line.trim().replace(/\s+/g, ' ').replace(/\d+/g, '#').toLowerCase();
}

function edgeIndices(lines: string[]): number[] {
  const filled = lines.flatMap((l, i) => (l.trim() ? [i] : []));
  return [...new Set([...filled.slice(0, EDGE), ...filled.slice(-EDGE)])];
}

/**
 * Each page's lines without its furniture: a line at a page's top or bottom that recurs there on
 * at least half of the pages (three at least), numbers aside, or a bare page number there.
 */
export function withoutPageFurniture(pages: string[]): string[][] {
  const lines = pages.map((p) => p.split('\n'));
  const seen = new Map<string, number>();
  for (const page of lines) {
    const keys = new Set(edgeIndices(page).map((i) => furnitureKey(page[i]!)));
    for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const repeats = (key: string) => pages.length >= 3 && (seen.get(key) ?? 0) >= Math.max(3, pages.length / 2);
  return lines.map((page) => {
    const drop = new Set(edgeIndices(page).filter((i) => repeats(furnitureKey(page[i]!)) || PAGE_NUMBER.test(page[i]!.trim())));
    return page.filter((_, i) => !drop.has(i));
  });
}

/** Titles that PDF producers write in place of one. */
const PLACEHOLDER_TITLE =
  /^(?:untitled(?: document)?|enscript output|microsoft (?:word|powerpoint) - .*|document\d*|.*\.(?:docx?|pdf|tex|dvi|ps|txt|md|html?))$/i;

/** The document's title: its metadata title unless a placeholder, else the first line printed on its first page. */
export function pdfTitle(infoTitle: unknown, firstPage: string | undefined): string | undefined {
  const meta = typeof infoTitle === 'string' ? infoTitle.replace(/\s+/g, ' ').trim() : '';
  if (meta && !PLACEHOLDER_TITLE.test(meta)) return meta;
  const line = firstPage
    ?.split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l.length > 0);
  // A man page's running head names the page at both ends: "FIND(1) General Commands Manual FIND(1)".
  const words = line?.split(' ') ?? [];
  const once = words.length > 2 && words[0] === words[words.length - 1] ? words.slice(0, -1).join(' ') : line;
  return once ? once.slice(0, 200) : undefined;
}
