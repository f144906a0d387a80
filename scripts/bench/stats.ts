/** Percentiles and timing helpers for the benchmarks. */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface Summary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), mean, n: values.length };
}

/** Milliseconds a call takes, to the end of what it returns. */
export async function elapsedMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
