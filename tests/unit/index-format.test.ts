/**
 * The binary index files (format 4) on their own: what is written reads back the same, damaged
 * bytes are refused with an error instead of a crash or a hang, 8-bit vectors stay close to the
 * originals and reproduce themselves, and the graph walk finds what an exact scan finds.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex } from '../../src/build/lexical-index.js';
import { ChunkTable, encodeChunkTable } from '../../src/index/chunk-table.js';
import { NeighbourGraph } from '../../src/index/graph.js';
import { HnswWalk } from '../../src/vector/hnsw-walk.js';
import { ByteVectors } from '../../src/index/byte-vectors.js';
import { DEFAULT_HNSW, HnswIndex } from '../../src/build/hnsw.js';
import { encodeGraph, readHnswHeader } from '../../src/build/hnsw-file.js';
import { encodePostings, PostingsTable } from '../../src/index/postings-table.js';
import { StringColumn } from '../../src/index/sections.js';
import type { ChunkStore } from '../../src/index/store.js';
import { VectorStore } from '../../src/vector/vector-store.js';
import { tempDir } from '../helpers/article-index.js';
import { mulberry32 } from '../../src/search/random.js';

const PLAIN = { stem: false, stopwords: false };

/** Any text a document may hold, names of Object.prototype members included. */
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', ''));

const metadataValue = fc.oneof(text, fc.integer(), fc.boolean(), fc.array(text, { maxLength: 3 }));

/** A document of 0 to 5 chunks, with any metadata (keys such as __proto__ included) and source hash. */
const documentWithChunks = fc.record({
  id: text,
  title: text,
  path: text,
  format: fc.constantFrom('text', 'markdown', 'html', 'jsonl', 'pdf'),
  url: fc.option(fc.webUrl(), { nil: undefined }),
  metadata: fc.dictionary(text, metadataValue, { maxKeys: 3 }),
  sourceHash: text,
  chunks: fc.array(
    fc.record({
      text,
      section: fc.array(text, { maxLength: 3 }),
      page: fc.option(fc.nat(500), { nil: undefined }),
      sentences: fc.array(fc.nat(1000), { maxLength: 6 }),
      hash: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
    }),
    { maxLength: 5 },
  ),
});

const store = fc.array(documentWithChunks, { minLength: 1, maxLength: 6 }).map((docs) => {
  const built: ChunkStore = { build_id: 'b', documents: [], chunks: [] };
  for (const [d, { chunks, sourceHash: _, url, ...doc }] of docs.entries()) {
    built.documents.push({ ...doc, ...(url === undefined ? {} : { url }), first: built.chunks.length, count: chunks.length });
    for (const { page, ...c } of chunks) {
      const i = built.chunks.length;
      built.chunks.push({ id: `d#${i}`, doc: d, start: i, end: i + c.text.length, ...c, ...(page === undefined ? {} : { page }) });
    }
  }
  return { store: built, sourceHashes: docs.map((d) => d.sourceHash) };
});

describe('chunk table', () => {
  it('reads back every record as written', () => {
    fc.assert(
      fc.property(store, ({ store: s, sourceHashes }) => {
        const table = new ChunkTable(encodeChunkTable(s, sourceHashes));
        expect(table.problem()).toBeUndefined();
        expect(table.toStore()).toEqual(s);
        expect(sourceHashes.map((_, d) => table.sourceHash(d))).toEqual(sourceHashes);
      }),
    );
  });

  it('damaged bytes are an error or a problem, or still read as well-formed records; never a crash or a hang', () => {
    const sample = fc.sample(store, { numRuns: 1, seed: 3 })[0]!;
    const file = encodeChunkTable(sample.store, sample.sourceHashes);
    fc.assert(
      fc.property(fc.nat(file.length - 1), fc.nat(255), (at, value) => {
        const damaged = Buffer.from(file);
        damaged[at] = value;
        try {
          const table = new ChunkTable(damaged);
          if (table.problem() === undefined)
            for (let i = 0; i < table.count; i++) {
              const c = table.chunk(i);
              expect(typeof c.text).toBe('string');
              expect(Array.isArray(c.section)).toBe(true);
              expect(c.sentences!.every(Number.isInteger)).toBe(true);
              expect(typeof table.documents.get(c.doc).title).toBe('string');
            }
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('postings table', () => {
  it('orders its strings as Buffer.compare does, prefixes and any characters included', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { minLength: 1, maxLength: 10 }), (values) => {
        const blob = StringColumn.encode(values);
        const column = new StringColumn(blob.offsets, Buffer.from(blob.bytes));
        const sign = (n: number) => Math.sign(n) + 0;
        values.forEach((a, i) => {
          values.forEach((b, j) => {
            const expected = sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
            expect(sign(column.compareWith(i, j))).toBe(expected);
            expect(sign(column.compare(i, Buffer.from(b)))).toBe(expected);
          });
        });
      }),
    );
  });

  it('finds every term, and only those, whatever its characters', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { maxLength: 8 }), { minLength: 1, maxLength: 12 }), text, (docs, probe) => {
        const data = buildLexicalIndex(
          docs.map((words) => ({ body: words.join(' '), context: '' })),
          PLAIN,
        );
        const table = new PostingsTable(encodePostings(data, 'b'));
        expect(table.problem(docs.length)).toBeUndefined();
        const terms = [...data.terms.keys()];
        const found = table.postings([...terms, probe]);
        for (const term of terms) {
          const entry = found.get(term)!;
          expect(entry.df).toBe(data.terms.get(term)!.df);
          expect(Array.from(entry.body ?? [])).toEqual(data.terms.get(term)!.body ?? []);
        }
        expect(found.has(probe)).toBe(data.terms.has(probe));
      }),
    );
  });
});

