// `p4lab diff A B`: what differs between two reports.
import type { Command } from 'commander';
import { diffManifests, formatDiff } from '../../reports/compare.js';
import { readManifest } from '../../reports/manifest.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .summary('compare two reports: metrics, parameters, P4 programs')
    .description("Print the headline metrics of two reports side by side (B against A's tolerance), then the parameters, P4 program hashes and versions that differ.")
    .argument('<a>', 'a report directory')
    .argument('<b>', 'another report directory')
    .action((a: string, b: string) => {
      console.log(formatDiff(diffManifests(readManifest(a), readManifest(b)), [a, b]));
    });
}
