// `p4lab replay DIR`: reruns a report's notebook with its recorded parameters
// and prints each headline metric beside the original.
import path from 'node:path';
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';
import { cellProgress } from '../../notebooks/cli-progress.js';
import { formatMetricComparison } from '../../reports/compare.js';
import { replayReport } from '../../reports/replay.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .summary("rerun a report's experiment and compare its metrics")
    .description(
      "Run the report's notebook again with the parameters its manifest recorded, into a new report directory, and print each " +
        'headline metric beside the original with the difference. Exits with 1 when a metric lands outside its tolerance.',
    )
    .argument('<report>', 'a report directory, e.g. reports/quickstart')
    .option('-o, --out <dir>', 'the new report (default: REPORT-replay)')
    .option('-t, --timeout <s>', 'seconds one cell may run', '600')
    .action(async (dir: string, opts: { out?: string; timeout: string }) => {
      const timeout = Number(opts.timeout);
      if (!Number.isInteger(timeout) || timeout <= 0) throw new P4labError(`--timeout ${opts.timeout} is not a whole number of seconds`);
      const progress = cellProgress(`replay ${path.basename(dir)}`);
      const r = await replayReport(dir, { timeout_s: timeout, onCell: progress.onCell, ...(opts.out ? { out: opts.out } : {}) }).finally(() => progress.done());
      if (r.notebookChanged) console.log(`note: ${r.original.notebook!.path} changed since the report was made`);
      console.log(`replayed into ${path.relative(process.cwd(), r.dir) || r.dir}`);
      console.log(formatMetricComparison(r.metrics, ['original', 'replay']));
      if (r.metrics.some((m) => m.within !== true)) process.exitCode = 1;
    });
}
