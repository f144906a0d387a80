import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fitLogistic, type Sample } from '../../src/eval/logistic.js';
import { PRIOR_MODEL, relevance, relevanceOfList, uncalibratedModel } from '../../src/search/relevance.js';
import { mulberry32 } from '../../src/search/random.js';

describe('relevance model', () => {
  const model = PRIOR_MODEL;
  const signed = fc.double({ min: -1, max: 1, noNaN: true });
  const share = fc.double({ min: 0, max: 1, noNaN: true });

  it('is a probability that grows with every piece of evidence', () => {
    fc.assert(
      fc.property(signed, share, signed, share, fc.double({ min: 0.01, max: 0.5, noNaN: true }), (cosine, coverage, gap, known, step) => {
        const f = { cosine, coverage, gap, known };
        const base = relevance(f, model);
        expect(base).toBeGreaterThanOrEqual(0);
        expect(base).toBeLessThanOrEqual(1);
        for (const name of ['cosine', 'coverage', 'gap', 'known'] as const)
          expect(relevance({ ...f, [name]: f[name] + step }, model)).toBeGreaterThanOrEqual(base);
      }),
    );
  });

  it('follows the order of a list: it never rises from one passage to the next', () => {
    const evidence = fc.record({ cosine: signed, coverage: share, gap: signed, known: share });
    fc.assert(
      fc.property(
        fc.array(evidence, { minLength: 1, maxLength: 10 }),
        fc.array(share, { minLength: 10, maxLength: 10 }),
        (features, raw) => {
          const scores = raw.slice(0, features.length).sort((a, b) => b - a);
          const list = relevanceOfList(features, scores, model);
          expect(list[0]).toBeCloseTo(relevance(features[0]!, model), 12);
          for (let i = 1; i < list.length; i++) expect(list[i]!).toBeLessThanOrEqual(list[i - 1]!);
        },
      ),
    );
  });

  it("reads a cosine on the index's own scale: the same evidence means the same on two scales", () => {
    const f = { cosine: 0.5, coverage: 0.5, gap: 0.05, known: 1 };
    const other = { ...model, cosineScale: { center: model.cosineScale.center + 0.2, scale: model.cosineScale.scale * 2 } };
    const moved = { ...f, cosine: other.cosineScale.center + (f.cosine - model.cosineScale.center) * 2, gap: f.gap * 2 };
    expect(relevance(moved, other)).toBeCloseTo(relevance(f, model), 12);
  });

  it('an index built before calibration, with another embedder, does not lean on its cosine scale', () => {
    const other = uncalibratedModel('transformers:some/model');
    const f = { cosine: 0.9, coverage: 0.5, gap: 0.1, known: 1 };
    expect(relevance(f, other)).toBe(relevance({ ...f, cosine: 0.1, gap: 0.4 }, other));
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
