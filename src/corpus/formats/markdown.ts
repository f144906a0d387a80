/**
 * Markdown (CommonMark + GFM tables) with optional YAML front matter. Headings become the section
 * context of the blocks below them; front matter fields become metadata (`title` and `url` are
 * taken as such). Offsets point into the file itself, front matter included.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString as textOf } from 'mdast-util-to-string';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import YAML from 'yaml';
import type { Heading, Node, RootContent } from 'mdast';
import { decodeText, looksBinary } from '../decode.js';
import type { Metadata, TextBlock } from '../document.js';
import { readWhole, titleFromPath, UnreadableFileError, type FormatReader } from './format.js';
import { scalarMetadata } from './metadata.js';

const SKIPPED = new Set(['yaml', 'html', 'thematicBreak', 'definition', 'footnoteDefinition']);

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
    const { text } = decodeText(bytes);
    const tree = fromMarkdown(text, {
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
    const firstH1 = tree.children.find((n): n is Heading => n.type === 'heading' && n.depth === 1);
    const title =
      typeof front.title === 'string' && front.title.trim()
        ? front.title.trim()
        : firstH1
          ? textOf(firstH1).trim()
          : titleFromPath(file.relPath);
    const url = [front.url, front.source_url, front.canonical].find((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));

    const blocks: TextBlock[] = [];
    const headings: { depth: number; text: string }[] = [];
    const push = (node: Node) => {
      const s = span(node);
      if (s && text.slice(s.start, s.end).trim()) blocks.push({ ...s, section: headings.map((h) => h.text) });
    };
    for (const node of tree.children as RootContent[]) {
      if (node.type === 'heading') {
        if (node === firstH1 && title === textOf(firstH1).trim()) continue; // it is the title
        while (headings.length && headings[headings.length - 1]!.depth >= node.depth) headings.pop();
        headings.push({ depth: node.depth, text: textOf(node).trim() });
      } else if (node.type === 'list') {
        for (const item of node.children) push(item);
      } else if (!SKIPPED.has(node.type)) {
        push(node);
      }
    }
    const { title: _t, url: _u, source_url: _s, canonical: _c, ...rest } = front;
    const metadata: Metadata = scalarMetadata(rest);
    return [
      { id: file.relPath, title, text, blocks, source: { path: file.displayPath, format: 'markdown', ...(url ? { url } : {}) }, metadata },
    ];
  },
};
