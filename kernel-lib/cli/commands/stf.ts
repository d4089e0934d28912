// `p4lab stf`: run a p4c STF test (packets in, packets expected out) against
// a P4 program compiled and run by p4lab.
import type { Command } from 'commander';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function registerStf(program: Command): void {
  program
    .command('stf')
    .summary('run a p4c STF test against a P4 program')
    .description(
      'Compile a P4-16 v1model program with p4lab, run it in the in-process switch and play a p4c STF file against it: packet, expect ' +
        '(`*` any nibble, final `$` exact length), add, setdefault, mirroring_add, mc_mgrp_create, mc_node_create, mc_node_associate, ' +
        'register_write. Prints each unmet expectation with the first differing byte; the exit code is 1 on any mismatch.',
    )
    .argument('<program>', 'the P4-16 source file (.p4)')
    .argument('<test>', 'the STF file')
    .option('-I, --include <dir>', 'also search this directory for #include (repeatable)', collect)
    // Loaded when it runs, like the compiler it uses.
    .action(async (file: string, test: string, opts: { include?: string[] }) => {
      const { formatStfResult, runStfFiles } = await import('../../stf/index.js');
      const result = runStfFiles(file, test, { includeDirs: opts.include ?? [] });
      const text = formatStfResult(result);
      (result.ok ? process.stdout : process.stderr).write(`${text}\n`);
      if (!result.ok) process.exitCode = 1;
    });
}
