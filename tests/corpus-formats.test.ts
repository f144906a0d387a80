/**
 * Users' own documents: a generated corpus of Markdown, HTML, plain text (three encodings), JSON
 * Lines and PDF, with broken, empty, binary and unsupported files among them. Read, indexed,
 * filtered through the handler, rebuilt incrementally, and served as a second collection.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArticleIndex, sharedEmbedder, tempDir } from './helpers/article-index.js';
import { pdfBytes, writeMixedCorpus, MARKDOWN } from './helpers/mixed-corpus.js';
import { sentenceSpans } from '../src/corpus/segment.js';
import { loadCorpus, type LoadedCorpus } from '../src/corpus/load-corpus.js';
import { printable } from '../src/corpus/printable.js';
import { readSourceHashes } from '../src/index/read-index.js';
import { buildIndex } from '../src/build/build-index.js';
import { createService, type Service } from '../src/service.js';
import { createLogger } from '../src/api/logger.js';
import type { SearchResponse } from '../src/api/schemas.js';

let corpusDir: string;
let corpus: LoadedCorpus;

beforeAll(async () => {
  corpusDir = path.join(tempDir('mixed'), 'docs');
  await writeMixedCorpus(corpusDir);
  corpus = await loadCorpus(corpusDir);
});

const doc = (id: string) => corpus.documents.find((d) => d.id === id)!;
const blockTexts = (id: string) => doc(id).blocks.map((b) => doc(id).text.slice(b.start, b.end));

describe('reading a mixed corpus', () => {
  it('reads every supported file, walking directories and skipping hidden ones', () => {
    expect(corpus.documents.map((d) => d.id).sort()).toEqual(
      [
        'faq-1',
        'faq-2',
        'faq-5',
        'faq-6',
        'guide.md',
        'legacy/latin1.txt',
        'legacy/utf16.txt',
        'news/tidal.html',
        'notes.txt',
        'reports/battery.pdf',
      ].sort(),
    );
  });

  it('reports each unreadable, empty, binary or unsupported file by name with the reason', () => {
    const reasons = Object.fromEntries(corpus.skipped.map((s) => [s.path, s.reason]));
    expect(reasons['docs/reports/broken.pdf']).toMatch(/not a readable PDF/);
    expect(reasons['docs/empty.md']).toBe('no text found');
    expect(reasons['docs/blank.txt']).toBe('no text found');
    expect(reasons['docs/binary.txt']).toMatch(/binary content/);
    expect(reasons['docs/picture.png']).toMatch(/unsupported file type ".png"/);
    expect(reasons['docs/faq.jsonl:3']).toMatch(/not valid JSON/);
    expect(reasons['docs/faq.jsonl:4']).toMatch(/no text field/);
    expect(Object.keys(reasons).some((p) => p.includes('.hidden'))).toBe(false);
  });

  it('Markdown: front matter as title and metadata, headings as sections, list items merged, offsets into the file', () => {
    const md = doc('guide.md');
    expect(md.title).toBe('Greenhouse Operations Guide');
    expect(md.source.url).toBe('https://example.com/guides/greenhouse');
    expect(md.metadata).toEqual({ lang: 'en', tags: ['horticulture', 'operations'], year: 2025 });
    expect(md.text).toBe(MARKDOWN);
    const sections = md.blocks.map((b) => b.section.join('/'));
    expect(sections).toContain('Irrigation');
    expect(sections).toContain('Pest control');
    expect(blockTexts('guide.md')).toContain('- Check emitters weekly for clogging.');
  });

  it('HTML: the article text only, no scripts, navigation, ads or footer', () => {
    const html = doc('news/tidal.html');
    expect(html.title).toBe('Tidal turbines power a fishing village');
    expect(html.source.url).toBe('https://example.org/tidal');
    expect(html.metadata).toMatchObject({ lang: 'fr', author: 'Marie Curie' });
    const all = blockTexts('news/tidal.html').join('\n');
    expect(all).toContain('tidal stream turbine');
    expect(all).toContain('Divers inspect the turbine blades');
    for (const noise of ['tracking', 'Subscribe', 'banner', 'Advertisement', 'Cookie']) expect(all).not.toContain(noise);
    expect(html.blocks.find((b) => html.text.slice(b.start, b.end).startsWith('Divers'))!.section).toEqual(['Maintenance']);
  });

  it('JSON Lines: one document per line with its id, title, url and metadata', () => {
    expect(doc('faq-1')).toMatchObject({
      title: 'Returns policy',
      metadata: { lang: 'en', year: 2024 },
      source: { url: 'https://shop.example/faq#returns', format: 'jsonl' },
    });
    expect(doc('faq-5').metadata).toEqual({ lang: 'pt', tags: ['shipping', 'logistics'] });
  });

  it('PDF: text per page, headings as sections, title and author from the document info', () => {
    const pdf = doc('reports/battery.pdf');
    expect(pdf.title).toBe('Battery Storage Study');
    expect(pdf.metadata).toMatchObject({ author: 'Research Desk', pages: 2 });
    const costs = pdf.blocks.find((b) => pdf.text.slice(b.start, b.end).includes('two hundred dollars'))!;
    expect(costs).toMatchObject({ page: 2, section: ['Costs'] });
  });

  it('PDF: a sentence broken across lines and across a page is read whole, citing the page it starts on', async () => {
    const dir = path.join(tempDir('pdf-breaks'), 'docs');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'report.pdf'),
      await pdfBytes('Grid Report', [
        [
          'The substation upgrade was finished in March and the new',
          'transformers carry twice the load of the old ones, which',
          'the operators measured over',
        ],
        ['three winter months of peak demand.', 'Maintenance is planned for the autumn.'],
      ]),
    );
    const pdf = (await loadCorpus(dir)).documents[0]!;
    const sentence = 'the new transformers carry twice the load of the old ones, which the operators measured over';
    const block = pdf.blocks.find((b) => pdf.text.slice(b.start, b.end).includes(sentence))!;
    expect(block).toBeDefined();
    expect(block.page).toBe(1);
    expect(pdf.text.slice(block.start, block.end)).toMatch(/measured over\s+three winter months of peak demand\./);
    const spans = sentenceSpans(pdf.text, block.start, block.end).map((sp) => pdf.text.slice(sp.start, sp.end));
    expect(spans[0]).toMatch(/^The substation upgrade .* three winter months of peak demand\.$/);
  });

  it('decodes Windows-1252 and UTF-16 text', () => {
    expect(blockTexts('legacy/latin1.txt')).toEqual(['The café serves crème brûlée on Sundays.']);
    expect(doc('legacy/latin1.txt').title).toBe('Café menu');
    expect(blockTexts('legacy/utf16.txt')).toEqual(['Green tea from Shizuoka is steamed, not roasted.']);
  });
});

describe('odd entries in a corpus folder', () => {
  it('follows links to files, and reports links to nothing, link loops, FIFOs and names that would forge output', async () => {
    const dir = path.join(tempDir('odd'), 'docs');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'real.txt'), 'Tidal power stations turn the rise and fall of the sea into electricity.\n');
    fs.symlinkSync(path.join(dir, 'real.txt'), path.join(dir, 'linked.txt'));
    fs.symlinkSync(path.join(dir, 'missing.txt'), path.join(dir, 'dangling.txt'));
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.txt')]);
    const forged = 'evil\nbuild: committed 0 chunks\u202etxt.exe.txt';
    fs.writeFileSync(path.join(dir, forged), 'A harmless note about sea levels and the moon.\n');
    const loaded = await loadCorpus(dir);
    expect(loaded.documents.map((d) => d.id).sort()).toEqual([forged, 'linked.txt', 'real.txt'].sort());
    const reasons = Object.fromEntries(loaded.skipped.map((s) => [s.path, s.reason]));
    expect(reasons['docs/dangling.txt']).toBe('a symbolic link to nothing');
    expect(reasons['docs/sub/loop']).toMatch(/symbolic link loop/);
    expect(reasons['docs/pipe.txt']).toMatch(/not a regular file/);
    expect(printable(forged)).toBe('evil\\u000abuild: committed 0 chunks\\u202etxt.exe.txt');
  });
});

describe('an index of the mixed corpus, searched with filters', () => {
  let service: Service;
  let out: string;

  beforeAll(async () => {
    out = tempDir('mixed-index');
    const embedder = await sharedEmbedder();
    await buildIndex({ corpus: corpusDir, out, embedder });
    service = createService({
      config: { indexDir: out, corsOrigins: ['*'] },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: async () => embedder,
    });
    await service.ready;
  });

  /** Filters are the subject here, not relevance: every passing passage is returned. */
  async function search(body: object | string): Promise<SearchResponse> {
    const json = typeof body === 'string' ? body : JSON.stringify({ min_relevance: 0, ...body });
    const res = await service.app.request('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
    expect(res.status).toBe(200);
    return (await res.json()) as SearchResponse;
  }

  it('finds passages in every format, with their metadata and sources', async () => {
    expect((await search({ query: 'How long do lithium iron phosphate batteries last?', top_k: 1 })).results[0]).toMatchObject({
      doc_id: 'reports/battery.pdf',
      source: { path: 'docs/reports/battery.pdf', page: 1 },
    });
    expect((await search({ query: 'how often should drip irrigation emitters be checked', top_k: 1 })).results[0]!.doc_id).toBe('guide.md');
    expect((await search({ query: 'who inspects the tidal turbine blades', top_k: 1 })).results[0]!.section).toEqual(['Maintenance']);
    expect((await search({ query: 'refund for unworn shoes', top_k: 1 })).results[0]).toMatchObject({
      doc_id: 'faq-1',
      metadata: { lang: 'en', year: 2024 },
    });
  });

  it('filters on metadata with equality and "in", before ranking', async () => {
    // The French FAQ line and the HTML page (lang="fr") are the French documents.
    const fr = await search({ query: 'retournées sous trente jours', top_k: 10, filter: { lang: 'fr' } });
    expect(fr.results[0]!.doc_id).toBe('faq-2');
    expect(new Set(fr.results.map((r) => r.doc_id))).toEqual(new Set(['faq-2', 'news/tidal.html']));
    const some = await search({ query: 'returns', top_k: 10, filter: { lang: { in: ['pt', 'fr'] } } });
    expect(new Set(some.results.map((r) => r.doc_id))).toEqual(new Set(['faq-2', 'faq-5', 'news/tidal.html']));
    const tagged = await search({ query: 'warehouse', filter: { tags: 'logistics' } });
    expect(tagged.results.map((r) => r.doc_id)).toEqual(['faq-5']);
    const pdfOnly = await search({ query: 'cost', top_k: 3, filter: { format: 'pdf' } });
    expect(pdfOnly.results.length).toBeGreaterThan(0);
    expect(pdfOnly.results.every((r) => r.doc_id === 'reports/battery.pdf')).toBe(true);
  });

  it('says why a filter matched nothing: a field no document has, or a doc_id given as a path', async () => {
    const typo = await search({ query: 'returns', filter: { language: 'fr' } });
    expect(typo.results).toEqual([]);
    expect(typo.warnings).toEqual([
      expect.stringMatching(/^no document has a field "language"; the fields here are doc_id, title, path, url, format, .*lang/),
    ]);
    const asPath = await search({ query: 'returns', filter: { doc_id: 'docs/guide.md' } });
    expect(asPath.warnings).toEqual([
      expect.stringMatching(/no document has that doc_id: doc_id is the path inside the corpus folder .*path includes the folder's name/),
    ]);
    const fine = await search({ query: 'returns', filter: { lang: 'fr' } });
    expect(fine.warnings).toBeUndefined();
    const proto = await search({ query: 'returns', filter: { hasOwnProperty: 'x' } });
    expect(proto.warnings).toEqual([expect.stringMatching(/no document has a field "hasOwnProperty"/)]);
  });

  it('treats fields named like Object.prototype members as plain fields', async () => {
    const ids = async (filter: string) =>
      (await search(`{"query": "shop counters", "top_k": 20, "min_relevance": 0, "filter": ${filter}}`)).results.map((r) => r.doc_id);
    expect(await ids('{"constructor": "Oak & Sons"}')).toEqual(['faq-6']);
    expect(await ids('{"toString": "fittings"}')).toEqual(['faq-6']);
    expect(await ids('{"__proto__": "odd"}')).toEqual(['faq-6']);
    for (const name of ['hasOwnProperty', 'valueOf', 'isPrototypeOf', 'constructor', '__proto__', '__defineGetter__']) {
      // No document other than faq-6 has these fields; a prototype member must not match anything.
      expect(await ids(`{${JSON.stringify(name)}: "nothing like this"}`)).toEqual([]);
      expect(await ids(`{${JSON.stringify(name)}: {"in": ["x", 1, true]}}`)).toEqual([]);
    }
    const viaGet = await service.app.request(`/search?q=shop+counters&min_relevance=0&filter=${encodeURIComponent('{"__proto__":"odd"}')}`);
    expect(((await viaGet.json()) as SearchResponse).results.map((r) => r.doc_id)).toEqual(['faq-6']);
    const arrayFilter = await service.app.request('/search?q=shop&filter=%5B1%2C2%5D&doc_id=faq-6');
    expect(arrayFilter.status).toBe(400);
  });

  it('still returns top_k results when the filter excludes the best matches', async () => {
    const out = await search({ query: 'turbine blades tidal energy', top_k: 3, filter: { format: { in: ['markdown', 'text'] } } });
    expect(out.results).toHaveLength(3);
    expect(out.results.every((r) => ['guide.md', 'notes.txt', 'legacy/latin1.txt', 'legacy/utf16.txt'].includes(r.doc_id))).toBe(true);
  });
});

