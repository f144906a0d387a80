import { describe, expect, it } from 'vitest';
import { fuse } from '../src/search/fusion.js';

const candidates = [
  { id: 1, dense: 0.9, lexical: 0 },
  { id: 2, dense: 0.5, lexical: 10 },
  { id: 3, dense: 0.7, lexical: 5 },
];

describe('fusion', () => {
  it('convex: min-max normalises each side, then weighs them', () => {
    const s = fuse(candidates, { method: 'convex', denseWeight: 0.3, rrfK: 60 });
    // dense normalised: 1, 0, 0.5; lexical normalised: 0, 1, 0.5
    expect(s[0]).toBeCloseTo(0.3);
    expect(s[1]).toBeCloseTo(0.7);
    expect(s[2]).toBeCloseTo(0.5);
  });

  it('convex with weight 1 is the dense order, with weight 0 the lexical order', () => {
    const dense = fuse(candidates, { method: 'convex', denseWeight: 1, rrfK: 60 });
    const lexical = fuse(candidates, { method: 'convex', denseWeight: 0, rrfK: 60 });
    const order = (scores: number[]) => candidates.map((c, i) => [c.id, scores[i]!] as const).sort((a, b) => b[1] - a[1]).map(([id]) => id);
    expect(order(dense)).toEqual([1, 3, 2]);
    expect(order(lexical)).toEqual([2, 3, 1]);
  });

  it('rrf: sums 1/(k + rank) over the lists a candidate is in, scaled to [0, 1]', () => {
    const s = fuse(candidates, { method: 'rrf', denseWeight: 0.5, rrfK: 60 });
    const best = 2 / 61;
    // ranks: dense 1,3,2; lexical (only chunks that matched) -,1,2
    expect(s[0]).toBeCloseTo(1 / 61 / best);
    expect(s[1]).toBeCloseTo((1 / 63 + 1 / 61) / best);
    expect(s[2]).toBeCloseTo((1 / 62 + 1 / 62) / best);
  });

  it('a single candidate scores 1 on the side where it has evidence', () => {
    const s = fuse([{ id: 7, dense: 0.4, lexical: 2 }], { method: 'convex', denseWeight: 0.5, rrfK: 60 });
    expect(s[0]).toBe(1);
  });
});
