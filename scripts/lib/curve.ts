/** Prints an abstention curve as a Markdown table. */
import type { CurvePoint } from '../../src/eval/abstain.js';

export const THRESHOLDS = [0, 0.02, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7];

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function printCurve(points: CurvePoint[]): void {
  console.log(
    '| min_relevance | off-topic answered [] | answer removed, answered [] | correct first passage dropped | answerable answered [] |',
  );
  console.log('|---|---|---|---|---|');
  for (const p of points)
    console.log(
      `| ${p.threshold} | ${pct(p.offTopicEmpty)} | ${pct(p.removedEmpty)} | ${pct(p.correctDropped)} | ${pct(p.answerableEmpty)} |`,
    );
}
