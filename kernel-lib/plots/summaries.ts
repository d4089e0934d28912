// Small summaries computed before plotting, so specs carry few points.

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1 … 30. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t(0.975, df); beyond the table, the Cornish–Fisher expansion around z = 1.96. */
export function t975(df: number): number {
  if (df <= 30) return T975[df - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface MeanCi { x: number; mean: number; lo: number; hi: number; n: number }

/** Mean and 95% t-interval of y for each distinct x (one value per repetition). */
export function meanCi(x: ArrayLike<number>, y: ArrayLike<number>): MeanCi[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < x.length; i++) {
    const v = y[i]!;
    if (v !== v) continue;
    const g = groups.get(x[i]!);
    if (g) g.push(v); else groups.set(x[i]!, [v]);
  }
  return [...groups].sort((a, b) => a[0] - b[0]).map(([xv, vs]) => {
    const n = vs.length;
    const mean = vs.reduce((a, b) => a + b, 0) / n;
    const sd = n > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    const half = n > 1 ? t975(n - 1) * sd / Math.sqrt(n) : 0;
    return { x: xv, mean, lo: mean - half, hi: mean + half, n };
  });
}

/** Empirical CDF of the non-NaN values, at most `points` steps (exact when fewer values). */
export function ecdf(values: ArrayLike<number>, points = 500): { value: number; fraction: number }[] {
  const v = Float64Array.from(values).filter((a) => a === a).sort();
  const n = v.length;
  if (n === 0) return [];
  const out: { value: number; fraction: number }[] = [];
  const steps = Math.min(points, n);
  for (let i = 1; i <= steps; i++) {
    const rank = Math.round((i * n) / steps); // 1 … n
    out.push({ value: v[rank - 1]!, fraction: rank / n });
  }
  return out;
}