describe('incremental rebuilds', () => {
  it('re-embeds only what changed, drops removed documents and reports it all', async () => {
    const dir = path.join(tempDir('incremental'), 'docs');
    await writeMixedCorpus(dir);
    const out = tempDir('incremental-index');
    const embedder = await sharedEmbedder();
    const first = await buildIndex({ corpus: dir, out, embedder });
    expect(first.chunks.embedded).toBe(first.chunks.total);

    fs.appendFileSync(path.join(dir, 'notes.txt'), '\nA banneton gives the loaf its spiral pattern.\n');
    fs.rmSync(path.join(dir, 'legacy', 'utf16.txt'));
    fs.writeFileSync(path.join(dir, 'new.md'), '# Compost\n\nTurn the compost heap every two weeks.\n');
    const second = await buildIndex({ corpus: dir, out, embedder });
    expect(second.documents.changed).toEqual(['notes.txt']);
    expect(second.documents.added).toEqual(['new.md']);
    expect(second.documents.removed).toEqual(['legacy/utf16.txt']);
    expect(second.documents.unchanged).toHaveLength(first.manifest.counts.documents - 2);
    // notes.txt gained one paragraph (one new chunk); new.md has one chunk; nothing else is embedded.
    expect(second.chunks.embedded).toBe(2);
    expect(second.chunks.reused).toBe(second.chunks.total - 2);
    const recorded = await readSourceHashes(out, second.manifest);
    expect(recorded.size).toBe(second.manifest.counts.documents);
    expect(recorded.has('legacy/utf16.txt')).toBe(false);
    expect(recorded.has('new.md')).toBe(true);
  });
});

