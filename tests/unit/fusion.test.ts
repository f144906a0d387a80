import { describe, expect, it } from 'vitest';
import { fuse, fusionFor, spreadWeight, type FusionSettings } from '../../src/search/fusion.js';

const settings = (s: Partial<FusionSettings>): FusionSettings => ({
  method: 'convex',
  denseWeight: 0.3,
  halfAt: 0.1,
  spreadDepth: 20,
  rrfK: 60,
  ...s,
});

const candidates = [
  { id: 1, dense: 0.9, lexical: 0 },
  { id: 2, dense: 0.5, lexical: 10 },
  { id: 3, dense: 0.7, lexical: 5 },
];

describe('fusion', () => {
  it('convex: min-max normalises each side, then weighs them', () => {
    const s = fuse(candidates, settings({ method: 'convex', denseWeight: 0.3 }));
    // dense normalised: 1, 0, 0.5; lexical normalised: 0, 1, 0.5
    expect(s[0]).toBeCloseTo(0.3);
    expect(s[1]).toBeCloseTo(0.7);
    expect(s[2]).toBeCloseTo(0.5);
  });

  it('convex with weight 1 is the dense order, with weight 0 the lexical order', () => {
    const dense = fuse(candidates, settings({ method: 'convex', denseWeight: 1 }));
    const lexical = fuse(candidates, settings({ method: 'convex', denseWeight: 0 }));
    const order = (scores: number[]) =>
      candidates
        .map((c, i) => [c.id, scores[i]!] as const)
        .sort((a, b) => b[1] - a[1])
        .map(([id]) => id);
    expect(order(dense)).toEqual([1, 3, 2]);
    expect(order(lexical)).toEqual([2, 3, 1]);
  });

  it('rrf: sums 1/(k + rank) over the lists a candidate is in, scaled to [0, 1]', () => {
    const s = fuse(candidates, settings({ method: 'rrf', denseWeight: 0.5 }));
    const best = 2 / 61;
    // ranks: dense 1,3,2; lexical (only chunks that matched) -,1,2
    expect(s[0]).toBeCloseTo(1 / 61 / best);
    expect(s[1]).toBeCloseTo((1 / 63 + 1 / 61) / best);
    expect(s[2]).toBeCloseTo((1 / 62 + 1 / 62) / best);
  });

  it('a single candidate scores 1 on the side where it has evidence', () => {
    const s = fuse([{ id: 7, dense: 0.4, lexical: 2 }], settings({ method: 'convex', denseWeight: 0.5 }));
    expect(s[0]).toBe(1);
  });

  it('spread: the dense weight follows how far apart the nearest cosines are, on a fixed depth', () => {
    const pool = (spread: number, extra = 0) =>
      Array.from({ length: 20 + extra }, (_, i) => ({ id: i, dense: i < 20 ? 0.8 - (spread * i) / 19 : 0.1, lexical: i }));
    expect(spreadWeight(pool(0.1), 0.1, 20)).toBeCloseTo(0.5);
    expect(spreadWeight(pool(0.04), 0.1, 20)).toBeCloseTo(0.04 / 0.14);
    expect(spreadWeight(pool(0.3), 0.1, 20)).toBeCloseTo(0.75);
    // Pooling more candidates below the depth changes nothing.
    expect(spreadWeight(pool(0.1, 200), 0.1, 20)).toBeCloseTo(0.5);
    expect(spreadWeight([], 0.1, 20)).toBe(0);
    // The fused score is the convex fusion at that weight.
    const candidates = pool(0.1);
    expect(fuse(candidates, settings({ method: 'spread' }))).toEqual(
      fuse(candidates, settings({ method: 'convex', denseWeight: spreadWeight(candidates, 0.1, 20) })),
    );
  });

  it('spread applies to the encoder it was measured on; others fall back to the fixed convex weight', () => {
    expect(fusionFor('use-lite', settings({ method: 'spread' })).method).toBe('spread');
    expect(fusionFor('transformers:Xenova/bge-small-en-v1.5', settings({ method: 'spread' })).method).toBe('convex');
    expect(fusionFor('transformers:Xenova/bge-small-en-v1.5', settings({ method: 'rrf' })).method).toBe('rrf');
  });
});
