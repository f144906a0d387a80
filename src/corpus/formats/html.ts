/**
 * HTML: the main text only. Mozilla's Readability (the engine of Firefox Reader View) picks the
 * article out of navigation, ads and boilerplate, on a linkedom DOM; where it finds no article,
 * the body is used with script, style, navigation, header, footer, aside and forms removed.
 * Headings become sections. Offsets point into the extracted text (block texts joined by blank
 * lines), which is what results quote.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { decodeText } from '../decode.js';
import type { Metadata, TextBlock } from '../document.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';

const BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,blockquote,pre,td,th,dt,dd,figcaption,caption';
const NOISE = 'script,style,noscript,template,svg,nav,header,footer,aside,form,iframe,button';

type El = {
  tagName: string;
  textContent: string | null;
  querySelector(s: string): El | null;
  querySelectorAll(s: string): Iterable<El>;
  getAttribute(n: string): string | null;
  remove(): void;
};

function clean(text: string, pre: boolean): string {
  return pre ? text.replace(/^\n+|\s+$/g, '') : text.replace(/\s+/g, ' ').trim();
}

function attr(document: { querySelector(s: string): El | null }, selector: string, name: string): string | undefined {
  const v = document.querySelector(selector)?.getAttribute(name)?.trim();
  return v ? v : undefined;
}

export const htmlReader: FormatReader = {
  format: 'html',
  extensions: ['.html', '.htm', '.xhtml'],
  async read(file) {
    const { text: html } = decodeText(await readWhole(file));
    const { document } = parseHTML(html) as unknown as {
      document: El & { documentElement: El; body: El | null; cloneNode(deep: boolean): unknown };
    };
    const h1 = document.querySelector('h1')?.textContent?.trim();
    const title =
      attr(document, 'meta[property="og:title"]', 'content') ??
      (h1 || undefined) ??
      (document.querySelector('title')?.textContent?.trim() || undefined) ??
      titleFromPath(file.relPath);
    const url = attr(document, 'link[rel="canonical"]', 'href') ?? attr(document, 'meta[property="og:url"]', 'content');
    const metadata: Metadata = {};
    const lang = document.documentElement.getAttribute('lang')?.trim();
    const author = attr(document, 'meta[name="author"]', 'content');
    const description = attr(document, 'meta[name="description"]', 'content');
    if (lang) metadata.lang = lang;
    if (author) metadata.author = author;
    if (description) metadata.description = description;

    const article = new Readability(document.cloneNode(true) as never).parse();
    let root: El | null;
    if (article?.content) {
      root = (parseHTML(`<html><body>${article.content}</body></html>`) as unknown as { document: { body: El } }).document.body;
    } else {
      root = document.body;
      if (root) for (const el of [...root.querySelectorAll(NOISE)]) el.remove();
    }
    if (!root) throw new UnreadableFileError('no <body>');

    let text = '';
    const blocks: TextBlock[] = [];
    let section: string[] = [];
    for (const el of root.querySelectorAll(BLOCKS)) {
      if (el.querySelector(BLOCKS)) continue; // the innermost block carries the text
      const tag = el.tagName.toLowerCase();
      const content = clean(el.textContent ?? '', tag === 'pre');
      if (!content) continue;
      if (/^h[1-6]$/.test(tag)) {
        if (content !== title) section = [content];
        continue;
      }
      if (text) text += '\n\n';
      blocks.push({ start: text.length, end: text.length + content.length, section });
      text += content;
    }
    if (blocks.length === 0) {
      const all = clean(root.textContent ?? '', false);
      if (all) blocks.push({ start: 0, end: all.length, section: [] });
      text = all;
    }
    return [
      { id: file.relPath, title, text, blocks, source: { path: file.displayPath, format: 'html', ...(url ? { url } : {}) }, metadata },
    ];
  },
};
