// Turns p4lab's column names (ns, bit/s, fractions) into plotted values with
// unit-bearing axis titles.
import type { ColumnTable } from 'arquero';
import { P4labError } from '../errors.js';

export interface Measure {
  /** Name in the plotted data. */
  as: string;
  title: string;
  scale: number;
}

const TIME_FIELDS = new Set(['t_ns', 'tx_ns', 'rx_ns', 'start_ns', 'end_ns']);
const KNOWN: Record<string, Omit<Measure, 'as'>> = {
  latency_ns: { title: 'one-way latency (ms)', scale: 1e-6 },
  latency_p50_ns: { title: 'median one-way latency (ms)', scale: 1e-6 },
  latency_p99_ns: { title: '99th percentile one-way latency (ms)', scale: 1e-6 },
  latency_max_ns: { title: 'maximum one-way latency (ms)', scale: 1e-6 },
  latency_mean_ns: { title: 'mean one-way latency (ms)', scale: 1e-6 },
  jitter_ns: { title: 'jitter (ms)', scale: 1e-6 },
  duration_ns: { title: 'duration (ms)', scale: 1e-6 },
  rx_bps: { title: 'throughput (Mbit/s)', scale: 1e-6 },
  rx_pps: { title: 'throughput (packets/s)', scale: 1 },
  loss: { title: 'loss (%)', scale: 100 },
  lost: { title: 'packets lost', scale: 1 },
};

/** How a column is plotted; `title` overrides the default (give units). */
export function measure(field: string, title?: string): Measure {
  if (TIME_FIELDS.has(field)) return { as: 'time_s', title: title ?? 'time (s)', scale: 1e-9 };
  const known = KNOWN[field];
  if (known) return { as: field, ...known, ...(title ? { title } : {}) };
  if (field.endsWith('_ns')) return { as: field, title: title ?? `${field.slice(0, -3)} (ms)`, scale: 1e-6 };
  return { as: field, title: title ?? field, scale: 1 };
}

export function column(table: ColumnTable, field: string): ArrayLike<unknown> {
  if (!table.columnNames().includes(field)) {
    throw new P4labError(`the table has no column ${field}`, `columns are: ${table.columnNames().join(', ')}`);
  }
  return table.array(field) as ArrayLike<unknown>;
}

/** Rows for a Vega-Lite data block: each field scaled into its plotted unit. */
export function rows(table: ColumnTable, fields: { field: string; m?: Measure }[], limit: number): Record<string, unknown>[] {
  const n = table.numRows();
  if (n > limit) {
    throw new P4labError(`${n} rows are too many to plot (limit ${limit})`, 'plot a series (analysis.series({ bin_ms })) or filter the table first');
  }
  const cols = fields.map(({ field, m }) => ({ as: m?.as ?? field, scale: m?.scale, data: column(table, field) }));
  const out: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r: Record<string, unknown> = {};
    for (const c of cols) {
      const v = c.data[i];
      r[c.as] = c.scale === undefined ? v : typeof v === 'number' && v === v ? v * c.scale : null;
    }
    out[i] = r;
  }
  return out;
}
