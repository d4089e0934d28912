// The manifest of a report (manifest.json): everything needed to know what
// ran and to run it again. Versioned, and validated when read, so a replay
// or diff of a damaged or foreign file fails with the field to fix.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { P4labError } from '../errors.js';
import type { Params } from '../notebooks/params.js';

export const MANIFEST_FORMAT = 'p4lab-report';
export const MANIFEST_VERSION = 1;

/** A headline figure. `tolerance` says how far a replay may land and still count as reproduced. */
export interface Metric {
  value: number;
  unit: string;
  description?: string;
  /** Absolute and/or relative (fraction of the original) difference allowed; the larger wins. */
  tolerance?: { abs?: number; rel?: number };
}

export interface ManifestNode {
  name: string;
  kind: 'host' | 'p4switch' | 'bridge';
  backend?: 'netns' | 'docker' | 'p4lab' | 'bmv2';
  ip?: string;
  program?: string;
}

export interface ManifestLink {
  a: string;
  b: string;
  portA: number;
  portB: number;
  /** Settings at the end of the run, as written ('20ms', '1%'). */
  settings: Record<string, string | number>;
}

export interface ManifestProgram {
  /** As given (relative to the repository when inside it). */
  path: string;
  sha256: string;
  source: string;
}

/** One control action, from the EventLog: t_ns as a decimal string, t_s from the run's origin. */
export interface ManifestEvent {
  t_ns: string;
  t_s?: number;
  kind: string;
  label: string;
  detail: Record<string, unknown>;
}

/** The entries of one table at the end of the run (values as hex strings). */
export interface ManifestTable {
  switch: string;
  table: string;
  entries: Record<string, unknown>[];
}

export interface ManifestFile {
  /** Relative to the report directory. */
  name: string;
  kind: 'trace' | 'table' | 'events' | 'plot';
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  title: string;
  created: string;
  p4lab: { version: string; commit?: string; dirty?: boolean };
  environment: { node: string; kernel: string; os?: string; docker?: string; tslab?: string };
  /** Switch targets and host backends that ran. */
  backend: { switches: string[]; hosts: string[] };
  topology?: { name: string; nodes: ManifestNode[]; links: ManifestLink[] };
  programs: ManifestProgram[];
  /** Every table entry, register write, pipeline push and link change, in time order. */
  events: ManifestEvent[];
  /** Every table entry on the switches when the report was written. */
  table_entries: ManifestTable[];
  /** The link changes alone: when, which link, what. */
  impairments: ManifestEvent[];
  seeds: Record<string, number>;
  params: Params;
  /** The notebook that made the report: replay runs it again. Path relative to the repository when inside it. */
  notebook?: { path: string; sha256: string };
  /** CLOCK_REALTIME ns of the run's time origin, as a decimal string. */
  origin_ns?: string;
  metrics: Record<string, Metric>;
  files: ManifestFile[];
}

type Json = Record<string, unknown>;

/** Reads and validates DIR/manifest.json. */
export function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) throw new P4labError(`${dir} is not a report: it has no manifest.json`, 'give a directory written by a notebook\'s report (e.g. reports/quickstart)');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new P4labError(`${file} is not JSON`, 'regenerate the report');
  }
  return validateManifest(raw, file);
}

export function validateManifest(raw: unknown, where: string): Manifest {
  const fail = (field: string, want: string) => new P4labError(`${where}: ${field} ${want}`, 'regenerate the report, or fix that field');
  if (!isObject(raw)) throw fail('the top level', 'must be an object');
  if (raw.format !== MANIFEST_FORMAT) throw fail('format', `must be "${MANIFEST_FORMAT}"`);
  if (raw.version !== MANIFEST_VERSION) {
    throw new P4labError(`${where}: manifest version ${JSON.stringify(raw.version)} is not supported`, `this p4lab reads version ${MANIFEST_VERSION}; use the p4lab that wrote it`);
  }
  for (const k of ['title', 'created'] as const) if (typeof raw[k] !== 'string') throw fail(k, 'must be a string');
  if (!isObject(raw.p4lab) || typeof raw.p4lab.version !== 'string') throw fail('p4lab.version', 'must be a string');
  if (!isObject(raw.environment) || typeof raw.environment.node !== 'string' || typeof raw.environment.kernel !== 'string') throw fail('environment', 'must name node and kernel');
  if (!isObject(raw.backend) || !isStringArray(raw.backend.switches) || !isStringArray(raw.backend.hosts)) throw fail('backend', 'must list switches and hosts');
  if (raw.topology !== undefined && (!isObject(raw.topology) || !Array.isArray(raw.topology.nodes) || !Array.isArray(raw.topology.links))) throw fail('topology', 'must hold nodes and links');
  if (!Array.isArray(raw.programs) || !raw.programs.every((p) => isObject(p) && typeof p.path === 'string' && /^[0-9a-f]{64}$/.test(String(p.sha256)) && typeof p.source === 'string')) {
    throw fail('programs', 'must be a list of {path, sha256, source}');
  }
  for (const k of ['events', 'impairments'] as const) {
    const list = raw[k];
    if (!Array.isArray(list) || !list.every((e) => isObject(e) && typeof e.t_ns === 'string' && typeof e.kind === 'string' && typeof e.label === 'string' && isObject(e.detail))) {
      throw fail(k, 'must be a list of {t_ns, kind, label, detail}');
    }
  }
  if (!Array.isArray(raw.table_entries) || !raw.table_entries.every((t) => isObject(t) && typeof t.switch === 'string' && typeof t.table === 'string' && Array.isArray(t.entries))) {
    throw fail('table_entries', 'must be a list of {switch, table, entries}');
  }
  if (!isObject(raw.seeds) || !Object.values(raw.seeds).every((v) => typeof v === 'number')) throw fail('seeds', 'must map names to numbers');
  if (!isObject(raw.params) || !Object.values(raw.params).every((v) => ['number', 'string', 'boolean'].includes(typeof v))) throw fail('params', 'must map names to numbers, strings or booleans');
  if (raw.notebook !== undefined && (!isObject(raw.notebook) || typeof raw.notebook.path !== 'string' || typeof raw.notebook.sha256 !== 'string')) throw fail('notebook', 'must be {path, sha256}');
  if (!isObject(raw.metrics)) throw fail('metrics', 'must be an object');
  for (const [name, m] of Object.entries(raw.metrics)) {
    if (!isObject(m) || typeof m.value !== 'number' || typeof m.unit !== 'string') throw fail(`metrics.${name}`, 'must be {value: number, unit: string}');
  }
  if (!Array.isArray(raw.files) || !raw.files.every((f) => isObject(f) && typeof f.name === 'string' && typeof f.sha256 === 'string' && !f.name.includes('..'))) {
    throw fail('files', 'must be a list of {name, kind, sha256, bytes} inside the report');
  }
  return raw as unknown as Manifest;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
