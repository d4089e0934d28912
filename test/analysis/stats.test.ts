import { describe, expect, it } from 'vitest';
import { quantiles } from '../../kernel-lib/analysis/stats.js';

describe('quantiles (quickselect)', () => {
  it('matches nearest-rank percentiles of a full sort', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const n of [1, 2, 3, 10, 99, 100, 101, 1000, 4097]) {
      for (const shape of ['random', 'sorted', 'reversed', 'few distinct']) {
        const v = Float64Array.from({ length: n }, (_, i) =>
          shape === 'random' ? rand() : shape === 'sorted' ? i : shape === 'reversed' ? n - i : Math.floor(rand() * 3));
        const sorted = Float64Array.from(v).sort();
        const q = quantiles(Float64Array.from(v), 0, n);
        expect(q.p50).toBe(sorted[Math.ceil(0.5 * n) - 1]);
        expect(q.p99).toBe(sorted[Math.ceil(0.99 * n) - 1]);
        expect(q.max).toBe(sorted[n - 1]);
      }
    }
  });

  it('works on a segment and is NaN when empty', () => {
    const a = Float64Array.of(100, 5, 4, 3, 2, 1, -100);
    expect(quantiles(a, 1, 6)).toEqual({ p50: 3, p99: 5, max: 5, mean: 3 });
    expect(quantiles(a, 3, 3).p50).toBeNaN();
  });
});
