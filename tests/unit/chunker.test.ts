import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument, type ChunkingSettings, type TokenCounter } from '../../src/corpus/chunker.js';
import type { SourceDocument } from '../../src/corpus/document.js';
import { parseTextStructure } from '../../src/corpus/formats/text-structure.js';
import { sharedEmbedder } from '../helpers/article-index.js';

/** A whitespace word counter: simple and exact, so the window arithmetic can be checked by hand. */
const words: TokenCounter = (t) => t.split(/\s+/).filter(Boolean).length;

function docFrom(text: string): SourceDocument {
  const s = parseTextStructure(text);
  return {
    id: 'doc.txt',
    title: s.title ?? 'doc',
    text,
    blocks: s.blocks,
    source: { path: 'doc.txt', format: 'text' },
    metadata: s.metadata,
  };
}

const settings = (
  maxTokens: number,
  context: ChunkingSettings['context'] = 'none',
  overlapSentences = 0,
  minTokens = 0,
): ChunkingSettings => ({
  maxTokens,
  context,
  overlapSentences,
  minTokens,
});

describe('chunkDocument', () => {
  it('keeps a paragraph that fits as one chunk, with offsets into the source', () => {
    const text = 'Title line\n\nFirst paragraph here. It has two sentences.\n\nSecond one.\n';
    const chunks = chunkDocument(docFrom(text), settings(50), words);
    expect(chunks.map((c) => c.text)).toEqual(['First paragraph here. It has two sentences.', 'Second one.']);
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(chunks.map((c) => c.id)).toEqual(['doc.txt#p0', 'doc.txt#p1']);
  });

  it('splits a long paragraph at sentence boundaries, never past the window', () => {
    const text = 'Heading\n\nOne two three four. Five six seven eight. Nine ten eleven twelve. Thirteen fourteen.\n';
    const chunks = chunkDocument(docFrom(text), settings(9), words);
    expect(chunks.map((c) => c.text)).toEqual(['One two three four. Five six seven eight.', 'Nine ten eleven twelve. Thirteen fourteen.']);
    for (const c of chunks) expect(words(c.embedInput)).toBeLessThanOrEqual(9);
  });

  it('repeats sentences between split chunks when asked to overlap', () => {
    const text = 'Heading\n\nA b c. D e f. G h i. J k l.\n';
    const chunks = chunkDocument(docFrom(text), settings(6, 'none', 1), words);
    expect(chunks.map((c) => c.text)).toEqual(['A b c. D e f.', 'D e f. G h i.', 'G h i. J k l.']);
  });

  it('cuts a sentence longer than the window at word boundaries', () => {
    const long = Array.from({ length: 25 }, (_, i) => `w${i}`).join(' ');
    const text = `Heading\n\n${long}.\n`;
    const chunks = chunkDocument(docFrom(text), settings(10), words);
    expect(chunks.length).toBe(3);
    expect(chunks.map((c) => c.text).join(' ')).toBe(`${long}.`);
    for (const c of chunks) expect(words(c.text)).toBeLessThanOrEqual(10);
  });

  it('counts the context line against the window and records it in the embedding input', () => {
    const text = 'A Short Title\n\nSection Name\n\nAlpha beta gamma delta. Epsilon zeta eta theta.\n\nLast paragraph here.\n';
    const chunks = chunkDocument(docFrom(text), settings(40, 'title+section'), words);
    expect(chunks[0]!.section).toEqual(['Section Name']);
    expect(chunks[0]!.embedInput).toBe('A Short Title — Section Name\nAlpha beta gamma delta. Epsilon zeta eta theta.');
    // A small window caps the context at a quarter of it, so the passage keeps its room.
    const small = chunkDocument(docFrom(text), settings(16, 'title+section'), words);
    for (const c of small) {
      expect(words(c.embedInput.split('\n')[0]!)).toBeLessThanOrEqual(4);
      expect(words(c.embedInput)).toBeLessThanOrEqual(16);
    }
  });

  it('merges runs of short blocks under one heading while they fit, never across headings', () => {
    const text = 'Title\n\nOne.\n\nTwo words.\n\nThree more words.\n\nSection\n\nAfter the heading here.\n';
    const chunks = chunkDocument(docFrom(text), settings(6, 'none', 0, 4), words);
    expect(chunks.map((c) => c.text)).toEqual(['One.\n\nTwo words.\n\nThree more words.', 'After the heading here.']);
    const unmerged = chunkDocument(docFrom(text), settings(6, 'none', 0, 0), words);
    expect(unmerged).toHaveLength(4);
  });

  it('property: chunks cover the blocks in order, map back to the source and fit the window', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const sentence = fc.array(word, { minLength: 1, maxLength: 30 }).map((w) => `${w.join(' ')}.`);
    const paragraph = fc.array(sentence, { minLength: 1, maxLength: 8 }).map((s) => s.join(' '));
    fc.assert(
      fc.property(fc.array(paragraph, { minLength: 1, maxLength: 6 }), fc.integer({ min: 3, max: 40 }), (paragraphs, window) => {
        const text = `Title\n\n${paragraphs.join('\n\n')}\n`;
        const doc = docFrom(text);
        const chunks = chunkDocument(doc, settings(window), words);
        let last = -1;
        for (const c of chunks) {
          expect(text.slice(c.start, c.end)).toBe(c.text);
          expect(words(c.embedInput)).toBeLessThanOrEqual(window);
          expect(c.start).toBeGreaterThan(last);
          last = c.start;
        }
        // Without overlap, the chunks hold every word of every block exactly once.
        const blockWords = doc.blocks.flatMap((b) => text.slice(b.start, b.end).split(/\s+/));
        expect(chunks.flatMap((c) => c.text.split(/\s+/))).toEqual(blockWords);
      }),
      { numRuns: 300 },
    );
  });

  it('with the bundled encoder, every chunk of the article fits the 128 tokens it reads', async () => {
    const embedder = await sharedEmbedder();
    const fs = await import('node:fs');
    const text = fs.readFileSync(new URL('../../corpus/article.txt', import.meta.url), 'utf8');
    const chunks = chunkDocument(docFrom(text), settings(128, 'title+section'), (t) => embedder.countPassageTokens(t));
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(embedder.countPassageTokens(c.embedInput)).toBeLessThanOrEqual(128);
  });

  it('is linear in a run without whitespace: the characters it tokenizes grow with the run, not its square', async () => {
    const embedder = await sharedEmbedder();
    // What a base64 blob or minified code looks like to the chunker: one "word" of any length.
    const tokenized = (length: number) => {
      let chars = 0;
      const blob = Array.from({ length }, (_, i) => 'QmFzZTY0IGJsb2Igb2YgYnl0ZXM+/='[(i * 7) % 29]).join('');
      const chunks = chunkDocument(docFrom(`A file\n\n${blob}\n`), settings(128), (t) => {
        chars += t.length;
        return embedder.countPassageTokens(t);
      });
      expect(chunks.map((c) => c.text).join('')).toContain(blob); // cut into pieces, nothing lost
      expect(chunks.every((c) => embedder.countPassageTokens(c.embedInput) <= 128)).toBe(true);
      return chars / length;
    };
    const small = tokenized(5_000);
    const large = tokenized(40_000);
    // Quadratic splitting read each 40k-character run ~8 times more per character than a 5k one.
    expect(large).toBeLessThan(small * 2);
    expect(large).toBeLessThan(40);
  });

  it('Markdown: links are read by their text, so a list of links is one passage, not one per link', () => {
    const items = ['Command API Reference', 'Input', 'Output', 'Errors', 'Examples'].map(
      (label, i) =>
        `- [${label}](https://docs.example.com/reference/packages/client/commands/${label.replace(/ /g, '')}Command${'x'.repeat(40 + i)}.html)`,
    );
    const text = `# Commands\n\n${items.join('\n\n')}\n\n[![build](https://img.example.com/badge.svg)](https://ci.example.com/run/1)\n`;
    const s = parseTextStructure(text);
    const doc: SourceDocument = {
      id: 'cmds.md',
      title: 'Commands',
      text,
      blocks: s.blocks,
      source: { path: 'cmds.md', format: 'markdown' },
      metadata: {},
    };
    // Each link line alone is a handful of words but, with its URL, dozens of tokens.
    const urlHeavy: TokenCounter = (t) => t.length / 4;
    const chunks = chunkDocument(doc, settings(128, 'none', 0, 24), urlHeavy);
    const linkChunks = chunks.filter((c) => c.text.includes('Command API Reference'));
    expect(linkChunks).toHaveLength(1);
    expect(linkChunks[0]!.text).toContain('https://docs.example.com'); // the passage shown is the source
    expect(linkChunks[0]!.embedInput).not.toMatch(/https?:/); // what the encoder reads is the link text
    expect(linkChunks[0]!.embedInput).toMatch(/Command API Reference[\s\S]*Examples/);
    expect(chunks.map((c) => c.embedInput).join(' ')).toContain('build');
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.text);
  });
});
