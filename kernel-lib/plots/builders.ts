// Spec builders for the plots experiments need. Each takes an Arquero table
// as the analysis produces it and returns a chainable Plot.
import type { ColumnTable } from 'arquero';
import { P4labError } from '../errors.js';
import { column, measure, rows } from './fields.js';
import { newPlot, type Plot } from './plot.js';
import { ecdf, meanCi } from './summaries.js';

const MAX_ROWS = 200_000;

export interface TimeSeriesOptions {
  /** Time column (ns); default t_ns if present, else tx_ns. */
  time?: string;
  /** Value column. */
  y?: string;
  /** Column that splits the data into coloured lines (e.g. flow). */
  by?: string;
  yTitle?: string;
}

function timeField(table: ColumnTable, time?: string): string {
  return time ?? (table.columnNames().includes('t_ns') ? 't_ns' : 'tx_ns');
}

function colour(by?: string) {
  return by ? { color: { field: by, type: 'nominal', title: by } } : {};
}

function overTime(table: ColumnTable, y: string, o: TimeSeriesOptions, mark: Record<string, unknown>): Plot {
  const x = measure(timeField(table, o.time));
  const m = measure(y, o.yTitle);
  const fields = [{ field: timeField(table, o.time), m: x }, { field: y, m }, ...(o.by ? [{ field: o.by }] : [])];
  return newPlot([{
    data: { values: rows(table, fields, MAX_ROWS) },
    mark,
    encoding: {
      x: { field: x.as, type: 'quantitative', title: x.title },
      y: { field: m.as, type: 'quantitative', title: m.title },
      ...colour(o.by),
    },
  }], true);
}

/** One-way latency over time: points for a packets table, a line for a series. */
export function latencyOverTime(table: ColumnTable, o: TimeSeriesOptions = {}): Plot {
  const perPacket = table.columnNames().includes('latency_ns');
  const y = o.y ?? (perPacket ? 'latency_ns' : 'latency_p50_ns');
  return overTime(table, y, o, perPacket ? { type: 'point', size: 4, filled: true } : { type: 'line', interpolate: 'step-after' });
}

/** Throughput over time from a series (rx_bps in Mbit/s by default, or rx_pps). */
export function throughputOverTime(series: ColumnTable, o: TimeSeriesOptions = {}): Plot {
  return overTime(series, o.y ?? 'rx_bps', o, { type: 'line', interpolate: 'step-after' });
}

/** Queue depth over time (e.g. from the switch's overload digests). */
export function queueDepthOverTime(table: ColumnTable, o: TimeSeriesOptions & { depth?: string } = {}): Plot {
  return overTime(table, o.depth ?? 'depth', { ...o, yTitle: o.yTitle ?? 'queue depth (packets)' }, { type: 'line', interpolate: 'step-after' });
}

/** Loss per flow (or per any category column) as bars, in percent. */
export function lossBars(flows: ColumnTable, o: { by?: string; yTitle?: string } = {}): Plot {
  const by = o.by ?? 'flow';
  const m = measure('loss', o.yTitle);
  return newPlot([{
    data: { values: rows(flows, [{ field: by }, { field: 'loss', m }, { field: 'lost' }], MAX_ROWS) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: by, type: 'nominal', title: by },
      y: { field: m.as, type: 'quantitative', title: m.title },
      tooltip: [{ field: 'lost', type: 'quantitative', title: 'packets lost' }],
    },
  }], false);
}

/** Outages (an outages table) as bars on the time axis, one row per flow. */
export function outageBars(outages: ColumnTable): Plot {
  const start = measure('start_ns');
  const values = rows(outages, [{ field: 'flow' }, { field: 'start_ns', m: { ...start, as: 'start_s' } },
    { field: 'end_ns', m: { ...start, as: 'end_s' } }, { field: 'duration_ns', m: measure('duration_ns') }, { field: 'lost' }], MAX_ROWS);
  return newPlot([{
    data: { values },
    mark: { type: 'bar', color: '#d62728' },
    encoding: {
      x: { field: 'start_s', type: 'quantitative', title: 'time (s)' },
      x2: { field: 'end_s' },
      y: { field: 'flow', type: 'nominal', title: 'flow' },
      tooltip: [
        { field: 'duration_ns', type: 'quantitative', title: 'outage (ms)' },
        { field: 'lost', type: 'quantitative', title: 'packets lost' },
      ],
    },
  }], false);
}

