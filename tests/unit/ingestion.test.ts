/**
 * Every word a reader sees is searchable: small pages written for each way HTML has been written
 * (prose straight in <body>, upper-case tags, <dd> prose, permalink marks, sidebars and menus,
 * hidden elements), PDFs with running heads and paragraphs across pages, titles of every format,
 * and the build naming a document that lost text.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load-corpus.js';
import { chunkDocument } from '../../src/corpus/chunker.js';
import { extractHtmlText, type HtmlNode } from '../../src/corpus/formats/html-text.js';
import type { SourceDocument } from '../../src/corpus/document.js';
import { buildIndex } from '../../src/build/build-index.js';
import { citationAccuracy } from '../../src/eval/ingestion.js';
import { sharedEmbedder, tempDir } from '../helpers/article-index.js';
import { pdfBytes } from '../helpers/mixed-corpus.js';

async function readOne(name: string, data: string | Uint8Array): Promise<SourceDocument> {
  const dir = tempDir('ingest');
  fs.writeFileSync(path.join(dir, name), data);
  const corpus = await loadCorpus(path.join(dir, name));
  expect(corpus.skipped).toEqual([]);
  return corpus.documents[0]!;
}

const blocksOf = (doc: SourceDocument) => doc.blocks.map((b) => doc.text.slice(b.start, b.end));
const joined = (doc: SourceDocument) => blocksOf(doc).join('\n').replace(/\s+/g, ' ');

describe('HTML: the text a browser shows', () => {
  it('old style: prose straight in <body> between <pre> blocks, unclosed <p>, a declared ISO-8859-1', async () => {
    const page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">
<title>Usage Example</title></head><body>
<h2 align="center"> Usage Example </h2>
We often get questions about how the <tt>deflate()</tt> function should be used.
So for those who have read the header, here is an example.
<pre><b>
#include &lt;stdio.h&gt;
int main(void) { return 0; }
</b></pre>
Buffers of 128K or 256K bytes should be used when memory allows.
<p>The caf\u00e9 example ends here.
<p>Another unclosed paragraph follows.
</body></html>`;
    const doc = await readOne('old.html', Buffer.from(page, 'latin1'));
    expect(doc.title).toBe('Usage Example');
    const text = joined(doc);
    for (const sentence of [
      'We often get questions about how the deflate() function should be used.',
      'So for those who have read the header, here is an example.',
      'Buffers of 128K or 256K bytes should be used when memory allows.',
      'The café example ends here.',
      'Another unclosed paragraph follows.',
    ])
      expect(text).toContain(sentence);
    // Code stays code: its lines are kept.
    expect(blocksOf(doc)).toContain('#include <stdio.h>\nint main(void) { return 0; }');
    expect(doc.blocks.every((b) => b.section.join() === 'Usage Example' || b.section.length === 0)).toBe(true);
  });

  it('upper-case tags and prose in <DD>, sections from the headings', async () => {
    const page = `<HTML><HEAD><TITLE>Users and Groups</TITLE></HEAD><BODY CLASS="BOOK">
<H1 CLASS="TITLE"><A NAME="x">Users and Groups</A></H1>
<H2>Static ids</H2>
<DL><DT>root</DT><DD><P>The superuser owns the system and may do anything at all.</P></DD>
<DT>staff</DT><DD>Members may write to /usr/local without being root, which is close to root access.</DD></DL>
<H2>Dynamic ids</H2><P>Ids from 1000 upwards are given to ordinary users.</P>
</BODY></HTML>`;
    const doc = await readOne('groups.html', page);
    expect(doc.title).toBe('Users and Groups');
    const staff = doc.blocks.find((b) => doc.text.slice(b.start, b.end).startsWith('Members may write'))!;
    expect(staff.section).toEqual(['Static ids']);
    const dynamic = doc.blocks.find((b) => doc.text.slice(b.start, b.end).startsWith('Ids from 1000'))!;
    expect(dynamic.section).toEqual(['Dynamic ids']);
    expect(joined(doc)).toContain('The superuser owns the system and may do anything at all.');
  });

  it('a Sphinx page: <title> is the title, no ¶ in sections, sidebar and footer left out', async () => {
    const page = `<!DOCTYPE html><html><head><title>Python Policy 0.12 documentation</title></head><body>
<div class="related" role="navigation"><ul><li><a href="index.html">Python Policy 0.12 documentation</a> &#187;</li></ul></div>
<div class="body" role="main">
<h1>Abstract<a class="headerlink" href="#abstract" title="Permalink to this heading">¶</a></h1>
<p>This document describes the packaging of Python within the distribution.</p>
<h2>Module path<a class="headerlink" href="#path">¶</a></h2>
<p>Public modules are installed in the dist-packages directory of each version.</p>
</div>
<div class="sphinxsidebar" role="navigation"><h3>Navigation</h3><p>Quick search through the whole documentation set here.</p></div>
<div class="footer" role="contentinfo">© Copyright 1999-2023, Software in the Public Interest.</div>
</body></html>`;
    const doc = await readOne('policy.html', page);
    expect(doc.title).toBe('Python Policy 0.12 documentation');
    const modules = doc.blocks.find((b) => doc.text.slice(b.start, b.end).startsWith('Public modules'))!;
    expect(modules.section).toEqual(['Abstract', 'Module path']);
    expect(doc.text).not.toMatch(/[¶»]|Quick search|Copyright/);
  });

  it('an mdBook page: sidebar, theme menu and scripts left out, the chapter read whole', async () => {
    const page = `<!DOCTYPE HTML><html lang="en"><head><title>Lint Levels - The rustc book</title>
<script>var path_to_root = "../";</script><style>.hidden{display:none}</style></head><body>
<nav id="sidebar" class="sidebar" aria-label="Table of contents"><ol class="chapter"><li><a href="what-is-rustc.html">What is rustc?</a></li><li><a href="lints/index.html">Lints</a></li></ol></nav>
<div id="menu-bar"><ul id="theme-list" role="menu"><li role="none"><button role="menuitem">Light</button></li><li role="none"><button role="menuitem">Coal</button></li></ul>
<h1 class="menu-title">The rustc book</h1></div>
<div id="search-wrapper" hidden><input type="search" placeholder="Search this book ..."></div>
<main><h1 id="lint-levels"><a class="header" href="#lint-levels">Lint Levels</a></h1>
<p>In rustc, lints are divided into six levels: allow, expect, warn, force-warn, deny and forbid.</p>
<pre><code class="language-rust">#![deny(unused_variables)]
fn main() {}
</code></pre>
<template><p>Never rendered template text.</p></template>
<p style="display: none">Text styled away from view.</p>
<p aria-hidden="true">Text hidden from assistive technology.</p></main>
<nav class="nav-wrapper" aria-label="Page navigation"><a rel="prev" href="index.html">Previous chapter</a></nav>
<script>window.playground_copyable = true;</script></body></html>`;
    const doc = await readOne('levels.html', page);
    expect(doc.title).toBe('Lint Levels - The rustc book');
    expect(joined(doc)).toContain('In rustc, lints are divided into six levels: allow, expect, warn, force-warn, deny and forbid.');
    expect(blocksOf(doc)).toContain('#![deny(unused_variables)]\nfn main() {}');
    expect(doc.text).not.toMatch(
      /What is rustc|Coal|Search this book|Previous chapter|playground|path_to_root|Never rendered|styled away|assistive/,
    );
    expect(doc.blocks.find((b) => doc.text.slice(b.start, b.end).startsWith('In rustc'))!.section).toEqual(['Lint Levels']);
  });

  it('an article page: the headline is the title; banner, navigation, advertisement and footer left out', async () => {
    const page = `<html><head><title>Tides | Coastal Times</title></head><body><header>Coastal Times</header>
<nav><a href="/">Home</a></nav><article><header><h1>Turbines in the strait</h1><p>By the science desk, reporting from the coast.</p></header>
<p>The turbine supplies four hundred homes with predictable power.</p></article>
<aside>Advertisement: flights to the sun</aside><footer>All rights reserved</footer></body></html>`;
    const doc = await readOne('article.html', page);
    expect(doc.title).toBe('Turbines in the strait');
    expect(joined(doc)).toContain('By the science desk, reporting from the coast.');
    expect(doc.text).not.toMatch(/Coastal Times|Home|Advertisement|rights reserved/);
  });

  it('property: every text leaf of nested blocks and inlines is read once, in order', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    type Tree = { tag: string; children: (Tree | string)[] };
    const tags = ['div', 'p', 'span', 'b', 'li', 'dd', 'td', 'section', 'em', 'blockquote'];
    const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.record({
        tag: fc.constantFrom(...tags),
        children: fc.array(fc.oneof({ depthSize: 'small' }, word, tie('node')), { maxLength: 4 }),
      }),
    })).node;
    const render = (t: Tree | string): string =>
      typeof t === 'string' ? ` ${t} ` : `<${t.tag}>${t.children.map(render).join('')}</${t.tag}>`;
    const leaves = (t: Tree | string): string[] => (typeof t === 'string' ? [t] : t.children.flatMap(leaves));
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 5 }), (trees) => {
        const { document } = parseHTML(`<html><body>${trees.map(render).join('')}</body></html>`) as unknown as {
          document: { body: HtmlNode };
        };
        const out = extractHtmlText(document.body, undefined);
        const words = out.blocks.flatMap((b) => out.text.slice(b.start, b.end).split(/\s+/)).filter(Boolean);
        expect(words).toEqual(trees.flatMap(leaves));
      }),
      { numRuns: 300 },
    );
  });

  it('a page nested 20,000 elements deep is read without exhausting the stack', async () => {
    const depth = 20_000;
    const page = `<html><body>${'<div>'.repeat(depth)}Deep text at the bottom.${'</div>'.repeat(depth)}</body></html>`;
    const doc = await readOne('deep.html', page);
    expect(blocksOf(doc)).toEqual(['Deep text at the bottom.']);
  });
});

describe('PDF: running heads and page citations', () => {
  it('drops running heads and page numbers, and each passage cites the page its text starts on', async () => {
    const head = 'FIND(1) General Commands Manual FIND(1)';
    const ORDINALS = ['first', 'second', 'third', 'fourth'];
    const sentence = (i: number) => `Sentence number ${i} explains one more option of the command in plain words for the reader.`;
    let n = 0;
    const pages = [1, 2, 3, 4].map((p) => [
      head,
      ...Array.from({ length: 30 }, () => sentence(++n)),
      // The last sentence of the page runs on to the next one.
      ...(p < 4 ? [`This last sentence of the ${ORDINALS[p - 1]} page does not end here but runs on`] : []),
      String(p),
    ]);
    for (let p = 1; p < 4; p++) pages[p]!.splice(1, 0, `across the page break, to the ${ORDINALS[p]} page.`);
    const doc = await readOne('find.pdf', await pdfBytes('', pages));
    expect(doc.title).toBe('FIND(1) General Commands Manual');
    expect(doc.text).not.toContain('General Commands Manual');
    expect(doc.blocks.every((b) => !b.section.some((s) => s.includes('FIND')))).toBe(true);
    const embedder = await sharedEmbedder();
    const chunks = chunkDocument(doc, { maxTokens: 128, overlapSentences: 0, context: 'title+section', minTokens: 24 }, (t) =>
      embedder.countPassageTokens(t),
    );
    const check = citationAccuracy(
      pages.map((lines) => lines.join('\n')),
      chunks,
    );
    expect(check.wrong).toEqual([]);
    expect(check.correct).toBe(chunks.length);
    const runOn = chunks.find((c) =>
      c.text.replace(/\s+/g, ' ').includes('the first page does not end here but runs on across the page break, to the second page.'),
    );
    expect(runOn?.page).toBe(1);
  });

  it('a placeholder title in the document info gives way to the first printed line', async () => {
    const doc = await readOne(
      'subtree.pdf',
      await pdfBytes('Enscript Output', [['git-subtree(1)', 'Merge subtrees together and split a repository into subtrees.']]),
    );
    expect(doc.title).toBe('git-subtree(1)');
  });
});

describe('titles a person would give', () => {
  it('Markdown: the first heading as text, without badges or inline HTML', async () => {
    const doc = await readOne(
      'README.md',
      '# qs <sup>[![Version Badge](https://img.example/v.svg)](https://npm.example/qs)</sup> [![build](https://ci.example/b.svg)](https://ci.example)\n\nA querystring parser with nesting support.\n',
    );
    expect(doc.title).toBe('qs');
  });

  it("Markdown: a README without a leading h1 takes its project's name, not its last heading", async () => {
    const dir = path.join(tempDir('readme'), 'koa');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'Readme.md'),
      '<img src="logo.png" alt="logo"/>\n\nExpressive middleware for node.js.\n\n## Installation\n\nRun the installer.\n\n# License\n\nMIT\n',
    );
    const doc = (await loadCorpus(dir)).documents[0]!;
    expect(doc.title).toBe('koa');
  });

  it('Markdown: text inside raw HTML is read, its tags are not', async () => {
    const doc = await readOne(
      'intro.md',
      '# Tool\n\n<p align="center">\n  A <b>fast</b> glob matcher for busy build servers.\n</p>\n\nMore prose.\n',
    );
    expect(joined(doc)).toContain('A fast glob matcher for busy build servers.');
    expect(joined(doc)).not.toMatch(/<|align/);
  });

  it('text: a title underlined with === (or over- and underlined), and an Emacs mode line dropped', async () => {
    expect(
      (
        await readOne(
          'rootless.txt',
          'Supporting rootless builds\n==========================\n\nSome packages need root.\n\nOthers do not.\n',
        )
      ).title,
    ).toBe('Supporting rootless builds');
    expect((await readOne('faq.txt', '\n============\nXZ Utils FAQ\n============\n\nQ: What is xz?\n\nA: A format.\n')).title).toBe(
      'XZ Utils FAQ',
    );
    expect((await readOne('NEWS.txt', 'GNU gzip NEWS                 -*- outline -*-\n\n* Noteworthy changes\n\nBug fixes.\n')).title).toBe(
      'GNU gzip NEWS',
    );
  });
});

describe('loss is never silent', () => {
  it('the build names a page whose prose sits where passages do not come from, with both sizes', async () => {
    const dir = tempDir('loss');
    const prose = 'This long line of prose was written inside a heading tag, where no passage text comes from.';
    fs.writeFileSync(
      path.join(dir, 'headings.html'),
      `<html><body><h1>Notes</h1><p>One short paragraph.</p>${Array.from({ length: 12 }, (_, i) => `<h3>${prose} (${i})</h3>`).join('')}<p>Another.</p></body></html>`,
    );
    fs.writeFileSync(path.join(dir, 'fine.html'), '<html><body><h1>Fine</h1><p>A page whose text is all in paragraphs.</p></body></html>');
    const report = await buildIndex({ corpus: dir, out: tempDir('loss-index'), embedder: await sharedEmbedder() });
    expect(report.losses).toHaveLength(1);
    expect(report.losses[0]).toMatchObject({ doc: 'headings.html' });
    expect(report.losses[0]!.indexed).toBeLessThan(report.losses[0]!.held / 4);
  });
});

describe('document ids that would name another path', () => {
  it('a JSON Lines record with the id ".." or "." is reported and left out, not made unreachable', async () => {
    const dir = tempDir('dot-ids');
    fs.writeFileSync(
      path.join(dir, 'records.jsonl'),
      ['{"id": "..", "text": "Dots as an id."}', '{"id": ".", "text": "One dot."}', '{"id": "ok", "text": "A fine record."}'].join('\n'),
    );
    const corpus = await loadCorpus(dir);
    expect(corpus.documents.map((d) => d.id)).toEqual(['ok']);
    expect(corpus.skipped.map((s) => s.reason)).toEqual([
      'id ".." cannot name a document (GET /documents/.. is another path): give it another',
      'id "." cannot name a document (GET /documents/. is another path): give it another',
    ]);
  });
});
