/**
 * The search building blocks on their own, against figures worked out by hand: BM25F scoring,
 * the bounded top-n heap, metadata filters, the analyzer and snippet choice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex } from '../../src/build/lexical-index.js';
import { LexicalIndex } from '../../src/search/bm25f.js';
import { encodePostings, PostingsTable } from '../../src/index/postings-table.js';
import { topN } from '../../src/search/top-n.js';
import { compileFilter, type Filter } from '../../src/search/filter.js';
import { DocumentList } from '../../src/index/document-list.js';
import { analyze, analyzeQuick, fold } from '../../src/text/analyzer.js';
import { bestSentence } from '../../src/search/snippet.js';
import { mulberry32 } from '../../src/search/random.js';

const PLAIN = { stem: false, stopwords: false };

describe('BM25F', () => {
  // Three one-chunk documents, no context lines: plain BM25 with k1 1.2, b 0.75.
  const bodies = ['tide tide moon', 'moon sun', 'harbour wall'];
  const data = buildLexicalIndex(
    bodies.map((body) => ({ body, context: '' })),
    PLAIN,
  );
  // Stored and read back, as an index file holds it.
  const table = new PostingsTable(encodePostings(data));
  const lexical = new LexicalIndex(table, { docOf: Int32Array.from([0, 1, 2]), firstChunk: Int32Array.from([0, 1, 2]) });
  // The index as a question sees it: its terms' postings fetched first, as every backend does.
  const index = {
    score: (terms: string[], p: typeof params) => {
      const { ids, scores } = lexical.score(table.postings(terms), terms, p);
      return { ids: [...ids], scores: [...scores] };
    },
    idf: (term: string) => lexical.idf(table.postings([term]), term),
    coverage: (terms: string[], chunk: number) => lexical.coverageOf(table.postings(terms), terms)([chunk]),
  };
  const params = { k1: 1.2, b: 0.75, contextWeight: 2 };

  it('scores a chunk as the textbook formula does', () => {
    // "tide": df 1 of 3 → idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3) = 0.98083.
    // Chunk 0 has 3 terms, average length 7/3: norm = 0.25 + 0.75 * 3 / (7/3) = 1.21429;
    // tf 2 → f = 2 / 1.21429 = 1.64706; score = idf * f * 2.2 / (1.2 + f) = 3.55411 / 2.84706 = 1.24833.
    const { ids, scores } = index.score(['tide'], params);
    expect(ids).toEqual([0]);
    expect(scores[0]).toBeCloseTo(1.24833, 4);
    expect(index.idf('tide')).toBeCloseTo(Math.log(8 / 3), 10);
  });

  it('sums over query terms and weighs a repeated query term by its count', () => {
    const one = index.score(['moon'], params);
    const twice = index.score(['moon', 'moon'], params);
    expect(twice.scores.map((s) => s / 2)).toEqual(one.scores.map((s) => expect.closeTo(s, 10)));
    expect(new Set(one.ids)).toEqual(new Set([0, 1]));
  });

  it('finds nothing for a word it never saw, including names of Object.prototype members', () => {
    for (const word of ['storm', 'constructor', '__proto__', 'toString']) expect(index.score([word], params).ids).toEqual([]);
  });

  it('coverage: the idf-weighted share of distinct query terms a chunk holds', () => {
    expect(index.coverage(['tide', 'moon'], 0)).toBeCloseTo(1, 10);
    const moonOnly = index.idf('moon') / (index.idf('moon') + index.idf('tide'));
    expect(index.coverage(['tide', 'moon'], 1)).toBeCloseTo(moonOnly, 10);
    expect(index.coverage(['storm'], 0)).toBe(0);
  });
});

describe('BM25F against a direct reading of the formula', () => {
  const words = ['tide', 'moon', 'sun', 'wall', 'harbour'];
  const text = fc.array(fc.constantFrom(...words), { maxLength: 6 }).map((w) => w.join(' '));
  // Documents of one to three chunks; each chunk a body and a context line; a question; a mask.
  const corpus = fc.record({
    docs: fc.array(fc.array(fc.record({ body: text, context: text }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
    query: fc.array(fc.constantFrom(...words, 'storm'), { minLength: 1, maxLength: 4 }),
    masked: fc.boolean(),
    seed: fc.integer(),
  });
  const params = { k1: 1.2, b: 0.75, contextWeight: 2 };
  const count = (list: string[], t: string) => list.filter((w) => w === t).length;
  const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length || 1;
  const idf = (n: number, df: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const saturate = (f: number) => (f * (params.k1 + 1)) / (params.k1 + f);

  it('property: chunk and document scores are the sums the formula gives, within a mask', () => {
    fc.assert(
      fc.property(corpus, ({ docs, query, masked, seed }) => {
        const chunks = docs.flatMap((d, doc) => d.map((c) => ({ ...c, doc })));
        const split = (t: string) => (t ? t.split(' ') : []);
        const body = chunks.map((c) => split(c.body));
        const context = chunks.map((c) => split(c.context));
        const docOf = Int32Array.from(chunks, (c) => c.doc);
        const firstChunk = Int32Array.from(docs, (_, d) => docOf.indexOf(d));
        const allowed = masked ? Uint8Array.from(chunks, (_, i) => (seed >> (i % 30)) & 1) : undefined;
        const table = new PostingsTable(encodePostings(buildLexicalIndex(chunks, PLAIN)));
        const lexical = new LexicalIndex(table, { docOf, firstChunk });
        const postings = table.postings(query);
        const got = lexical.score(postings, query, params, allowed);
        const both = lexical.scoreWithDocuments(postings, query, params, allowed);
        expect(both.chunks).toEqual(got);
        const gotDocs = both.documents;
        // Blended as they are gathered: the same bits as blending them afterwards.
        const blended = lexical.scoreWithDocuments(postings, query, params, allowed, undefined, 0.75);
        expect(blended.documents).toEqual(gotDocs);
        expect(blended.chunks.ids).toEqual(got.ids);
        got.ids.forEach((id, j) => {
          expect(Object.is(blended.chunks.scores[j], 0.25 * got.scores[j]! + 0.75 * gotDocs[docOf[id]!]!)).toBe(true);
        });

        const distinct = [...new Set(query)];
        const qtf = (t: string) => count(query, t);
        const avgBody = avg(body.map((b) => b.length));
        const avgContext = avg(context.map((c) => c.length));
        const expected = new Map<number, number>();
        chunks.forEach((_, i) => {
          if (allowed && allowed[i] !== 1) return;
          let score = 0;
          for (const t of distinct) {
            const df = chunks.filter((_, j) => body[j]!.includes(t) || context[j]!.includes(t)).length;
            const f =
              count(body[i]!, t) / (1 - params.b + (params.b * body[i]!.length) / avgBody) +
              (params.contextWeight * count(context[i]!, t)) / (1 - params.b + (params.b * context[i]!.length) / avgContext);
            if (f > 0) score += idf(chunks.length, df) * qtf(t) * saturate(f);
          }
          if (score > 0) expected.set(i, score);
        });
        expect(new Set(got.ids)).toEqual(new Set(expected.keys()));
        got.ids.forEach((id, j) => {
          expect(got.scores[j]).toBeCloseTo(expected.get(id)!, 9);
        });

        const docBody = docs.map((_, d) => chunks.reduce((sum, c, i) => sum + (c.doc === d ? body[i]!.length : 0), 0));
        const avgDocBody = avg(docBody);
        docs.forEach((_, d) => {
          let score = 0;
          for (const t of distinct) {
            const df = docs.filter((_, e) =>
              chunks.some((c, i) => c.doc === e && (body[i]!.includes(t) || context[i]!.includes(t))),
            ).length;
            let f = 0;
            chunks.forEach((c, i) => {
              if (c.doc !== d || (allowed && allowed[i] !== 1)) return;
              f += count(body[i]!, t) / (1 - params.b + (params.b * docBody[d]!) / avgDocBody);
              if (i === firstChunk[d])
                f += (params.contextWeight * count(context[i]!, t)) / (1 - params.b + (params.b * context[i]!.length) / avgContext);
            });
            if (f > 0) score += idf(docs.length, df) * qtf(t) * saturate(f);
          }
          expect(gotDocs[d]).toBeCloseTo(score, 9);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("property: coverage of many chunks at once is each chunk's own coverage, to the last bit", () => {
    fc.assert(
      fc.property(
        corpus,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.constantFrom(...words, 'storm'), { maxLength: 3 }),
        ({ docs, query }, picks, bodyOnly, synonyms) => {
          const chunks = docs.flatMap((d, doc) => d.map((c) => ({ ...c, doc })));
          const docOf = Int32Array.from(chunks, (c) => c.doc);
          const firstChunk = Int32Array.from(docs, (_, d) => docOf.indexOf(d));
          const table = new PostingsTable(encodePostings(buildLexicalIndex(chunks, PLAIN)));
          const lexical = new LexicalIndex(table, { docOf, firstChunk });
          const postings = table.postings([...query, ...synonyms]);
          // The first query term stands in part for the synonyms; repeated and unsorted chunks included.
          const options = { bodyOnly, alternatives: new Map([[query[0]!, synonyms]]), alternativeCredit: 0.5 };
          const asked = picks.map((p) => p % chunks.length);
          const one = lexical.coverageOf(postings, query, options);
          const each = lexical.coverageOfEach(postings, query, asked, options);
          expect(each.length).toBe(asked.length);
          asked.forEach((chunk, k) => {
            expect(Object.is(each[k], one([chunk]))).toBe(true);
          });
        },
      ),
    );
  });

  it('property: the same over long postings lists, far apart chunks and near ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), (seed, picks) => {
        const random = mulberry32(seed);
        // 400 chunks; word k is in about one chunk in 2^k, so lists run from a few pairs to hundreds.
        const chunks = Array.from({ length: 400 }, (_, i) => ({
          body: words.filter((_, k) => random() < 2 ** -k).join(' '),
          context: random() < 0.1 ? 'harbour' : '',
          doc: i,
        }));
        const ids = Int32Array.from(chunks, (_, i) => i);
        const table = new PostingsTable(encodePostings(buildLexicalIndex(chunks, PLAIN)));
        const lexical = new LexicalIndex(table, { docOf: ids, firstChunk: ids });
        const query = ['tide', 'sun', 'harbour'];
        const postings = table.postings([...query, 'moon', 'wall']);
        const options = { alternatives: new Map([['sun', ['moon', 'wall']]]), alternativeCredit: 0.5 };
        const asked = picks.map((p) => p % chunks.length);
        const one = lexical.coverageOf(postings, query, options);
        const each = lexical.coverageOfEach(postings, query, asked, options);
        asked.forEach((chunk, k) => {
          expect(Object.is(each[k], one([chunk]))).toBe(true);
        });
      }),
    );
  });
});

describe('topN', () => {
  it('property: the same as sorting everything (best first, ties to the lower id), whatever order the ids come in', () => {
    fc.assert(
      fc.property(
        // Few distinct scores, so that ties are common, and lists long enough for the heap (over 4n).
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 120, size: 'max' }),
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (values, n, shuffled) => {
          // Ascending as a scoring gives them, or in an order of their own (distinct either way).
          const ids = values.map((_, i) => (shuffled ? (i * 7919) % 1009 : i * 3));
          const sorted = ids
            .map((id, i) => ({ id, s: values[i]! }))
            .sort((a, b) => b.s - a.s || a.id - b.id)
            .slice(0, n);
          const got = topN({ ids, scores: values }, n);
          expect(got.ids).toEqual(sorted.map((x) => x.id));
          expect(got.scores).toEqual(sorted.map((x) => x.s));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('filters', () => {
  const doc = (id: string, first: number, metadata: Record<string, unknown>) => ({
    id,
    title: id,
    path: `docs/${id}`,
    format: 'text' as const,
    metadata: metadata as never,
    first,
    count: 2,
  });
  const documents = DocumentList.of([
    doc('a.txt', 0, { lang: 'en', tags: ['x', 'y'] }),
    doc('b.txt', 2, { lang: 'fr' }),
    doc('c.txt', 4, { lang: 'en', year: 2024 }),
  ]);
  const allowed = (filter: Filter) => [...compileFilter(filter, documents, 6)!.allowed].map((v, i) => (v ? i : -1)).filter((i) => i >= 0);

  it('equality, "in", array fields, built-in fields and several conditions at once', () => {
    expect(allowed(new Map([['lang', 'en']]))).toEqual([0, 1, 4, 5]);
    expect(allowed(new Map([['lang', { in: ['fr', 'de'] }]]))).toEqual([2, 3]);
    expect(allowed(new Map([['tags', 'y']]))).toEqual([0, 1]);
    expect(allowed(new Map([['doc_id', 'c.txt']]))).toEqual([4, 5]);
    expect(
      allowed(
        new Map<string, never>([
          ['lang', 'en' as never],
          ['year', 2024 as never],
        ]),
      ),
    ).toEqual([4, 5]);
    expect(allowed(new Map([['year', '2024']]))).toEqual([]); // types are not coerced
    expect(compileFilter(new Map(), documents, 6)).toBeUndefined();
  });

  it('a document passes when, for every condition, one of its values is strictly equal to one wanted', () => {
    const scalar = fc.oneof(fc.constantFrom('1', 'a', 'true', ''), fc.constantFrom(1, 0, -0, 2.5), fc.boolean());
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
    const condition = fc.oneof(scalar, fc.record({ in: fc.array(scalar, { minLength: 1, maxLength: 6 }) }));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.constantFrom('k', 'm'), value), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.constantFrom('k', 'm'), condition), { minLength: 1, maxLength: 2 }),
        (metadata, conditions) => {
          const docs = DocumentList.of(metadata.map((m, i) => doc(`${i}.txt`, 2 * i, m)));
          const filter: Filter = new Map(conditions);
          const expected = metadata.flatMap((m, i) => {
            const holds = [...filter].every(([field, c]) => {
              const wanted = typeof c === 'object' ? c.in : [c];
              const have = Object.hasOwn(m, field) ? (Array.isArray(m[field]) ? m[field] : [m[field]]) : [undefined];
              return have.some((v) => wanted.some((w) => w === v));
            });
            return holds ? [2 * i, 2 * i + 1] : [];
          });
          const mask = compileFilter(filter, docs, 2 * metadata.length)!;
          expect([...mask.allowed].flatMap((v, i) => (v ? [i] : []))).toEqual(expected);
          expect(mask.count).toBe(expected.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('analyzer and snippets', () => {
  const english = { stem: true, stopwords: true };

  it('folds case and accents, drops possessives and stop words, stems', () => {
    expect(fold('Éléphant')).toBe('elephant');
    expect(analyze("The Taliban's envoys were received", english)).toEqual(['taliban', 'envoi', 'receiv']);
    expect(analyze('The Taliban', PLAIN)).toEqual(['the', 'taliban']);
  });

  it('the quick analyzer agrees with the full one on ordinary text', () => {
    const text = 'Moscow accepted the credentials of the new Afghan ambassador on Thursday.';
    expect(analyzeQuick(text, english)).toEqual(analyze(text, english));
  });

  it('picks the sentence holding the rarest query terms, and the first when nothing matches', () => {
    const passage = 'The weather was mild. The ambassador presented his credentials. Talks went on.';
    const idf = (t: string) => (t === 'credenti' ? 3 : 1);
    const terms = new Set(analyze('Who presented credentials?', english));
    expect(bestSentence(passage, terms, idf, english).text).toBe('The ambassador presented his credentials.');
    expect(bestSentence(passage, new Set(['zebra']), idf, english).text).toBe('The weather was mild.');
  });
});
