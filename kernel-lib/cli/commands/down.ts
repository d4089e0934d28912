// `p4lab down`: stops a running network and removes everything it created.
import type { Command } from 'commander';
import { cleanup, describeLeftovers } from '../../emulation/cleanup.js';
import { readState, resolveNetwork } from '../../emulation/state.js';

export function registerDown(program: Command): void {
  program
    .command('down')
    .summary('stop a running network and remove what it created')
    .description('Stop a network started by `p4lab up` (or by a notebook): kill its switch and host processes, remove its containers, interfaces, bridges and namespaces, and its run directory.')
    .argument('[name]', 'network name (default: the only running network)')
    .action(async (name: string | undefined) => {
      const net = resolveNetwork(name);
      readState(net); // says clearly when no such network runs
      const removed = await cleanup(net);
      process.stdout.write(`network ${net} is down (removed ${describeLeftovers(removed)})\n`);
    });
}
