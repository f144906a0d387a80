/**
 * Weighted logistic regression by iteratively reweighted least squares (Newton's method) with a
 * small ridge penalty: a handful of features, a few thousand rows, converged in a dozen steps.
 * Used to calibrate relevance; returns [intercept, ...weights].
 */

export interface Sample {
  x: number[];
  y: 0 | 1;
  weight?: number;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export function fitLogistic(samples: Sample[], ridge = 1e-3, iterations = 50): number[] {
  const d = samples[0]!.x.length + 1;
  let beta = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const hessian = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? ridge : 0)));
    const gradient = beta.map((b) => -ridge * b);
    for (const s of samples) {
      const x = [1, ...s.x];
      const p = 1 / (1 + Math.exp(-x.reduce((z, v, i) => z + v * beta[i]!, 0)));
      const w = s.weight ?? 1;
      for (let i = 0; i < d; i++) {
        gradient[i] = gradient[i]! + w * (s.y - p) * x[i]!;
        for (let j = 0; j < d; j++) hessian[i]![j] = hessian[i]![j]! + w * p * (1 - p) * x[i]! * x[j]!;
      }
    }
    const step = solve(hessian, gradient);
    beta = beta.map((b, i) => b + step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  return beta;
}
