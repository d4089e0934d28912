// `p4lab up`: starts the network a topology file describes and leaves it
// running after the CLI exits.
import type { Command } from 'commander';
import { readState } from '../../emulation/state.js';
import { formatState } from './inspect.js';

export function registerUp(program: Command): void {
  program
    .command('up')
    .summary('start the network a topology file describes')
    .description(
      'Start an emulated network from a YAML or JSON topology file: hosts (network namespaces or Docker containers), ' +
        'P4 switches (compiled, started, programmed, command file applied), Linux bridges and links with their emulation. ' +
        'Returns when everything is ready; the network keeps running after this command exits ' +
        '(state in /run/p4lab/<name>/); use `p4lab exec`, `p4lab inspect` and `p4lab down` on it.',
    )
    .argument('<topology>', 'topology file (.yaml, .yml or .json)')
    .addHelpText(
      'after',
      [
        '',
        'Topology file:',
        '  name: lab1                      # names every namespace, interface and container',
        '  addressing: l2                  # l2 (one subnet) | mixed (a /24 per switch) | l3 (a /24 per host)',
        '  nodes:',
        '    h1: { kind: host }                                  # a network namespace',
        '    h2: { kind: host, backend: docker, image: vnf-base, cpus: 0.5, memory: 256m }',
        '    s1: { kind: p4switch, program: p4/l2_forwarder.p4, commands: s1.txt }',
        '    b1: { kind: bridge }                                # a plain Linux bridge',
        '  links:',
        '    - endpoints: [h1, "s1:1"]     # node, or node:port to pin a switch port',
        '      delay: 10ms                 # also jitter, loss (1%), rate (10Mbit), queue (packets)',
        '',
        'Delay, jitter and loss need a P4 switch on the link (emulated on its port); other links take rate and queue (tbf).',
      ].join('\n'),
    )
    .action(async (file: string) => {
      // Loaded here: registering commands must stay cheap (every CLI run pays for it).
      const { loadTopology, networkFromTopology } = await import('../../emulation/topology-file.js');
      const spec = loadTopology(file);
      const net = networkFromTopology(spec);
      await net.start();
      await net.detach();
      process.stdout.write(`network ${net.name} is up\n${formatState(readState(net.name))}`);
    });
}
