// Finding and removing what networks left on the machine, by the names and
// labels p4lab gives everything it creates (naming.ts). Works without the
// process that started the network, and touches nothing p4lab did not create.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { containersOfNetwork, removeContainer } from './docker/engine.js';
import { ANY_ROOT_IF, deviceGroup, namespaceNetwork, rootIfPrefix } from './naming.js';
import { RUN_ROOT, runDir } from './paths.js';
import { processesOfNetwork } from './processes.js';
import { runRaw } from './run.js';

export interface Leftovers {
  processes: number[];
  containers: string[];
  interfaces: string[];
  namespaces: string[];
  runDir: boolean;
}

function rootInterfaces(network: string | undefined): string[] {
  const names = readdirSync('/sys/class/net');
  return network === undefined ? names.filter((n) => ANY_ROOT_IF.test(n)) : names.filter((n) => n.startsWith(rootIfPrefix(network)));
}

/**
 * `ip` lines deleting the network's root-namespace interfaces: its device
 * group in one go when the group holds nothing else (one kernel
 * synchronisation instead of one per interface), and one by one whatever is
 * not in it (or everything, when something else joined the group).
 */
function interfaceDeletions(network: string | undefined, interfaces: string[]): string[] {
  const single = (names: string[]): string[] => names.map((i) => `link del ${i}`);
  if (network === undefined || interfaces.length === 0) return single(interfaces);
  const group = String(deviceGroup(network));
  const members = readdirSync('/sys/class/net').filter((n) => groupOf(n) === group);
  if (members.length === 0 || members.some((m) => !interfaces.includes(m))) return single(interfaces);
  return [`link del group ${group}`, ...single(interfaces.filter((i) => !members.includes(i)))];
}

function groupOf(ifname: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${ifname}/netdev_group`, 'utf8').trim();
  } catch {
    return undefined; // gone meanwhile
  }
}

function namespaces(network: string | undefined): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((ns) => {
    const owner = namespaceNetwork(ns);
    return owner !== undefined && (network === undefined || owner === network);
  });
}

/** What exists of the network (of every p4lab network when undefined). */
export async function findLeftovers(network: string | undefined): Promise<Leftovers> {
  return {
    processes: processesOfNetwork(network),
    containers: await containersOfNetwork(network),
    interfaces: rootInterfaces(network),
    namespaces: namespaces(network),
    runDir: network === undefined ? existsSync(RUN_ROOT) && readdirSync(RUN_ROOT).length > 0 : existsSync(runDir(network)),
  };
}

export function isEmpty(l: Leftovers): boolean {
  return !l.runDir && [l.processes, l.containers, l.interfaces, l.namespaces].every((a) => a.length === 0);
}

export function describeLeftovers(l: Leftovers): string {
  const parts = [
    [l.processes.length, 'process(es)'],
    [l.containers.length, 'container(s)'],
    [l.interfaces.length, 'interface(s)'],
    [l.namespaces.length, 'namespace(s)'],
  ].filter(([n]) => n !== 0).map(([n, what]) => `${n} ${what}`);
  if (l.runDir) parts.push('a run directory');
  return parts.join(', ') || 'nothing';
}

/**
 * Removes everything of the network (of every p4lab network when undefined):
 * processes first (they may hold interfaces), then containers, root-namespace
 * interfaces and bridges, namespaces, and the run directory. Returns what it found.
 */
export async function cleanup(network: string | undefined): Promise<Leftovers> {
  const found = await findLeftovers(network);
  for (const pid of found.processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
  await Promise.all(found.containers.map(removeContainer));
  // -force: keep going when a veth already went with its peer.
  const lines = [...interfaceDeletions(network, found.interfaces), ...found.namespaces.map((ns) => `netns del ${ns}`)];
  if (lines.length) await runRaw(['ip', '-force', '-batch', '-'], { input: lines.join('\n') + '\n' });
  if (network === undefined) rmSync(RUN_ROOT, { recursive: true, force: true });
  else rmSync(runDir(network), { recursive: true, force: true });
  return found;
}
