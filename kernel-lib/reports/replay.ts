// Replay: runs a report's notebook again with the recorded parameters into a
// new directory, and compares the headline metrics.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { P4labError } from '../errors.js';
import { runNotebook } from '../notebooks/runner.js';
import { compareMetrics, type MetricComparison } from './compare.js';
import { fromRepo, sha256 } from './environment.js';
import { readManifest, type Manifest } from './manifest.js';

export interface ReplayOptions {
  /** Directory of the new report; default DIR-replay beside the original. */
  out?: string;
  timeout_s?: number;
  onCell?: (codeCell: number, codeCells: number) => void;
}

export interface ReplayResult {
  original: Manifest;
  replay: Manifest;
  dir: string;
  metrics: MetricComparison[];
  /** The notebook's file differs from the one that made the report. */
  notebookChanged: boolean;
}

export async function replayReport(dir: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const original = readManifest(dir);
  if (!original.notebook) {
    throw new P4labError(`${dir} names no notebook, so it cannot be replayed`, 'write reports from a notebook run by `p4lab notebook run`, or pass `notebook:` to new Report()');
  }
  const notebook = fromRepo(original.notebook.path);
  if (!existsSync(notebook)) throw new P4labError(`the report's notebook ${original.notebook.path} is missing`, 'restore it (git checkout) and replay again');
  const out = path.resolve(options.out ?? `${path.resolve(dir)}-replay`);
  if (out === path.resolve(dir)) throw new P4labError('the replay would overwrite the report it replays', 'give another --out directory');
  await runNotebook(notebook, {
    params: original.params,
    reportDir: out,
    ...(options.timeout_s !== undefined ? { timeout_s: options.timeout_s } : {}),
    ...(options.onCell ? { onCell: options.onCell } : {}),
  });
  const replay = readManifest(out);
  return {
    original,
    replay,
    dir: out,
    metrics: compareMetrics(original.metrics, replay.metrics),
    notebookChanged: sha256(readFileSync(notebook)) !== original.notebook.sha256,
  };
}
