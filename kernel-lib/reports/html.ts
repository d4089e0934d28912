// report.html: one self-contained page (inline SVG and CSS, no scripts, no
// network) that opens offline and prints well.
import type { ColumnTable } from 'arquero';
import type { TopLevelSpec } from 'vega-lite';
import type { Plot } from '../plots/index.js';
import type { Manifest } from './manifest.js';

export type Section =
  | { kind: 'text'; text: string }
  | { kind: 'plot'; plot: Plot | TopLevelSpec; caption?: string }
  | { kind: 'svg'; svg: string; caption?: string }
  | { kind: 'table'; name: string; table: ColumnTable; maxRows: number; caption?: string };

type Rendered = Exclude<Section, { kind: 'plot' }>;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Number(v.toPrecision(4)).toString();
}

function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? '–' : formatNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined) return '–';
  return escapeHtml(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function prose(text: string): string {
  return text.split(/\n\s*\n/).map((para) => {
    const p = para.trim();
    if (p.startsWith('## ')) return `<h2>${escapeHtml(p.slice(3))}</h2>`;
    // `code` spans, nothing else: prose stays plain.
    return `<p>${escapeHtml(p).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`;
  }).join('\n');
}

function figure(svg: string, caption: string | undefined): string {
  return `<figure class="plot">${svg}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`;
}

function dataTable(t: ColumnTable, maxRows: number): string {
  const names = t.columnNames();
  const n = Math.min(t.numRows(), maxRows);
  const cols = names.map((c) => t.array(c) as ArrayLike<unknown>);
  const rows = Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
  const more = t.numRows() > n ? `<p class="note">first ${n} of ${t.numRows()} rows</p>` : '';
  return table(names, rows) + more;
}

function section(s: Rendered): string {
  switch (s.kind) {
    case 'text': return prose(s.text);
    case 'svg': return figure(s.svg, s.caption);
    case 'table':
      return `<div class="table">${s.caption ? `<p class="caption">${escapeHtml(s.caption)}</p>` : ''}${dataTable(s.table, s.maxRows)}<p class="note">full table: <code>data/${escapeHtml(s.name)}.csv</code></p></div>`;
  }
}

function provenance(m: Manifest): string {
  const env = [
    ['p4lab', `${m.p4lab.version}${m.p4lab.commit ? ` (${m.p4lab.commit.slice(0, 12)}${m.p4lab.dirty ? ', uncommitted changes' : ''})` : ''}`],
    ['Node', m.environment.node],
    ['kernel', m.environment.kernel],
    ...(m.environment.os ? [['OS', m.environment.os]] : []),
    ...(m.environment.docker ? [['Docker', m.environment.docker]] : []),
    ...(m.environment.tslab ? [['tslab', m.environment.tslab]] : []),
    ['switches', m.backend.switches.join(', ') || '–'],
    ['hosts', m.backend.hosts.join(', ') || '–'],
    ...(m.notebook ? [['notebook', `${m.notebook.path} (sha256 ${m.notebook.sha256.slice(0, 12)})`]] : []),
    ['created', m.created],
  ];
  const parts = [`<h2>What ran</h2>`, table(['', ''], env)];
  if (Object.keys(m.params).length) parts.push('<h3>Parameters</h3>', table(['name', 'value'], Object.entries(m.params)));
  if (Object.keys(m.seeds).length) parts.push('<h3>Random seeds</h3>', table(['name', 'seed'], Object.entries(m.seeds)));
  if (m.topology) {
    parts.push('<h3>Links</h3>', table(['link', 'ports', 'settings at the end'], m.topology.links.map((l) => [`${l.a} – ${l.b}`, `${l.portA} / ${l.portB}`, Object.entries(l.settings).map(([k, v]) => `${k} ${v}`).join(', ') || '–'])));
  }
  const entries = m.table_entries.flatMap((t) => t.entries.map((e) => [t.switch, t.table, JSON.stringify(e.match), `${String(e.action ?? '')} ${JSON.stringify(e.params ?? {})}`]));
  if (entries.length) parts.push(`<details><summary>Table entries at the end (${entries.length})</summary>${table(['switch', 'table', 'match', 'action'], entries)}</details>`);
  if (m.impairments.length) parts.push('<h3>Impairment timeline</h3>', table(['t (s)', 'change'], m.impairments.map((e) => [e.t_s ?? e.t_ns, `${e.label}: ${JSON.stringify(e.detail)}`])));
  if (m.events.length) {
    parts.push(`<details><summary>Control actions (${m.events.length})</summary>${table(['t (s)', 'kind', 'what'], m.events.map((e) => [e.t_s ?? e.t_ns, e.kind, `${e.label} ${JSON.stringify(e.detail)}`]))}</details>`);
  }
  for (const p of m.programs) {
    parts.push(`<details><summary>P4 source <code>${escapeHtml(p.path)}</code> (sha256 ${p.sha256.slice(0, 12)})</summary><pre>${escapeHtml(p.source)}</pre></details>`);
  }
  if (m.files.length) parts.push('<h3>Data files</h3>', table(['file', 'bytes', 'sha256'], m.files.map((f) => [f.name, f.bytes, f.sha256.slice(0, 16)])));
  return parts.join('\n');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}table{border-collapse:collapse;margin:.6em 0}
td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
.metrics td:nth-child(2){text-align:right;font-weight:600}figure{margin:1em 0}figure svg{max-width:100%;height:auto}
figcaption,.note,.caption{color:#555;font-size:.9em}pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:12px}code{font-size:.92em}`;

export function renderReportHtml(m: Manifest, sections: readonly Rendered[]): string {
  const metrics = Object.entries(m.metrics);
  const headline = metrics.length
    ? `<table class="metrics"><thead><tr><th>metric</th><th>value</th><th>unit</th><th>meaning</th></tr></thead><tbody>${metrics.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${cell(v.value)}</td><td>${escapeHtml(v.unit)}</td><td>${escapeHtml(v.description ?? '')}</td></tr>`).join('')}</tbody></table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(m.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(m.title)}</h1>
${headline}
${sections.map(section).join('\n')}
${provenance(m)}
<p class="note">Rerun with <code>p4lab replay DIR</code>; compare with <code>p4lab diff A B</code>.</p>
</body></html>
`;
}
