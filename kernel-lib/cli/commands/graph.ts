// `p4lab graph`: draws a topology file as SVG.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';

export function registerGraph(program: Command): void {
  program
    .command('graph')
    .summary('draw a topology file as SVG')
    .description('Draw the network a topology file describes as a standalone SVG (hosts as circles, dashed for Docker hosts; P4 switches as rounded boxes; bridges as boxes; link emulation on the links). The same SVG shows inline in notebooks.')
    .argument('<topology>', 'topology file (.yaml, .yml or .json)')
    .option('-o, --output <file>', 'write the SVG here instead of stdout')
    .action(async (file: string, opts: { output?: string }) => {
      const [{ topologySvg }, { loadTopology }] = await Promise.all([import('../../emulation/graph.js'), import('../../emulation/topology-file.js')]);
      const svg = topologySvg(loadTopology(file));
      if (opts.output) writeFileSync(opts.output, svg);
      else process.stdout.write(svg);
    });
}
