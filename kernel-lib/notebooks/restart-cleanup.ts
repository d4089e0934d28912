// Cleanup on kernel restart: a notebook whose kernel died (restart, crash)
// leaves its network behind; the next start of a network of the same name
// from a notebook removes those leftovers, once it has checked that the
// process which started them is gone, and says what it removed.
import { P4labError } from '../errors.js';
import { cleanupNetwork, findLeftovers, type Leftovers, type Network } from '../emulation/index.js';
import { readState, runningNetworks } from '../emulation/state.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(network: string): number | undefined {
  try {
    return readState(network).pid;
  } catch {
    return undefined; // no state file: leftovers without an owner on record
  }
}

function summary(l: Leftovers): string {
  const parts = [
    l.processes.length ? `${l.processes.length} process(es) (pid ${l.processes.join(', ')})` : '',
    l.containers.length ? `${l.containers.length} container(s)` : '',
    l.namespaces.length ? `namespaces ${l.namespaces.join(', ')}` : '',
    l.interfaces.length ? `interfaces ${l.interfaces.join(', ')}` : '',
    l.runDir ? 'its run directory' : '',
  ].filter(Boolean);
  return parts.join('; ');
}

/**
 * Removes what an earlier kernel left of `name`, when that kernel is gone
 * (or is this one: the cell that starts the network ran again). Returns the
 * message it printed, or undefined when there was nothing to clean.
 */
export async function cleanupAfterRestart(name: string): Promise<string | undefined> {
  const left = await findLeftovers(name);
  const empty = !left.runDir && left.processes.length + left.containers.length + left.interfaces.length + left.namespaces.length === 0;
  if (empty) return undefined;
  const owner = ownerOf(name);
  if (owner !== undefined && owner !== process.pid && alive(owner)) {
    throw new P4labError(
      `network ${name} is running, started by process ${owner}, which is still alive`,
      `stop it there, or run \`p4lab down ${name}\`; or give this notebook's network another name`,
    );
  }
  const why = owner === undefined ? 'no owner on record' : owner === process.pid ? 'started earlier by this kernel' : `its kernel (pid ${owner}) is gone`;
  await cleanupNetwork(name);
  const message = `cleaned up network ${name} (${why}): ${summary(left)}`;
  console.log(message);
  return message;
}

/** Starts the network after cleaning what a dead kernel left of it: the way notebooks start networks. */
export async function startNetwork(net: Network): Promise<Network> {
  await cleanupAfterRestart(net.name);
  await net.start();
  return net;
}


/** Removes the networks a finished kernel (pid) left running; returns what it said. */
export async function cleanupNetworksOf(pid: number): Promise<string[]> {
  const messages: string[] = [];
  for (const name of runningNetworks()) {
    if (ownerOf(name) !== pid || alive(pid)) continue;
    const left = await findLeftovers(name);
    await cleanupNetwork(name);
    messages.push(`cleaned up network ${name}, left running by the notebook: ${summary(left)}`);
  }
  return messages;
}
