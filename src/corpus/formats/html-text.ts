/**
 * The text a browser shows for an HTML page, as blocks under their headings. One walk over the
 * DOM in document order: every text node a browser renders lands in a block (text directly in
 * <body> between <pre> blocks included, as old manuals have it), block-level elements start and
 * end blocks, <pre> keeps its lines, <br> breaks a line, headings become the section of what
 * follows. Left out: what is never rendered (scripts, styles, templates, hidden elements) and the
 * page's chrome as the page itself marks it (<nav>, <aside>, <footer>, a site <header>, ARIA
 * navigation, menu, search and banner roles). Rooting the walk at <main> was tried and cut what
 * some pages keep outside it (docs/evaluation.md); the whole body, less its marked chrome, is read.
 */
import type { TextBlock } from '../document.js';

/** The DOM surface used here (linkedom's nodes). */
export interface HtmlNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<HtmlNode>;
  getAttribute?(name: string): string | null;
}

const ELEMENT = 1;
const TEXT = 3;

/** Never rendered, so never read. */
const NOT_RENDERED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'title',
  'meta',
  'link',
  'svg',
  'iframe',
  'object',
  'embed',
  'canvas',
  'audio',
  'video',
  'select',
  'datalist',
  'button',
  'input',
  'textarea',
  'dialog',
]);

/** Page chrome: rendered, but not the document's content. */
const CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'menu']);
const CHROME_ROLES = new Set([
  'navigation',
  'banner',
  'contentinfo',
  'search',
  'menu',
  'menubar',
  'complementary',
  'toolbar',
  'dialog',
  'tablist',
]);

const BLOCK = new Set([
  'address',
  'article',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dir',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'form',
  'header',
  'hgroup',
  'hr',
  'legend',
  'li',
  'listing',
  'main',
  'ol',
  'p',
  'plaintext',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'xmp',
]);
const PREFORMATTED = new Set(['pre', 'listing', 'plaintext', 'xmp']);
const HEADING = /^h([1-6])$/;

/** Permalink marks that heading generators (Sphinx, mdBook, GitHub) append or prepend. */
const PERMALINK_TEXT = /^[\s¶§#🔗⚓]*$/u;
const PERMALINK_MARKS = /[\s]*[¶§🔗⚓]+[\s]*/gu;

function tag(node: HtmlNode): string {
  return node.nodeName.toLowerCase();
}

function attr(node: HtmlNode, name: string): string {
  return node.getAttribute?.(name) ?? '';
}

function hidden(node: HtmlNode): boolean {
  if (node.getAttribute?.('hidden') != null) return true;
  if (attr(node, 'aria-hidden') === 'true') return true;
  return /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(attr(node, 'style'));
}

function isChrome(node: HtmlNode, insideContent: boolean): boolean {
  const name = tag(node);
  if (CHROME_TAGS.has(name) || CHROME_ROLES.has(attr(node, 'role').toLowerCase())) return true;
  // A site banner sits outside the content; a <header> within an article or section heads it.
  return name === 'header' && !insideContent;
}

/** A link that is only a permalink mark (¶, #, §) to an anchor on the same page. */
function isPermalink(node: HtmlNode): boolean {
  if (tag(node) !== 'a') return false;
  const href = attr(node, 'href');
  const cls = attr(node, 'class');
  return (href.startsWith('#') && PERMALINK_TEXT.test(node.textContent ?? '')) || /\bheaderlink\b/.test(cls);
}

/** A heading or title as a person reads it: one line, no permalink marks. */
export function cleanHeading(text: string): string {
  return text.replace(PERMALINK_MARKS, ' ').replace(/\s+/g, ' ').trim();
}

export interface HtmlText {
  /** Headings and blocks, joined by blank lines: what offsets point into and /documents shows. */
  text: string;
  blocks: TextBlock[];
  /** Characters (whitespace collapsed) of all rendered text outside the chrome: what the blocks should cover. */
  renderedChars: number;
  /** The first heading met, the title of a page that declares none. */
  firstHeading?: string;
}

interface Frame {
  node: HtmlNode;
  /** Inside an article or a section (where a <header> is content). */
  sectioned: boolean;
  pre: boolean;
  exit: boolean;
}

/**
 * Walks `body` (iteratively: nesting depth is the page's to choose) and returns its visible text
 * as blocks. A heading that opens the page is its title, not a section, when it repeats `title`
 * or when the page declares none.
 */
export function extractHtmlText(body: HtmlNode, title: string | undefined): HtmlText {
  let text = '';
  const blocks: TextBlock[] = [];
  const headings: { level: number; text: string }[] = [];
  let firstHeading: string | undefined;
  let renderedChars = 0;
  let buffer = '';
  let bufferPre = false;

  const append = (piece: string) => {
    if (text) text += '\n\n';
    const start = text.length;
    text += piece;
    return { start, end: text.length };
  };
  const flush = () => {
    const content = bufferPre
      ? buffer.replace(/^\n+/, '').trimEnd()
      : buffer
          .replace(/ {2,}/g, ' ')
          .replace(/ ?\n ?/g, '\n')
          .trim();
    buffer = '';
    bufferPre = false;
    if (!content) return;
    blocks.push({ ...append(content), section: headings.map((h) => h.text) });
  };

  const stack: Frame[] = [{ node: body, sectioned: false, pre: false, exit: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node } = frame;
    if (frame.exit) {
      if (BLOCK.has(tag(node))) flush();
      continue;
    }
    if (node.nodeType === TEXT) {
      const raw = node.textContent ?? '';
      const collapsed = raw.replace(/\s+/g, ' ');
      renderedChars += collapsed.trim().length;
      if (frame.pre) {
        buffer += raw;
        bufferPre = true;
      } else if (collapsed !== ' ' || (buffer && !buffer.endsWith(' ') && !buffer.endsWith('\n'))) buffer += collapsed;
      continue;
    }
    if (node.nodeType !== ELEMENT) continue;
    const name = tag(node);
    if (NOT_RENDERED.has(name) || hidden(node) || isPermalink(node) || isChrome(node, frame.sectioned)) continue;
    const heading = HEADING.exec(name);
    if (heading) {
      const words = cleanHeading(node.textContent ?? '');
      renderedChars += words.length;
      if (!words) continue;
      flush();
      const level = Number(heading[1]);
      firstHeading ??= words;
      while (headings.length && headings[headings.length - 1]!.level >= level) headings.pop();
      const opensAsTitle = blocks.length === 0 && headings.length === 0 && (title === undefined || words === title);
      if (!opensAsTitle) headings.push({ level, text: words });
      append(words);
      continue;
    }
    if (name === 'br') {
      buffer += '\n';
      continue;
    }
    if (BLOCK.has(name)) flush();
    const child = {
      sectioned: frame.sectioned || name === 'article' || name === 'section',
      pre: frame.pre || PREFORMATTED.has(name),
      exit: false,
    };
    stack.push({ ...frame, node, exit: true });
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, ...child });
  }
  flush();
  return { text, blocks, renderedChars, ...(firstHeading ? { firstHeading } : {}) };
}
