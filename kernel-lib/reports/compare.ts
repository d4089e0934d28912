// Comparing reports: headline metrics side by side (replay, diff), and what
// differs in how they were made (parameters, programs, notebook, versions).
import type { Manifest, Metric } from './manifest.js';

export interface MetricComparison {
  name: string;
  unit: string;
  a?: number;
  b?: number;
  /** b − a. */
  diff?: number;
  /** (b − a) / |a|, when a ≠ 0. */
  rel?: number;
  /** Within a's tolerance (or equal when it has none); undefined when one side lacks the metric. */
  within?: boolean;
}

/** The tolerance used when a metric names none: 10% or 0.5 units, whichever is larger. */
export const DEFAULT_TOLERANCE: Required<NonNullable<Metric['tolerance']>> = { abs: 0.5, rel: 0.1 };

export function compareMetrics(a: Record<string, Metric>, b: Record<string, Metric>): MetricComparison[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.map((name) => {
    const ma = a[name], mb = b[name];
    const unit = (ma ?? mb)!.unit;
    if (!ma || !mb) return { name, unit, ...(ma ? { a: ma.value } : {}), ...(mb ? { b: mb.value } : {}) };
    const diff = mb.value - ma.value;
    const tol = ma.tolerance ?? DEFAULT_TOLERANCE;
    const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(ma.value));
    return {
      name, unit, a: ma.value, b: mb.value, diff,
      ...(ma.value !== 0 ? { rel: diff / Math.abs(ma.value) } : {}),
      within: Math.abs(diff) <= allowed + 1e-12,
    };
  });
}

export interface ValueChange {
  what: string;
  a?: string;
  b?: string;
}

export interface ReportDiff {
  metrics: MetricComparison[];
  params: ValueChange[];
  programs: ValueChange[];
  other: ValueChange[];
}

function changes(prefix: string, a: Record<string, unknown>, b: Record<string, unknown>): ValueChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => {
    const va = a[k] === undefined ? undefined : String(a[k]);
    const vb = b[k] === undefined ? undefined : String(b[k]);
    return va === vb ? [] : [{ what: `${prefix}${k}`, ...(va !== undefined ? { a: va } : {}), ...(vb !== undefined ? { b: vb } : {}) }];
  });
}

export function diffManifests(a: Manifest, b: Manifest): ReportDiff {
  const programs = (m: Manifest) => Object.fromEntries(m.programs.map((p) => [p.path, p.sha256.slice(0, 12)]));
  return {
    metrics: compareMetrics(a.metrics, b.metrics),
    params: changes('', a.params, b.params),
    programs: changes('', programs(a), programs(b)),
    other: changes('', {
      title: a.title, notebook: a.notebook?.sha256.slice(0, 12), p4lab: a.p4lab.version, commit: a.p4lab.commit?.slice(0, 12),
      node: a.environment.node, kernel: a.environment.kernel, switches: a.backend.switches.join(','), hosts: a.backend.hosts.join(','),
      seeds: JSON.stringify(a.seeds),
    }, {
      title: b.title, notebook: b.notebook?.sha256.slice(0, 12), p4lab: b.p4lab.version, commit: b.p4lab.commit?.slice(0, 12),
      node: b.environment.node, kernel: b.environment.kernel, switches: b.backend.switches.join(','), hosts: b.backend.hosts.join(','),
      seeds: JSON.stringify(b.seeds),
    }),
  };
}

function num(v: number | undefined): string {
  if (v === undefined) return '–';
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(4)).toString();
}

/** Metrics as aligned text columns: name, A, B, difference, and whether B is within A's tolerance. */
export function formatMetricComparison(rows: readonly MetricComparison[], labels: [string, string]): string {
  const table = [
    ['metric', labels[0], labels[1], 'difference', ''],
    ...rows.map((r) => [
      `${r.name} (${r.unit})`, num(r.a), num(r.b),
      r.diff === undefined ? '–' : `${r.diff >= 0 ? '+' : ''}${num(r.diff)}${r.rel !== undefined ? ` (${r.rel >= 0 ? '+' : ''}${(r.rel * 100).toFixed(1)}%)` : ''}`,
      r.within === undefined ? 'missing' : r.within ? 'ok' : 'OUTSIDE TOLERANCE',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function formatDiff(d: ReportDiff, labels: [string, string]): string {
  const out = [formatMetricComparison(d.metrics, labels)];
  const list = (title: string, cs: ValueChange[]) => {
    out.push('', cs.length ? `${title}:` : `${title}: same`);
    for (const c of cs) out.push(`  ${c.what}: ${c.a ?? '(none)'} → ${c.b ?? '(none)'}`);
  };
  list('parameters', d.params);
  list('P4 programs (sha256)', d.programs);
  list('other', d.other);
  return out.join('\n');
}