describe('several collections from one deployment', () => {
  it('selects the index by the collection named in the request', async () => {
    const root = tempDir('collections');
    const embedder = await sharedEmbedder();
    await buildArticleIndex(path.join(root, 'default'));
    await buildIndex({ corpus: corpusDir, out: path.join(root, 'collections', 'mixed'), embedder });
    const service = createService({
      config: { indexDir: path.join(root, 'default'), collectionsDir: path.join(root, 'collections'), corsOrigins: ['*'] },
      logger: createLogger({ level: 'silent' }),
      loadEmbedder: async () => embedder,
    });
    await service.ready;
    const ask = async (body: object) =>
      service.app.request('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const mixed = (await (await ask({ query: 'sourdough starter feeding', collection: 'mixed', top_k: 1 })).json()) as SearchResponse;
    expect(mixed).toMatchObject({ collection: 'mixed', results: [{ doc_id: 'notes.txt' }] });
    // The news article holds nothing about sourdough: the default collection says so.
    const article = (await (await ask({ query: 'sourdough starter feeding', top_k: 1 })).json()) as SearchResponse;
    expect(article).toMatchObject({ collection: 'default', results: [] });
    expect(article.no_answer?.message).toMatch(/nothing in these documents/i);
    const taliban = (await (await ask({ query: 'Which country recognized the Taliban government?', top_k: 1 })).json()) as SearchResponse;
    expect(taliban.results[0]!.doc_id).toBe('article.txt');
    // Names that are members of Object.prototype are unknown collections, every time they are asked.
    for (const name of ['nope', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'constructor']) {
      const unknown = await ask({ query: 'x', collection: name });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_collection' } });
    }
    // Not a collection name at all (names start with a letter or digit).
    expect((await ask({ query: 'x', collection: '__proto__' })).status).toBe(400);
    const health = (await (await service.app.request('/health')).json()) as { collections: Record<string, unknown> };
    expect(Object.keys(health.collections).sort()).toEqual(['default', 'mixed']);
  });
});
