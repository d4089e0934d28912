// Names of everything a network creates on the machine. Each carries the
// network's id, so cleanup can find exactly what one network made (and
// nothing else) even when the process that made it was killed.
import { createHash } from 'node:crypto';
import { P4labError } from '../errors.js';

const NETWORK_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const NODE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
/** Linux's limit on interface names (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;

export function checkNetworkName(name: string): void {
  if (!NETWORK_NAME.test(name)) {
    throw new P4labError(
      `network name ${JSON.stringify(name)} is not valid`,
      'use 1-32 characters: lower-case letters, digits, "-" or "_", starting with a letter or digit',
    );
  }
}

export function checkNodeName(name: string): void {
  if (!NODE_NAME.test(name)) {
    throw new P4labError(
      `node name ${JSON.stringify(name)} is not valid`,
      'use 1-32 characters: letters, digits, "-" or "_", starting with a letter',
    );
  }
}

/** Four hex digits derived from the network name: short enough for interface names. */
export function networkId(network: string): string {
  return createHash('sha256').update(network).digest('hex').slice(0, 4);
}

/** Prefix of every interface (veth end, bridge) p4lab creates in the root namespace. */
export function rootIfPrefix(network: string): string {
  return `p4${networkId(network)}-`;
}

/**
 * Device group (IFLA_GROUP) of the network's root-namespace interfaces:
 * `ip link del group G` removes them all with one kernel synchronisation
 * instead of one per interface (~16 ms each). "P4" (0x5034) and the id.
 */
export function deviceGroup(network: string): number {
  return 0x5034_0000 + parseInt(networkId(network), 16);
}

/** Matches interface names of any p4lab network (for `cleanup --all`). */
export const ANY_ROOT_IF = /^p4[0-9a-f]{4}-/;

const NETNS_PREFIX = 'p4lab.';

/** Network namespace of a namespace host: `p4lab.<network>.<node>`. */
export function namespaceName(network: string, node: string): string {
  return `${NETNS_PREFIX}${network}.${node}`;
}

/** The network a p4lab namespace belongs to, or undefined for other namespaces. */
export function namespaceNetwork(ns: string): string | undefined {
  if (!ns.startsWith(NETNS_PREFIX)) return undefined;
  const parts = ns.slice(NETNS_PREFIX.length).split('.');
  return parts.length === 2 && NETWORK_NAME.test(parts[0]!) && NODE_NAME.test(parts[1]!) ? parts[0] : undefined;
}

/**
 * Short tag of a node inside root-namespace interface names: the node's own
 * name when it fits, else `n<seq>`. Stable for the node's lifetime.
 */
export function nodeTag(node: string, seq: number, taken: Set<string>): string {
  // Room for "p4xxxx-" (7), "-" and a 3-digit port: 15 - 11 = 4.
  if (node.length <= 4 && !taken.has(node) && !/^n\d+$/.test(node)) return node;
  return `n${seq.toString(36)}`;
}

/** Root-namespace name of a node's port: `p4<id>-<tag>-<port>` (≤ 15 characters). */
export function portIfName(network: string, tag: string, port: number): string {
  const name = `${rootIfPrefix(network)}${tag}-${port}`;
  if (name.length > IFNAME_MAX) {
    throw new P4labError(`interface name ${name} exceeds ${IFNAME_MAX} characters`, 'use port numbers below 1000');
  }
  return name;
}

/** Root-namespace name of a Linux bridge node: `p4<id>-<tag>`. */
export function bridgeIfName(network: string, tag: string): string {
  return `${rootIfPrefix(network)}${tag}`;
}

/** Label put on every container of a network. */
export const CONTAINER_LABEL = 'p4lab.network';
/** Environment variable set on every process a network starts; cleanup finds strays by it. */
export const PROCESS_ENV = 'P4LAB_NETWORK';
/** Environment variable naming the host a process runs in (for removing one host). */
export const HOST_ENV = 'P4LAB_HOST';
