// `p4lab notebook run`: executes a notebook headless with parameters.
import path from 'node:path';
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';
import { cellProgress } from '../../notebooks/cli-progress.js';
import { readNotebookMeta, runNotebook } from '../../notebooks/runner.js';

interface RunOpts {
  param?: string[];
  ci?: boolean;
  report?: string;
  output?: string;
  timeout: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function parseParamArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new P4labError(`--param ${a} is not key=value`, 'write e.g. --param rate_pps=500');
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

export function registerNotebook(program: Command): void {
  const nb = program.command('notebook').summary('run notebooks headless (CI, batch runs)');
  nb.command('run')
    .summary('execute a notebook with the tslab kernel')
    .description(
      'Execute every cell of a notebook headless (nbconvert\'s executor, tslab kernel), with parameters the notebook reads through ' +
        'notebookParams(). Shows which cell runs; on an error, names the cell, its source line and the error, and stops.',
    )
    .argument('<notebook>', 'an .ipynb file, e.g. notebooks/01-quickstart.ipynb')
    .option('-p, --param <key=value>', 'override a notebook parameter (repeatable)', collect)
    .option('--ci', "use the notebook's short CI settings (metadata.p4lab.ci_params); --param overrides them")
    .option('-r, --report <dir>', "write the notebook's report here")
    .option('-o, --output <file>', 'the executed notebook (default: DIR/notebook.ipynb with --report, else NAME.out.ipynb)')
    .option('-t, --timeout <s>', 'seconds one cell may run', '600')
    .action(async (file: string, opts: RunOpts) => {
      const timeout = Number(opts.timeout);
      if (!Number.isInteger(timeout) || timeout <= 0) throw new P4labError(`--timeout ${opts.timeout} is not a whole number of seconds`);
      const params = { ...(opts.ci ? readNotebookMeta(file).ci_params : {}), ...parseParamArgs(opts.param ?? []) };
      const progress = cellProgress(path.basename(file));
      try {
        const r = await runNotebook(file, {
          params,
          timeout_s: timeout,
          onCell: progress.onCell,
          ...(opts.report ? { reportDir: opts.report } : {}),
          ...(opts.output ? { output: opts.output } : {}),
        });
        progress.done();
        console.log(`ran ${r.codeCells} cells in ${r.seconds.toFixed(1)} s; executed notebook: ${path.relative(process.cwd(), r.output)}`);
        if (opts.report) console.log(`report: ${path.relative(process.cwd(), path.resolve(opts.report, 'report.html'))}`);
      } finally {
        progress.done();
      }
    });
}
