// `p4lab cleanup`: removes what a network left behind, also after the process
// that started it was killed; touches only what carries a p4lab network's id.
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';
import { cleanup, describeLeftovers } from '../../emulation/cleanup.js';
import { checkNetworkName } from '../../emulation/naming.js';

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .summary("remove a network's leftovers (processes, containers, interfaces, namespaces)")
    .description(
      'Remove everything a p4lab network created: processes tagged with its name, containers labelled with it, ' +
        'interfaces and bridges named p4<id>-…, namespaces named p4lab.<network>.…, and /run/p4lab/<network>/. ' +
        'Works after the notebook or CLI that started the network was killed. Never touches bridges, namespaces or containers p4lab did not create.',
    )
    .argument('[name]', 'network name')
    .option('--all', 'clean up every p4lab network')
    .action(async (name: string | undefined, opts: { all?: boolean }) => {
      if ((name === undefined) === !opts.all) throw new P4labError('give a network name or --all (not both)', 'e.g. `p4lab cleanup lab1` or `p4lab cleanup --all`');
      if (name !== undefined) checkNetworkName(name);
      const removed = await cleanup(name);
      process.stdout.write(`${name ? `network ${name}` : 'all p4lab networks'}: removed ${describeLeftovers(removed)}\n`);
    });
}
