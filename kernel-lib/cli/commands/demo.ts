// `p4lab demo` (npm run demo): runs the quickstart notebook headless into
// reports/quickstart/ and prints where the report is and its headline figures.
import path from 'node:path';
import type { Command } from 'commander';
import { cellProgress } from '../../notebooks/cli-progress.js';
import { runNotebook } from '../../notebooks/runner.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { readManifest } from '../../reports/manifest.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('run the quickstart notebook and write reports/quickstart/')
    .action(async () => {
      const notebook = path.join(PACKAGE_ROOT, 'notebooks/01-quickstart.ipynb');
      const dir = path.join(PACKAGE_ROOT, 'reports/quickstart');
      const progress = cellProgress('01-quickstart');
      const r = await runNotebook(notebook, { reportDir: dir, onCell: progress.onCell }).finally(() => progress.done());
      const m = readManifest(dir);
      console.log(`\nquickstart ran in ${r.seconds.toFixed(0)} s`);
      console.log(`report:   ${path.join(dir, 'report.html')}  (open it in a browser; it works offline)`);
      console.log(`notebook: ${r.output}`);
      console.log('headline figures:');
      const width = Math.max(...Object.keys(m.metrics).map((k) => k.length));
      for (const [name, metric] of Object.entries(m.metrics)) {
        console.log(`  ${name.padEnd(width)}  ${Number(metric.value.toPrecision(4))} ${metric.unit}${metric.description ? `  (${metric.description})` : ''}`);
      }
      console.log(`rerun and compare: p4lab replay ${path.relative(process.cwd(), dir) || dir}`);
    });
}
