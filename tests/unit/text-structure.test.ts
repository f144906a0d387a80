import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTextStructure, looksLikeHeading } from '../../src/corpus/formats/text-structure.js';

const article = fs.readFileSync(new URL('../../corpus/article.txt', import.meta.url), 'utf8');

describe('plain-text structure', () => {
  const s = parseTextStructure(article);

  it('takes the first line as the title', () => {
    expect(s.title).toBe('Russia becomes the first country to formally recognize the Taliban regime');
  });

  it('moves the trailing attribution into metadata, out of the searchable blocks', () => {
    expect(s.url).toBe('https://www.toutiao.com/article/1836679694035980/');
    expect(s.metadata).toEqual({ source: 'rfi', statement: 'This article represents the views of the author himself.' });
    const searchable = s.blocks.map((b) => article.slice(b.start, b.end)).join('\n');
    expect(searchable).not.toContain('Original:');
    expect(searchable).not.toContain('Statement:');
    expect(searchable).not.toContain('Source: rfi');
  });

  it('turns standalone short lines into section headings', () => {
    const sections = [...new Set(s.blocks.map((b) => b.section.join('/')))];
    expect(sections).toEqual([
      '',
      'Promising prospects for important cooperation',
      'Russia removes the Taliban from its list of terrorist organizations',
    ]);
  });

  it('keeps every paragraph of the body', () => {
    expect(s.blocks).toHaveLength(12);
    expect(article.slice(s.blocks[0]!.start, s.blocks[0]!.end)).toMatch(/^Moscow received the credentials/);
    expect(article.slice(s.blocks.at(-1)!.start, s.blocks.at(-1)!.end)).toMatch(/Soviet invasion from 1979 to 1989\.$/);
  });

  it('tells headings from sentences', () => {
    expect(looksLikeHeading('"Promising prospects for important cooperation"')).toBe(true);
    expect(looksLikeHeading('Zia said: "Russia is the first."')).toBe(false);
    expect(looksLikeHeading('lowercase start is prose')).toBe(false);
  });

  it('handles CRLF line endings with the same offsets semantics', () => {
    const crlf = 'Title\r\n\r\nFirst para.\r\nStill first.\r\n\r\nSecond para.\r\n';
    const p = parseTextStructure(crlf);
    expect(p.title).toBe('Title');
    expect(p.blocks.map((b) => crlf.slice(b.start, b.end))).toEqual(['First para.\r\nStill first.', 'Second para.']);
  });
});
