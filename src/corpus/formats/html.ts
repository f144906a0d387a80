/**
 * HTML: the text a browser shows, less scripts and the page's chrome (html-text.ts), on a
 * linkedom DOM. Readability was used before and is right for news articles, but on manuals it kept
 * half of a page whose prose sits directly in <body>; this reader keeps what is rendered and
 * leaves out what the page itself marks as navigation. Headings become sections; `lang`, author,
 * description and the canonical URL become metadata.
 */
import { parseHTML } from 'linkedom';
import { decodeText } from '../decode.js';
import type { Metadata } from '../document.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';
import { cleanHeading, extractHtmlText, type HtmlNode } from './html-text.js';

type Element = HtmlNode & { querySelector(s: string): Element | null };
type HtmlDocument = Element & { documentElement: Element; body: Element | null };

/** The encoding a page declares in its first 1,024 bytes (`<meta charset>` or http-equiv), as the HTML standard's prescan finds it. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('windows-1252').decode(bytes.subarray(0, 1024));
  const match = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return match?.[1]?.toLowerCase();
}

/** A byte-order mark wins, then a declared legacy encoding the runtime knows, then UTF-8 with the Windows-1252 fallback. */
export function decodeHtml(bytes: Uint8Array): string {
  const declared = declaredEncoding(bytes);
  const bom = bytes[0] === 0xef || bytes[0] === 0xff || bytes[0] === 0xfe;
  if (declared && !bom && !/^(utf-?8|unicode-1-1-utf-8)$/.test(declared)) {
    try {
      return new TextDecoder(declared).decode(bytes);
    } catch {
      // an encoding name the runtime does not know: fall through
    }
  }
  return decodeText(bytes).text;
}

function attr(document: Element, selector: string, name: string): string | undefined {
  const v = document.querySelector(selector)?.getAttribute?.(name)?.trim();
  return v ? v : undefined;
}

function textOf(el: Element | null): string | undefined {
  const t = el ? cleanHeading(el.textContent ?? '') : '';
  return t || undefined;
}

/**
 * The title the page gives itself: its social-card title, else an article's headline, else
 * <title>; permalink marks and line breaks removed. Undefined when it gives none (the first
 * heading is taken then).
 */
function declaredTitle(document: HtmlDocument): string | undefined {
  const og = attr(document, 'meta[property="og:title"]', 'content');
  return (
    (og ? cleanHeading(og) || undefined : undefined) ??
    textOf(document.querySelector('article h1')) ??
    textOf(document.querySelector('title'))
  );
}

export const htmlReader: FormatReader = {
  format: 'html',
  extensions: ['.html', '.htm', '.xhtml'],
  async read(file) {
    const html = decodeHtml(await readWhole(file));
    const { document } = parseHTML(html) as unknown as { document: HtmlDocument };
    const body = document.body;
    if (!body) throw new UnreadableFileError('no <body>');
    const declared = declaredTitle(document);
    const extracted = extractHtmlText(body, declared);
    const title = declared ?? extracted.firstHeading ?? titleFromPath(file.displayPath);
    const url = attr(document, 'link[rel="canonical"]', 'href') ?? attr(document, 'meta[property="og:url"]', 'content');
    const metadata: Metadata = {};
    const lang = document.documentElement.getAttribute?.('lang')?.trim();
    const author = attr(document, 'meta[name="author"]', 'content');
    const description = attr(document, 'meta[name="description"]', 'content');
    if (lang) metadata.lang = lang;
    if (author) metadata.author = author;
    if (description) metadata.description = description;
    return [
      {
        id: file.relPath,
        title,
        text: extracted.text,
        blocks: extracted.blocks,
        source: { path: file.displayPath, format: 'html', ...(url ? { url } : {}) },
        metadata,
        heldChars: extracted.renderedChars,
      },
    ];
  },
};
