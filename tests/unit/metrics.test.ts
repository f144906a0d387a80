/** The evaluation metrics against cases worked out by hand (trec_eval / BEIR semantics). */
import { describe, expect, it } from 'vitest';
import {
  collapseToDocuments,
  evaluate,
  formatTrecRun,
  mrrAt,
  ndcgAt,
  recallAt,
  trecOrder,
  type Qrels,
  type Run,
} from '../../src/eval/metrics.js';

const rels = (o: Record<string, number>) => new Map(Object.entries(o));

describe('nDCG@k', () => {
  it('binary gains: relevant documents at ranks 2 and 4', () => {
    // DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677; IDCG = 1 + 1/log2(3)
    expect(ndcgAt(['x', 'a', 'y', 'b'], rels({ a: 1, b: 1 }), 10)).toBeCloseTo(1.061606 / 1.63093, 5);
  });

  it('graded gains use the qrel value as the gain', () => {
    // DCG = 1/1 + 2/log2(3) = 2.261860; IDCG = 2/1 + 1/log2(3) = 2.630930
    expect(ndcgAt(['b', 'a'], rels({ a: 2, b: 1 }), 10)).toBeCloseTo(2.26186 / 2.63093, 5);
  });

  it('counts only the first k ranks, while the ideal uses every relevant document', () => {
    // only 'a' at rank 1 inside k=1; IDCG@1 = 1
    expect(ndcgAt(['a', 'b'], rels({ a: 1, b: 1 }), 1)).toBe(1);
    // 'b' at rank 3 is outside k=2: DCG = 0; 2 relevant, IDCG@2 = 1 + 0.630930
    expect(ndcgAt(['x', 'y', 'b'], rels({ b: 1, c: 1 }), 2)).toBe(0);
  });

  it('judged-non-relevant (0) documents give no gain and are not ideal', () => {
    expect(ndcgAt(['n', 'a'], rels({ n: 0, a: 1 }), 10)).toBeCloseTo(1 / Math.log2(3), 6);
  });
});

describe('recall and MRR', () => {
  it('recall@k is the share of relevant documents in the first k', () => {
    const ranked = ['a', 'x', 'b', ...Array.from({ length: 20 }, (_, i) => `n${i}`), 'c'];
    expect(recallAt(ranked, rels({ a: 1, b: 2, c: 1 }), 10)).toBeCloseTo(2 / 3, 6);
    expect(recallAt(ranked, rels({ a: 1, b: 2, c: 1 }), 100)).toBe(1);
  });

  it('MRR@10 is 1/rank of the first relevant document within 10', () => {
    expect(mrrAt(['x', 'y', 'a'], rels({ a: 1 }), 10)).toBeCloseTo(1 / 3, 6);
    expect(mrrAt([...Array.from({ length: 10 }, (_, i) => `n${i}`), 'a'], rels({ a: 1 }), 10)).toBe(0);
  });
});

describe('ranking semantics', () => {
  it('ties are broken by document id, descending (as trec_eval does)', () => {
    const ordered = trecOrder([
      { docId: 'a', score: 1 },
      { docId: 'c', score: 0.5 },
      { docId: 'b', score: 1 },
    ]).map((d) => d.docId);
    expect(ordered).toEqual(['b', 'a', 'c']);
  });

  it('chunks of one document collapse to its best score', () => {
    expect(
      collapseToDocuments([
        { docId: 'd1', score: 0.2 },
        { docId: 'd2', score: 0.9 },
        { docId: 'd1', score: 0.7 },
      ]),
    ).toEqual([
      { docId: 'd1', score: 0.7 },
      { docId: 'd2', score: 0.9 },
    ]);
  });
});

describe('evaluate', () => {
  it('averages over judged queries; an unanswered query scores 0; queries without a relevant judgement are left out', () => {
    const qrels: Qrels = new Map([
      ['q1', rels({ a: 1 })],
      ['q2', rels({ b: 1 })],
      ['q3', rels({ c: 0 })],
    ]);
    const run: Run = new Map([
      [
        'q1',
        [
          { docId: 'a', score: 3 },
          { docId: 'x', score: 1 },
        ],
      ],
      ['q3', [{ docId: 'c', score: 1 }]],
    ]);
    const { metrics, queries } = evaluate(run, qrels);
    expect(queries).toBe(2);
    expect(metrics['ndcg@10']).toBe(0.5);
    expect(metrics['mrr@10']).toBe(0.5);
    expect(metrics['recall@100']).toBe(0.5);
  });

  it('writes a TREC run file in rank order', () => {
    const run: Run = new Map([
      [
        '7',
        [
          { docId: 'b', score: 0.25 },
          { docId: 'a', score: 0.5 },
        ],
      ],
    ]);
    expect(formatTrecRun(run, 'tag')).toBe('7 Q0 a 1 0.500000 tag\n7 Q0 b 2 0.250000 tag\n');
  });
});
