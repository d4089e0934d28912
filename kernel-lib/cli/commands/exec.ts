// `p4lab exec`: runs a command in a host of a running network, with the
// terminal attached, and exits with the command's status.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';
import { PROCESS_ENV } from '../../emulation/naming.js';
import { readState, resolveNetwork } from '../../emulation/state.js';

export function registerExec(program: Command): void {
  program
    .command('exec')
    .summary('run a command in a host of a running network')
    .description('Run a command inside a host (its network namespace, or its container) of a running network, e.g. `p4lab exec h1 -- ping -c 3 10.0.0.2`. Exits with the command\'s status.')
    .argument('<node>', 'host name')
    .argument('<command...>', 'the command and its arguments (after --)')
    .option('--net <name>', 'network name (default: the only running network)')
    .action(async (node: string, command: string[], opts: { net?: string }) => {
      const s = readState(resolveNetwork(opts.net));
      const n = s.nodes.find((x) => x.name === node);
      if (!n) throw new P4labError(`network ${s.name} has no node named ${node}`, `hosts are: ${s.nodes.filter((x) => x.kind === 'host').map((x) => x.name).join(', ')}`);
      if (n.kind !== 'host') throw new P4labError(`${node} is a ${n.kind}; exec runs commands in hosts`, 'talk to switches with P4Runtime (grpc address in `p4lab inspect`)');
      const argv = n.namespace
        ? ['ip', 'netns', 'exec', n.namespace, ...command]
        : ['docker', 'exec', ...(process.stdin.isTTY ? ['-it'] : ['-i']), '-e', `${PROCESS_ENV}=${s.name}`, n.containerId!, ...command];
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: { ...process.env, [PROCESS_ENV]: s.name } });
        child.on('error', (e) => reject(new P4labError(`host ${node}: cannot run ${argv[0]}: ${e.message}`)));
        child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
      });
      process.exitCode = code;
    });
}
