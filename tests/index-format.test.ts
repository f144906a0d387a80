/**
 * The binary index files (format 3) on their own: what is written reads back the same, damaged
 * bytes are refused with an error instead of a crash or a hang, half precision rounds as IEEE
 * 754 says, and the graph walk finds what an exact scan finds.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex } from '../src/index/bm25.js';
import { ChunkTable, encodeChunkTable } from '../src/index/chunk-table.js';
import { encodeGraph, NeighbourGraph } from '../src/index/graph.js';
import { HalfVectors, toHalf } from '../src/index/half-vectors.js';
import { DEFAULT_HNSW, HnswIndex } from '../src/index/hnsw.js';
import { readHnswHeader } from '../src/index/hnsw-file.js';
import { encodePostings, PostingsTable } from '../src/index/postings-table.js';
import type { ChunkStore } from '../src/index/store.js';
import { VectorStore } from '../src/index/vectors.js';
import { tempDir } from './helpers/article-index.js';
import { mulberry32 } from '../scripts/lib/random.js';

const PLAIN = { stem: false, stopwords: false };

/** Any text a document may hold, names of Object.prototype members included. */
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', ''));

const store = fc
  .array(
    fc.record({
      text,
      section: fc.array(text, { maxLength: 3 }),
      page: fc.option(fc.nat(500), { nil: undefined }),
      sentences: fc.array(fc.nat(1000), { maxLength: 6 }),
      hash: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
    }),
    { minLength: 1, maxLength: 20 },
  )
  .map(
    (chunks): ChunkStore => ({
      build_id: 'b',
      documents: [{ id: 'd', title: 't', path: 'd.txt', format: 'text', metadata: {}, first: 0, count: chunks.length }],
      chunks: chunks.map(({ page, ...c }, i) => ({
        id: `d#${i}`,
        doc: 0,
        start: i,
        end: i + c.text.length,
        ...c,
        ...(page === undefined ? {} : { page }),
      })),
    }),
  );

describe('chunk table', () => {
  it('reads back every record as written', () => {
    fc.assert(
      fc.property(store, (s) => {
        const table = new ChunkTable(encodeChunkTable(s));
        expect(table.problem()).toBeUndefined();
        expect(table.toStore()).toEqual(s);
      }),
    );
  });

  it('damaged bytes are an error or a problem, or still read as well-formed records; never a crash or a hang', () => {
    const file = encodeChunkTable(fc.sample(store, { numRuns: 1, seed: 3 })[0]!);
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

describe('half precision', () => {
  it('rounds to the nearest binary16 value, ties to even, and keeps what is already one', () => {
    const widen = (h: number) => new HalfVectors(Uint16Array.of(h), 1).toFloat32().data[0]!;
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
        const h = toHalf(x);
        const y = widen(h);
        // No binary16 value lies closer to x than the one chosen: check both neighbours.
        for (const other of [h + 1, h - 1]) {
          if ((other & 0x7fff) >= 0x7c00 || other < 0 || other > 0xffff || (other & 0x8000) !== (h & 0x8000)) continue;
          expect(Math.abs(widen(other) - x)).toBeGreaterThanOrEqual(Math.abs(y - x));
        }
        expect(toHalf(y)).toBe(h);
      }),
      { numRuns: 5000 },
    );
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and the next half: to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalf(2 ** -25)).toBe(0); // half the smallest subnormal: to even, zero
    expect(toHalf(70000)).toBe(0x7c00);
  });
});

describe('graph walk', () => {
  /** n random unit vectors of dimension d, rounded to half precision, and their graph. */
  function graphOf(n: number, d: number, seed: number) {
    const random = mulberry32(seed);
    const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => random() - 0.5));
    const vectors = HalfVectors.fromVectors(VectorStore.unitRows(rows, d));
    const file = path.join(tempDir('graph'), 'g.hnsw');
    HnswIndex.build(vectors.toFloat32(), DEFAULT_HNSW).write(file);
    const saved = fs.readFileSync(file);
    return { vectors, graph: new NeighbourGraph(encodeGraph(saved, readHnswHeader(saved)!)), random };
  }

  function exactTop(vectors: HalfVectors, q: Float64Array, k: number, allow: (i: number) => boolean = () => true): number[] {
    const ids = Array.from({ length: vectors.count }, (_, i) => i).filter(allow);
    return ids.sort((a, b) => vectors.dot(b, q) - vectors.dot(a, q)).slice(0, k);
  }

  it('finds the exact nearest passages, with exact scores, and obeys a filter', () => {
    const d = 32;
    const { vectors, graph, random } = graphOf(2000, d, 11);
    expect(graph.problem()).toBeUndefined();
    let hits = 0;
    for (let t = 0; t < 50; t++) {
      const q = Float64Array.from({ length: d }, () => random() - 0.5);
      const found = graph.search(vectors, q, 10, 100);
      hits += found.ids.filter((id) => exactTop(vectors, q, 10).includes(id)).length;
      expect(found.scores).toEqual(found.ids.map((id) => vectors.dot(id, q)));
      const allow = (i: number) => i % 7 === 0;
      const filtered = graph.search(vectors, q, 5, 100, allow);
      expect(filtered.ids.every(allow)).toBe(true);
      expect(filtered.ids).toHaveLength(5);
    }
    expect(hits / 500).toBeGreaterThanOrEqual(0.95);
  });
});
