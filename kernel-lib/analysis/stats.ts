// Exact order statistics on typed-array segments without sorting them:
// quickselect partially orders a segment in place, O(n) on average.

/** Moves the k-th smallest of a[lo, hi) to a[k], smaller ones before it, larger after. */
export function select(a: Float64Array, lo: number, hi: number, k: number): void {
  let l = lo, r = hi - 1;
  while (r > l) {
    // Median of three as the pivot, so sorted input stays linear.
    const m = (l + r) >>> 1;
    if (a[m]! < a[l]!) swap(a, m, l);
    if (a[r]! < a[l]!) swap(a, r, l);
    if (a[r]! < a[m]!) swap(a, r, m);
    const pivot = a[m]!;
    let i = l, j = r;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

export interface Quantiles { p50: number; p99: number; max: number; mean: number }

/**
 * Nearest-rank p50 and p99, max and mean of a[lo, hi) (NaN-free), reordering
 * the segment. All NaN when empty.
 */
export function quantiles(a: Float64Array, lo: number, hi: number): Quantiles {
  const n = hi - lo;
  if (n <= 0) return { p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const k50 = lo + Math.max(1, Math.ceil(0.5 * n)) - 1;
  const k99 = lo + Math.max(1, Math.ceil(0.99 * n)) - 1;
  select(a, lo, hi, k50);
  select(a, k50, hi, k99);
  let max = -Infinity, sum = 0;
  for (let i = lo; i < hi; i++) {
    const v = a[i]!;
    sum += v;
    if (v > max) max = v;
  }
  return { p50: a[k50]!, p99: a[k99]!, max, mean: sum / n };
}

/**
 * Groups the non-NaN values by key (0 … nKeys − 1, negative = leave out)
 * with a counting sort. Group k is values[offsets[k], offsets[k + 1]).
 */
export function groupByKey(keys: Float64Array, values: Float64Array, nKeys: number): { values: Float64Array; offsets: Float64Array } {
  const offsets = new Float64Array(nKeys + 1);
  for (let i = 0; i < values.length; i++) {
    const k = keys[i]!;
    if (k >= 0 && values[i] === values[i]) offsets[k + 1]!++;
  }
  for (let k = 0; k < nKeys; k++) offsets[k + 1] = offsets[k + 1]! + offsets[k]!;
  const fill = offsets.slice(0, nKeys);
  const grouped = new Float64Array(offsets[nKeys]!);
  for (let i = 0; i < values.length; i++) {
    const k = keys[i]!;
    const v = values[i]!;
    if (k >= 0 && v === v) grouped[fill[k]!++] = v;
  }
  return { values: grouped, offsets };
}
