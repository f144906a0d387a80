/**
 * Markdown (CommonMark + GFM tables) with optional YAML front matter. Headings become the section
 * context of the blocks below them; front matter fields become metadata (`title` and `url` are
 * taken as such). Offsets point into the file itself, front matter included; raw HTML in it is read
 * as the text it shows (its tags blanked).
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString as mdastText } from 'mdast-util-to-string';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import YAML from 'yaml';
import type { Heading, Node, RootContent } from 'mdast';
import { decodeText, looksBinary } from '../decode.js';
import type { Metadata, TextBlock } from '../document.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';
import { scalarMetadata } from './metadata.js';

const SKIPPED = new Set(['yaml', 'thematicBreak', 'definition', 'footnoteDefinition']);

/** A heading as a reader sees it: its words, without badges (images) or inline HTML. */
function textOf(node: Node): string {
  return mdastText(node, { includeImageAlt: false, includeHtml: false }).replace(/\s+/g, ' ').trim();
}

/** Calls `fn` on every node of the tree, iteratively. */
function visit(root: Node, fn: (node: Node) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    fn(node);
    const children = (node as { children?: Node[] }).children;
    if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

const MARKUP = /<!--[\s\S]*?(?:-->|$)|<[^>]*>/g;

/**
 * Raw HTML in Markdown as a reader sees it: tags and comments blanked to spaces, so that a README's
 * <p align="center"> description is searchable text while every offset still points into the file.
 */
function blankMarkup(text: string, tree: Node): string {
  const spans: { start: number; end: number }[] = [];
  visit(tree, (node) => {
    const s = node.type === 'html' ? span(node) : undefined;
    if (s) spans.push(s);
  });
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + text.slice(s.start, s.end).replace(MARKUP, (m) => m.replace(/[^\n]/g, ' '));
    at = s.end;
  }
  return out + text.slice(at);
}

function span(node: Node): { start: number; end: number } | undefined {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start !== undefined && end !== undefined && end > start ? { start, end } : undefined;
}

export const markdownReader: FormatReader = {
  format: 'markdown',
  extensions: ['.md', '.markdown', '.mdown', '.mkd'],
  async read(file) {
    const bytes = await readWhole(file);
    if (looksBinary(bytes)) throw new UnreadableFileError('binary content in a Markdown file');
    const source = decodeText(bytes).text;
    const tree = fromMarkdown(source, {
      extensions: [frontmatter(['yaml']), gfm()],
      mdastExtensions: [frontmatterFromMarkdown(['yaml']), gfmFromMarkdown()],
    });
    let front: Record<string, unknown> = {};
    const yamlNode = tree.children.find((n) => n.type === 'yaml');
    if (yamlNode && 'value' in yamlNode) {
      try {
        const parsed: unknown = YAML.parse(yamlNode.value);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) front = parsed as Record<string, unknown>;
      } catch (err) {
        file.warn('', `front matter is not valid YAML, ignored (${(err as Error).message.split('\n')[0]})`);
      }
    }
    // The document's own title: an h1 that comes before any other heading (a README's first h1 can
    // otherwise be "License" at the very end).
    const firstHeading = tree.children.find((n): n is Heading => n.type === 'heading' && textOf(n) !== '');
    const firstH1 = firstHeading?.depth === 1 ? firstHeading : undefined;
    const title =
      typeof front.title === 'string' && front.title.trim()
        ? front.title.trim()
        : firstH1
          ? textOf(firstH1)
          : titleFromPath(file.displayPath);
    const text = blankMarkup(source, tree);
    const url = [front.url, front.source_url, front.canonical].find((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));

    const blocks: TextBlock[] = [];
    const headings: { depth: number; text: string }[] = [];
    const push = (node: Node) => {
      const s = span(node);
      if (s && text.slice(s.start, s.end).trim()) blocks.push({ ...s, section: headings.map((h) => h.text) });
    };
    for (const node of tree.children as RootContent[]) {
      if (node.type === 'heading') {
        if (node === firstH1 && title === textOf(firstH1)) continue; // it is the title
        while (headings.length && headings[headings.length - 1]!.depth >= node.depth) headings.pop();
        headings.push({ depth: node.depth, text: textOf(node) });
      } else if (node.type === 'list') {
        for (const item of node.children) push(item);
      } else if (!SKIPPED.has(node.type)) {
        push(node);
      }
    }
    // What a reader of the rendered page sees, for the build's check that blocks cover it.
    let held = 0;
    visit(tree, (node) => {
      if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code' || node.type === 'html') {
        const s = span(node);
        if (s) held += text.slice(s.start, s.end).replace(/\s+/g, ' ').trim().length;
      }
    });
    const { title: _t, url: _u, source_url: _s, canonical: _c, ...rest } = front;
    const metadata: Metadata = scalarMetadata(rest);
    return [
      {
        id: file.relPath,
        title,
        text,
        blocks,
        source: { path: file.displayPath, format: 'markdown', ...(url ? { url } : {}) },
        metadata,
        heldChars: held,
      },
    ];
  },
};
