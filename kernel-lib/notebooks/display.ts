// Showing things in a tslab notebook: SVG drawings, plots, tables, HTML, and
// inline progress of long steps. tslab is loaded only when one of these is
// called, so p4lab itself does not depend on running inside a notebook.
import { createRequire } from 'node:module';
import type { ColumnTable } from 'arquero';
import type { TopLevelSpec } from 'vega-lite';
import { P4labError } from '../errors.js';
import { renderSvg, type Display, type Plot } from '../plots/index.js';
import { escapeHtml } from '../reports/html.js';

let display: Display | undefined;

/** tslab's display (the notebook's output area). */
export function notebookDisplay(): Display {
  if (!display) {
    try {
      display = (createRequire(import.meta.url)('tslab') as { display: Display }).display;
    } catch {
      throw new P4labError('showing output needs the tslab kernel', 'run this from a notebook with the TypeScript (tslab) kernel; `npm run setup` installs it');
    }
  }
  return display;
}

export function showHtml(html: string): void {
  notebookDisplay().html(html);
}

/** An SVG drawing, e.g. net.svg(). */
export function showSvg(svg: string): void {
  notebookDisplay().html(svg);
}

export async function showPlot(plot: Plot | TopLevelSpec): Promise<void> {
  notebookDisplay().html(await renderSvg(plot));
}

/** A table as HTML (its first `maxRows` rows). */
export function showTable(table: ColumnTable, maxRows = 20): void {
  const names = table.columnNames();
  const cols = names.map((c) => table.array(c) as ArrayLike<unknown>);
  const n = Math.min(table.numRows(), maxRows);
  const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : escapeHtml(String(v)));
  const rows = Array.from({ length: n }, (_, i) => `<tr>${cols.map((c) => `<td>${fmt(c[i])}</td>`).join('')}</tr>`).join('');
  const more = table.numRows() > n ? `<p>first ${n} of ${table.numRows()} rows</p>` : '';
  showHtml(`<table><thead><tr>${names.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>${more}`);
}

/** The source of a file as a code block. */
export function showCode(text: string): void {
  showHtml(`<pre style="max-height:24em;overflow:auto">${escapeHtml(text)}</pre>`);
}

/**
 * Waits for `work` while printing a bar that fills over `seconds` (the
 * expected length), one mark per tenth, on one output line.
 */
export async function withProgress<T>(label: string, seconds: number, work: Promise<T>): Promise<T> {
  process.stdout.write(`${label} `);
  let marks = 0;
  const timer = setInterval(() => {
    if (marks < 10) {
      process.stdout.write('▮');
      marks++;
    }
  }, (seconds * 1000) / 10);
  try {
    const result = await work;
    process.stdout.write(`${'▮'.repeat(10 - marks)} done\n`);
    return result;
  } finally {
    clearInterval(timer);
  }
}