/** Empirical CDF of a column (default latency_ns), one line per `by` group. */
export function cdf(table: ColumnTable, o: { field?: string; by?: string; xTitle?: string } = {}): Plot {
  const field = o.field ?? 'latency_ns';
  const m = measure(field, o.xTitle);
  const values = column(table, field) as ArrayLike<number>;
  const groups = o.by ? (column(table, o.by) as ArrayLike<unknown>) : undefined;
  const byGroup = new Map<unknown, number[]>();
  for (let i = 0; i < values.length; i++) {
    const g = groups ? groups[i] : '';
    const list = byGroup.get(g);
    if (list) list.push(values[i]!); else byGroup.set(g, [values[i]!]);
  }
  const data = [...byGroup].flatMap(([g, vs]) =>
    ecdf(vs).map((p) => ({ [m.as]: p.value * m.scale, fraction: p.fraction, ...(o.by ? { [o.by]: g } : {}) })));
  return newPlot([{
    data: { values: data },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: m.as, type: 'quantitative', title: m.title },
      y: { field: 'fraction', type: 'quantitative', title: 'cumulative fraction of packets', scale: { domain: [0, 1] } },
      ...colour(o.by),
    },
  }], true);
}

/** Box plots of a value (e.g. per-run p99 latency) across the categories in `x` (e.g. run or method). */
export function boxPlot(table: ColumnTable, o: { x: string; y: string; yTitle?: string; extent?: 'min-max' | number }): Plot {
  const m = measure(o.y, o.yTitle);
  return newPlot([{
    data: { values: rows(table, [{ field: o.x }, { field: o.y, m }], MAX_ROWS) },
    mark: { type: 'boxplot', extent: o.extent ?? 1.5 },
    encoding: {
      x: { field: o.x, type: 'nominal', title: o.x },
      y: { field: m.as, type: 'quantitative', title: m.title },
    },
  }], false);
}

/**
 * Mean across repetitions with a 95% confidence band (Student t), the papers'
 * style: the table holds one row per repetition and x (e.g. stacked series of
 * several runs); `by` draws one band per group (e.g. method).
 */
export function meanWithCi(table: ColumnTable, o: { y: string; x?: string; by?: string; yTitle?: string }): Plot {
  const xField = o.x ?? 't_ns';
  const xm = measure(xField);
  const ym = measure(o.y, o.yTitle);
  const xs = column(table, xField) as ArrayLike<number>;
  const ys = column(table, o.y) as ArrayLike<number>;
  const groups = o.by ? (column(table, o.by) as ArrayLike<unknown>) : undefined;
  const split = new Map<unknown, { x: number[]; y: number[] }>();
  for (let i = 0; i < xs.length; i++) {
    const g = groups ? groups[i] : '';
    let s = split.get(g);
    if (!s) split.set(g, (s = { x: [], y: [] }));
    s.x.push(xs[i]!);
    s.y.push(ys[i]!);
  }
  const values = [...split].flatMap(([g, s]) => meanCi(s.x, s.y).map((c) => ({
    [xm.as]: c.x * xm.scale, mean: c.mean * ym.scale, lo: c.lo * ym.scale, hi: c.hi * ym.scale, n: c.n,
    ...(o.by ? { [o.by]: g } : {}),
  })));
  if (values.length === 0) throw new P4labError(`meanWithCi: no values in column ${o.y}`);
  const x = { field: xm.as, type: 'quantitative', title: xm.title };
  return newPlot([
    { data: { values }, mark: { type: 'errorband', opacity: 0.3 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: `${ym.title}, mean and 95% CI` }, y2: { field: 'hi' }, ...colour(o.by) } },
    { data: { values }, mark: { type: 'line' }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, ...colour(o.by) } },
  ], true);
}
