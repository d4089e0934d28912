// `p4lab inspect`: what a running network consists of, and whether its
// processes are still alive.
import type { Command } from 'commander';
import { readState, resolveNetwork, runningNetworks, type NetworkState } from '../../emulation/state.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** The network's nodes and links as text tables. */
export function formatState(s: NetworkState): string {
  const nodes = [['NODE', 'KIND', 'ADDRESS', 'MAC', 'WHERE', 'PROCESS']];
  for (const n of s.nodes) {
    const kind = n.kind === 'host' ? `host/${n.backend}` : n.kind;
    const where = n.namespace ?? (n.containerId ? `container ${n.containerId.slice(0, 12)}` : n.grpc ? `grpc ${n.grpc} device ${n.deviceId}` : '');
    const proc = n.pid ? `${n.pid} ${alive(n.pid) ? 'running' : 'DEAD'}` : '';
    nodes.push([n.name, kind, n.ip ?? '', n.mac ?? '', where, proc]);
  }
  const links = [['LINK', 'PORTS', 'INTERFACES', 'STATE', 'EMULATION']];
  for (const l of s.links) {
    const emu = Object.entries(l.emulation).map(([k, v]) => `${k}=${v}`).join(' ');
    links.push([`${l.a}-${l.b}`, `${l.portA}-${l.portB}`, `${l.ifA} ${l.ifB}`, l.up ? 'up' : 'down', emu]);
  }
  return table(nodes) + '\n' + (s.links.length ? table(links) : 'no links\n');
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .summary('show the nodes, addresses, processes and links of a running network')
    .description('Show a running network: each node with its kind, address, MAC, namespace/container/gRPC address and process state, and each link with its ports, interfaces, state and emulation. Without a name and with several networks running, lists them.')
    .argument('[name]', 'network name (default: the only running network)')
    .option('--json', 'print the state file as JSON')
    .action((name: string | undefined, opts: { json?: boolean }) => {
      const running = runningNetworks();
      if (name === undefined && running.length > 1) {
        process.stdout.write(`running networks:\n${running.map((n) => `  ${n}\n`).join('')}`);
        return;
      }
      const s = readState(resolveNetwork(name));
      process.stdout.write(opts.json ? JSON.stringify(s, null, 2) + '\n' : `network ${s.name} (started ${s.started} by pid ${s.pid})\n\n${formatState(s)}`);
    });
}
