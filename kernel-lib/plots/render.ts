// Renders plots to SVG (reports, inline notebook output) and to
// self-contained interactive HTML (vega's runtime inlined; no network needed).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { Plot } from './plot.js';

type Spec = Plot | TopLevelSpec;

// Loaded on first use: vega and vega-lite contain top-level await, which
// require() refuses, and tslab compiles notebook cells to require().
async function vegaSpec(spec: Spec, interactive: boolean): Promise<Vega.Spec> {
  const { compile } = await import('vega-lite');
  return compile(spec instanceof Plot ? spec.spec({ zoom: interactive }) : spec).spec;
}

export async function renderSvg(spec: Spec): Promise<string> {
  const vega = await import('vega');
  const view = new vega.View(vega.parse(await vegaSpec(spec, false)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let vegaScript: Promise<string> | undefined;

/** A standalone HTML page with the plot, zoomable where axes are continuous. */
export async function renderHtml(spec: Spec, options: { title?: string } = {}): Promise<string> {
  // vega's exports map hides build/; its schema (exported) sits beside the browser bundle.
  vegaScript ??= readFile(path.join(path.dirname(createRequire(import.meta.url).resolve('vega/vega-schema.json')), 'vega.min.js'), 'utf8');
  const script = (await vegaScript).replace(/<\/script/gi, '<\\/script');
  const json = JSON.stringify(await vegaSpec(spec, true)).replace(/</g, '\\u003c');
  const title = (options.title ?? 'p4lab plot').replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script>${script}</script></head>
<body><div id="plot"></div>
<script>new vega.View(vega.parse(${json}), { renderer: 'svg', container: '#plot', hover: true }).runAsync();</script>
</body></html>
`;
}

/** tslab's display object, or anything with the same methods. */
export interface Display {
  html(html: string): void;
  svg?(svg: string): void;
}

/** Shows a plot in a notebook: inline SVG, or interactive HTML (pan, zoom). */
export async function show(spec: Spec, display: Display, options: { interactive?: boolean } = {}): Promise<void> {
  if (options.interactive) display.html(await renderHtml(spec));
  else if (display.svg) display.svg(await renderSvg(spec));
  else display.html(await renderSvg(spec));
}
