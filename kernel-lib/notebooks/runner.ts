// Runs a notebook headless: nbclient (nbconvert's executor) with the tslab
// kernel, parameters passed through the environment (params.ts), progress as
// each cell starts, and a short message naming the failing cell.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { P4labError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { describeCellFailure } from './cell-error.js';
import { cleanupNetworksOf } from './restart-cleanup.js';
import { NOTEBOOK_ENV, PARAMS_ENV, REPORT_DIR_ENV, type ParamValue } from './params.js';

const PYTHON = '/usr/bin/python3'; // Debian's, with Jupyter; a pyenv python3 earlier on PATH has none
const KERNEL = 'tslab';
// This checkout's own kernel spec (scripts/setup.d/50-notebooks.sh), searched
// before the system-wide one, which may point at another checkout.
const JUPYTER_DATA = path.join(PACKAGE_ROOT, 'build/jupyter/share/jupyter');
const KERNEL_SPEC = path.join(JUPYTER_DATA, 'kernels/tslab/kernel.json');
const DRIVER = path.join(PACKAGE_ROOT, 'kernel-lib/notebooks/execute_notebook.py');

export interface NotebookRunOptions {
  /** Overrides of the notebook's notebookParams() defaults. */
  params?: Record<string, ParamValue>;
  /** Directory for the notebook's report (a Report's dir gives way to it). */
  reportDir?: string;
  /** Where the executed notebook goes; default beside the report (notebook.ipynb), else NAME.out.ipynb in the working directory. */
  output?: string;
  /** Seconds one cell may run; default 600. */
  timeout_s?: number;
  /** Called as each code cell starts. */
  onCell?: (codeCell: number, codeCells: number) => void;
  /** Told about networks the notebook left running, which the runner removed after the kernel exited. */
  onCleanup?: (message: string) => void;
}

export interface NotebookRunResult {
  notebook: string;
  output: string;
  codeCells: number;
  seconds: number;
}

export interface NotebookMeta {
  /** The short parameters CI runs the notebook with. */
  ci_params: Record<string, ParamValue>;
}

function readNotebookJson(file: string): { cells?: unknown[]; metadata?: Record<string, unknown> } {
  if (!existsSync(file)) throw new P4labError(`notebook ${file} does not exist`, 'give the path of an .ipynb file, e.g. notebooks/01-quickstart.ipynb');
  try {
    const nb = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof nb !== 'object' || nb === null || !Array.isArray((nb as { cells?: unknown }).cells)) throw new Error('no cells');
    return nb as { cells: unknown[]; metadata?: Record<string, unknown> };
  } catch {
    throw new P4labError(`${file} is not a Jupyter notebook`, 'give an .ipynb file (JSON with a cells list)');
  }
}

/** The notebook's p4lab metadata (`metadata.p4lab.ci_params`). */
export function readNotebookMeta(file: string): NotebookMeta {
  const p4lab = readNotebookJson(file).metadata?.p4lab as { ci_params?: unknown } | undefined;
  const ci = p4lab?.ci_params ?? {};
  if (typeof ci !== 'object' || ci === null || Array.isArray(ci) || !Object.values(ci).every((v) => ['number', 'string', 'boolean'].includes(typeof v))) {
    throw new P4labError(`${file}: metadata.p4lab.ci_params must map parameter names to numbers, strings or booleans`);
  }
  return { ci_params: ci as Record<string, ParamValue> };
}

function checkJupyter(): void {
  if (!existsSync(PYTHON) || !existsSync(KERNEL_SPEC)) {
    throw new P4labError('Jupyter with the tslab kernel is not set up', 'run `npm run setup` (as root) once');
  }
}

interface DriverEvent {
  event: 'plan' | 'kernel' | 'cell' | 'error' | 'done';
  pid?: number;
  cells?: number;
  code_cell?: number | null;
  index?: number | null;
  source?: string;
  ename?: string;
  evalue?: string;
}

export async function runNotebook(notebook: string, options: NotebookRunOptions = {}): Promise<NotebookRunResult> {
  const file = path.resolve(notebook);
  readNotebookJson(file);
  checkJupyter();
  const reportDir = options.reportDir === undefined ? undefined : path.resolve(options.reportDir);
  const output = path.resolve(options.output ?? (reportDir ? path.join(reportDir, 'notebook.ipynb') : `${path.basename(file, '.ipynb')}.out.ipynb`));
  mkdirSync(path.dirname(output), { recursive: true });
  const timeout = options.timeout_s ?? 600;
  if (!Number.isInteger(timeout) || timeout <= 0) throw new P4labError(`timeout ${timeout} is not a whole number of seconds > 0`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `/usr/bin:${process.env.PATH ?? ''}`,
    JUPYTER_PATH: [JUPYTER_DATA, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    [NOTEBOOK_ENV]: file,
    [PARAMS_ENV]: JSON.stringify(options.params ?? {}),
  };
  if (reportDir) env[REPORT_DIR_ENV] = reportDir;
  else delete env[REPORT_DIR_ENV];

  const started = process.hrtime.bigint();
  const child = spawn(PYTHON, [DRIVER, file, output, String(timeout), KERNEL], { cwd: path.dirname(file), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? 1)));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let codeCells = 0;
  let failure: DriverEvent | undefined;
  let total = 0;
  let kernelPid: number | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    let ev: DriverEvent;
    try {
      ev = JSON.parse(line) as DriverEvent;
    } catch {
      continue; // a stray print from a library
    }
    if (ev.event === 'plan') codeCells = ev.cells ?? 0;
    else if (ev.event === 'kernel') kernelPid = ev.pid;
    else if (ev.event === 'cell' && ev.code_cell) options.onCell?.(ev.code_cell, codeCells);
    else if (ev.event === 'error') failure = ev;
    total++;
  }
  const code = await exited;
  if (kernelPid !== undefined) for (const m of await cleanupNetworksOf(kernelPid)) (options.onCleanup ?? console.error)(m);
  if (failure) {
    throw new P4labError(
      `${path.relative(process.cwd(), file) || file}: ${describeCellFailure({
        codeCell: failure.code_cell ?? 0,
        codeCells,
        cell: (failure.index ?? 0) + 1,
        source: failure.source ?? '',
        ename: failure.ename ?? '',
        evalue: failure.evalue ?? '',
      })}\n  outputs up to the failure: ${output}`,
    );
  }
  if (code !== 0 || total === 0) {
    const last = stderr.trim().split('\n').filter((l) => !/Warning|validate\(nb\)/.test(l)).slice(-3).join('\n');
    throw new P4labError(`running ${file} failed before any cell ran: ${last || `exit code ${code}`}`, 'check that `npm run setup` completed (Jupyter and the tslab kernel)');
  }
  return { notebook: file, output, codeCells, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
