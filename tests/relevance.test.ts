import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitLogistic, type Sample } from '../src/eval/logistic.js';
import { relevance, relevanceModelFor } from '../src/search/relevance.js';
import { mulberry32 } from '../scripts/lib/random.js';

describe('relevance model', () => {
  const model = relevanceModelFor('use-lite');

  it('is a probability that grows with every piece of evidence', () => {
    const signed = fc.double({ min: -1, max: 1, noNaN: true });
    const share = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(signed, share, signed, fc.double({ min: 0.01, max: 0.5, noNaN: true }), (cosine, coverage, gap, step) => {
        const f = { cosine, coverage, gap };
        const base = relevance(f, model);
        expect(base).toBeGreaterThanOrEqual(0);
        expect(base).toBeLessThanOrEqual(1);
        expect(relevance({ ...f, cosine: cosine + step }, model)).toBeGreaterThanOrEqual(base);
        expect(relevance({ ...f, coverage: coverage + step }, model)).toBeGreaterThanOrEqual(base);
        expect(relevance({ ...f, gap: gap + step }, model)).toBeGreaterThanOrEqual(base);
      }),
    );
  });

  it('an embedder without a fit does not lean on its cosine scale', () => {
    const other = relevanceModelFor('transformers:some/model');
    expect(other.cosine).toBe(0);
    const f = { cosine: 0.9, coverage: 0.5, gap: 0.1 };
    expect(relevance(f, other)).toBe(relevance({ ...f, cosine: 0.1 }, other));
  });
});

describe('logistic fit', () => {
  it('recovers the coefficients of the model that generated the labels', () => {
    const random = mulberry32(7);
    const truth = [-1, 3, -2];
    const samples: Sample[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = [random() * 2 - 1, random() * 2 - 1];
      const p = 1 / (1 + Math.exp(-(truth[0]! + truth[1]! * x[0]! + truth[2]! * x[1]!)));
      samples.push({ x, y: random() < p ? 1 : 0 });
    }
    const fitted = fitLogistic(samples);
    fitted.forEach((b, i) => {
      expect(b).toBeCloseTo(truth[i]!, 0);
    });
  });

  it('a sample weight counts like that many copies', () => {
    const rows: Sample[] = [
      { x: [0], y: 1 },
      { x: [0], y: 0 },
      { x: [1], y: 1 },
      { x: [1], y: 0 },
      { x: [1], y: 1 },
    ];
    const copied = fitLogistic([...rows, rows[0]!, rows[0]!]);
    const weighted = fitLogistic([{ ...rows[0]!, weight: 3 }, ...rows.slice(1)]);
    weighted.forEach((b, i) => {
      expect(b).toBeCloseTo(copied[i]!, 6);
    });
  });
});
