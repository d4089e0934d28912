// A report being assembled in a notebook: prose, plots, tables, headline
// metrics, and what ran (network, programs, control actions, parameters),
// written as a directory by write(): report.html, manifest.json, data/.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ColumnTable } from 'arquero';
import type { TopLevelSpec } from 'vega-lite';
import { P4labError } from '../errors.js';
import type { EventLog } from '../events/index.js';
import type { TrafficAnalysis } from '../analysis/index.js';
import { writeArrow, writeCsv } from '../analysis/index.js';
import type { Network } from '../emulation/index.js';
import { renderSvg, type Plot } from '../plots/index.js';
import { NOTEBOOK_ENV, REPORT_DIR_ENV, recordedParams, type Params } from '../notebooks/params.js';
import { collectEnvironment, repoRelative, sha256 } from './environment.js';
import { renderReportHtml, type Section } from './html.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest, type ManifestEvent, type ManifestFile, type Metric } from './manifest.js';
import { describeNetwork, snapshotTables } from './network.js';

export interface ReportOptions {
  title: string;
  /** Where to write, e.g. '../reports/quickstart'; the runner's --report wins. */
  dir: string;
  /** The notebook that makes the report (for replay); default the one the runner executes. */
  notebook?: string;
}

export interface WrittenReport {
  dir: string;
  manifest: Manifest;
  /** report.html's path. */
  html: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class Report {
  readonly dir: string;
  readonly #title: string;
  readonly #notebook: string | undefined;
  readonly #sections: Section[] = [];
  readonly #metrics: Record<string, Metric> = {};
  readonly #seeds: Record<string, number> = {};
  readonly #programs = new Set<string>();
  readonly #tables: Array<{ name: string; table: ColumnTable }> = [];
  #params: Params | undefined;
  #network: Network | undefined;
  #events: EventLog | undefined;
  #traffic: TrafficAnalysis | undefined;

  constructor(options: ReportOptions) {
    if (typeof options?.title !== 'string' || options.title === '') throw new P4labError('a report needs a title', "new Report({ title: 'My experiment', dir: '../reports/mine' })");
    const dir = process.env[REPORT_DIR_ENV] || options.dir;
    if (typeof dir !== 'string' || dir === '') throw new P4labError('a report needs a directory', "new Report({ title, dir: '../reports/mine' })");
    this.dir = path.resolve(dir);
    this.#title = options.title;
    this.#notebook = options.notebook ?? process.env[NOTEBOOK_ENV];
  }

  /** A paragraph of prose; lines starting with '## ' become headings. */
  text(text: string): this {
    this.#sections.push({ kind: 'text', text });
    return this;
  }

  /** The network that ran: topology, backends, its switches' P4 sources and its event log. */
  network(net: Network): this {
    this.#network = net;
    this.#events ??= net.events;
    return this;
  }

  /** A P4 source file the experiment used (recorded with its hash). */
  program(file: string): this {
    if (!existsSync(file)) throw new P4labError(`report program ${file} does not exist`, 'give the path of a .p4 source');
    this.#programs.add(path.resolve(file));
    return this;
  }

  /** The control actions to record; default the network's event log. */
  events(log: EventLog): this {
    this.#events = log;
    return this;
  }

  /** Parameters to record; default those notebookParams() returned. */
  params(params: Params): this {
    this.#params = { ...params };
    return this;
  }

  seed(name: string, value: number): this {
    if (!Number.isFinite(value)) throw new P4labError(`seed ${name} must be a number`);
    this.#seeds[name] = value;
    return this;
  }

  /** A headline figure, shown on top of the report and compared by replay and diff. */
  metric(name: string, value: number, unit: string, options: Omit<Metric, 'value' | 'unit'> = {}): this {
    if (!NAME.test(name)) throw new P4labError(`metric name ${JSON.stringify(name)} is not valid`, 'use letters, digits, "_", "-", "."');
    if (!Number.isFinite(value)) throw new P4labError(`metric ${name} is ${value}`, 'a headline metric must be a finite number; check the run produced data');
    this.#metrics[name] = { value, unit, ...options };
    return this;
  }

  /** A plot, rendered to inline SVG. */
  plot(plot: Plot | TopLevelSpec, caption?: string): this {
    this.#sections.push({ kind: 'plot', plot, ...(caption ? { caption } : {}) });
    return this;
  }

  /** A ready SVG drawing (e.g. net.svg()). */
  svg(svg: string, caption?: string): this {
    this.#sections.push({ kind: 'svg', svg, ...(caption ? { caption } : {}) });
    return this;
  }

  /** A table: shown in the report (first `maxRows` rows) and written in full as data/NAME.csv. */
  table(name: string, table: ColumnTable, options: { caption?: string; maxRows?: number } = {}): this {
    if (!NAME.test(name)) throw new P4labError(`table name ${JSON.stringify(name)} is not valid`, 'use letters, digits, "_", "-", "."');
    this.#tables.push({ name, table });
    this.#sections.push({ kind: 'table', name, table, maxRows: options.maxRows ?? 20, ...(options.caption ? { caption: options.caption } : {}) });
    return this;
  }

  /** The run's packets (data/packets.arrow) and flows (data/flows.csv); its origin times the events. */
  traffic(analysis: TrafficAnalysis): this {
    this.#traffic = analysis;
    return this;
  }

  /** Writes the report directory (replacing an earlier report there). */
  async write(): Promise<WrittenReport> {
    const dataDir = path.join(this.dir, 'data');
    if (existsSync(path.join(this.dir, 'manifest.json'))) rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const files: ManifestFile[] = [];
    const addFile = (name: string, kind: ManifestFile['kind']) => {
      const full = path.join(this.dir, name);
      files.push({ name, kind, sha256: sha256(readFileSync(full)), bytes: statSync(full).size });
    };

    const origin = this.#traffic?.originNs;
    if (this.#traffic) {
      await writeArrow(this.#traffic.packets(), path.join(dataDir, 'packets.arrow'));
      addFile('data/packets.arrow', 'trace');
      await writeCsv(this.#traffic.flows(), path.join(dataDir, 'flows.csv'));
      addFile('data/flows.csv', 'table');
    }
    for (const { name, table } of this.#tables) {
      await writeCsv(table, path.join(dataDir, `${name}.csv`));
      addFile(`data/${name}.csv`, 'table');
    }
    const events = this.#manifestEvents(origin);
    if (this.#events) {
      writeFileSync(path.join(dataDir, 'events.jsonl'), this.#events.toJsonLines());
      addFile('data/events.jsonl', 'events');
    }

    const net = this.#network ? describeNetwork(this.#network) : undefined;
    const programs = [...new Set([...(net?.programs ?? []), ...this.#programs])].map((p) => {
      const source = readFileSync(p, 'utf8');
      return { path: repoRelative(p), sha256: sha256(source), source };
    });
    const notebook = this.#notebook && existsSync(this.#notebook)
      ? { path: repoRelative(this.#notebook), sha256: sha256(readFileSync(this.#notebook)) }
      : undefined;

    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      title: this.#title,
      created: new Date().toISOString(),
      ...collectEnvironment(),
      backend: net?.backend ?? { switches: [], hosts: [] },
      ...(net ? { topology: net.topology } : {}),
      programs,
      events,
      table_entries: this.#network ? await snapshotTables(this.#network) : [],
      impairments: events.filter((e) => e.kind === 'link_change'),
      seeds: { ...this.#seeds },
      params: this.#params ?? recordedParams() ?? {},
      ...(notebook ? { notebook } : {}),
      ...(origin !== undefined ? { origin_ns: origin.toString() } : {}),
      metrics: { ...this.#metrics },
      files,
    };

    const sections = await Promise.all(this.#sections.map(async (s) => (s.kind === 'plot' ? { kind: 'svg' as const, svg: await renderSvg(s.plot), ...(s.caption ? { caption: s.caption } : {}) } : s)));
    const html = path.join(this.dir, 'report.html');
    writeFileSync(html, renderReportHtml(manifest, sections));
    writeFileSync(path.join(this.dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    return { dir: this.dir, manifest, html };
  }

  #manifestEvents(origin: bigint | undefined): ManifestEvent[] {
    return (this.#events?.events ?? []).map((e) => ({
      t_ns: e.t_ns.toString(),
      ...(origin !== undefined ? { t_s: Number(e.t_ns - origin) / 1e9 } : {}),
      kind: e.kind,
      label: e.label,
      detail: e.detail as unknown as Record<string, unknown>,
    }));
  }
}