describe('8-bit vectors', () => {
  const components = (d: number) => fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d });
  const unitRowsOf = (d: number) =>
    fc
      .array(components(d), { minLength: 1, maxLength: 10 })
      .filter((rows) => rows.every((r) => r.some((v) => Math.abs(v) > 1e-3)))
      .map((rows) => VectorStore.unitRows(rows, d));
  const unitRows = unitRowsOf(8);

  it('stand for unit vectors close to the originals, and quantising those gives back the same bytes', () => {
    fc.assert(
      fc.property(unitRows, (vectors) => {
        const stored = ByteVectors.fromVectors(vectors);
        expect(stored.problem()).toBeUndefined();
        const back = stored.toFloat32();
        for (let r = 0; r < vectors.count; r++) {
          const norm = Math.hypot(...back.row(r));
          expect(Math.abs(norm - 1)).toBeLessThan(1e-6);
          // Each component is off by at most half a step of the row's own scale.
          const step = Math.max(...vectors.row(r).map(Math.abs)) / 127;
          vectors.row(r).forEach((v, j) => {
            expect(Math.abs(back.row(r)[j]! - v)).toBeLessThan(step);
          });
        }
        const again = ByteVectors.fromVectors(
          VectorStore.unitRows(
            Array.from({ length: back.count }, (_, r) => back.row(r)),
            8,
          ),
        );
        expect(again.encode().equals(stored.encode())).toBe(true);
      }),
    );
  });

  // 8 components fit no kernel (quick is dot), 32 do (quick is the SIMD sum).
  it.each([8, 32])('score a row the same exactly and quickly, to the last few bits (dimension %i)', (d) => {
    fc.assert(
      fc.property(unitRowsOf(d), components(d), (vectors, q) => {
        const stored = ByteVectors.fromVectors(vectors);
        const query = Float64Array.from(q);
        stored.prepare(query);
        for (let r = 0; r < stored.count; r++) {
          const exact = back(stored, r).reduce((sum, v, j) => sum + v * query[j]!, 0);
          expect(stored.dot(r, query)).toBe(exact);
          expect(stored.exact(r)).toBe(stored.dot(r, query));
          expect(Math.abs(stored.quick(r) - exact)).toBeLessThan(1e-6);
        }
      }),
    );
    function back(stored: ByteVectors, r: number): number[] {
      return stored.toFloat32().row(r);
    }
  });
});

describe('graph walk', () => {
  /** n random unit vectors of dimension d, rounded to half precision, and their graph. */
  function graphOf(n: number, d: number, seed: number) {
    const random = mulberry32(seed);
    const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => random() - 0.5));
    const vectors = ByteVectors.fromVectors(VectorStore.unitRows(rows, d));
    const file = path.join(tempDir('graph'), 'g.hnsw');
    HnswIndex.build(vectors.toFloat32(), DEFAULT_HNSW).write(file);
    const saved = fs.readFileSync(file);
    const graph = new NeighbourGraph(encodeGraph(saved, readHnswHeader(saved)!));
    return { vectors, graph, walk: new HnswWalk(graph.layers), random };
  }

  function exactTop(vectors: ByteVectors, q: Float64Array, k: number, allow: (i: number) => boolean = () => true): number[] {
    const ids = Array.from({ length: vectors.count }, (_, i) => i).filter(allow);
    return ids.sort((a, b) => vectors.dot(b, q) - vectors.dot(a, q)).slice(0, k);
  }

  it('finds the exact nearest passages, with exact scores, and obeys a filter', () => {
    const d = 32;
    const { vectors, graph, walk, random } = graphOf(2000, d, 11);
    expect(graph.problem()).toBeUndefined();
    let hits = 0;
    for (let t = 0; t < 50; t++) {
      const q = Float64Array.from({ length: d }, () => random() - 0.5);
      const found = walk.search(vectors, q, 10, 100);
      hits += found.ids.filter((id) => exactTop(vectors, q, 10).includes(id)).length;
      expect(found.scores).toEqual(found.ids.map((id) => vectors.dot(id, q)));
      const allow = (i: number) => i % 7 === 0;
      const filtered = walk.search(vectors, q, 5, 100, allow);
      expect(filtered.ids.every(allow)).toBe(true);
      expect(filtered.ids).toHaveLength(5);
    }
    expect(hits / 500).toBeGreaterThanOrEqual(0.95);
  });
});
