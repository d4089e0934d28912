// Repeated runs summarised: metrics flattened to one row per run, then mean
// and 95% t-interval per setting; and the published figures to set beside them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PACKAGE_ROOT } from '../package-root.js';
import { P4labError } from '../errors.js';
import { t975 } from '../plots/summaries.js';

export type Row = Record<string, number | string>;

/** A run's metrics as one flat row: nested objects joined with "_", booleans as 0/1. */
export function flatMetrics(metrics: object, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) {
    const key = prefix + k;
    if (typeof v === 'number') out[key] = v;
    else if (typeof v === 'boolean') out[key] = v ? 1 : 0;
    else if (v && typeof v === 'object') Object.assign(out, flatMetrics(v, `${key}_`));
  }
  return out;
}

/** Mean, 95% t-interval half-width and count of each metric, per distinct combination of `by`. */
export function meanCiTable(rows: Row[], by: string[], metrics: string[]): ColumnTable {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(by.map((b) => r[b]));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    const row: Row = Object.fromEntries(by.map((b) => [b, g[0]![b]!]));
    for (const m of metrics) {
      const v = g.map((r) => Number(r[m])).filter((x) => Number.isFinite(x));
      const n = v.length;
      const mean = n ? v.reduce((a, b) => a + b, 0) / n : NaN;
      const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
      row[`${m}_mean`] = mean;
      row[`${m}_ci95`] = n > 1 ? (t975(n - 1) * sd) / Math.sqrt(n) : NaN;
    }
    row.n = g.length;
    out.push(row);
  }
  return aq.from(out);
}

/** A transcribed reference file from datasets/reference/, e.g. 'p4nfv-he-2018'. */
export function loadReference(name: string): Record<string, unknown> {
  const file = join(PACKAGE_ROOT, 'datasets', 'reference', `${name}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new P4labError(`cannot read the reference figures ${file}: ${(e as Error).message}`, 'names are the files in datasets/reference/ without .json');
  }
}

/** A value at a dotted path of a reference file, e.g. 'experiments.stateless_nat_migration.results.packets_lost'. */
export function referenceValue(ref: Record<string, unknown>, path: string): unknown {
  let v: unknown = ref;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !(k in v)) throw new P4labError(`reference has no ${path} (stops at ${k})`, 'see the file in datasets/reference/');
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}
