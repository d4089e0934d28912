// iproute2 and tc commands that wire links: veth pairs created straight into
// their namespaces, bridge membership, addresses, static ARP, tbf rate limits.
// Pure functions returning command lines, so callers batch them.
import { P4labError } from '../errors.js';
import type { EmulationValues } from './link-params.js';

/** One end of a veth pair: its name, and where it lives (undefined = root namespace). */
export interface VethEnd {
  ifname: string;
  /** Namespace name (netns hosts) or pid (Docker hosts). */
  netns?: string | number;
}

/** The `ip link add` line creating a veth pair with each end already in place. */
export function vethLine(a: VethEnd, b: VethEnd): string {
  const where = (e: VethEnd): string => (e.netns === undefined ? '' : ` netns ${e.netns}`);
  return `link add ${a.ifname}${where(a)} type veth peer name ${b.ifname}${where(b)}`;
}

/**
 * Lines configuring an interface before it goes up. `addrgenmode none` keeps
 * IPv6 link-local addresses (and their router solicitations and MLD reports)
 * off emulated links, so the only packets on them are the experiment's.
 */
export function interfaceLines(ifname: string, o: { mac?: string; master?: string; ip?: string; group?: number; up: boolean }): string[] {
  const lines = [`link set dev ${ifname} addrgenmode none`];
  if (o.group !== undefined) lines.push(`link set dev ${ifname} group ${o.group}`);
  if (o.mac) lines.push(`link set dev ${ifname} address ${o.mac}`);
  if (o.master) lines.push(`link set dev ${ifname} master ${o.master}`);
  if (o.ip) lines.push(`addr add ${o.ip} dev ${ifname}`);
  if (o.up) lines.push(`link set dev ${ifname} up`);
  return lines;
}

export function neighborLine(ifname: string, ip: string, mac: string): string {
  return `neigh replace ${ip.split('/')[0]} lladdr ${mac} dev ${ifname} nud permanent`;
}

export function bridgeLines(ifname: string, group: number): string[] {
  // No STP: ports forward as soon as they are up (no 30 s listening/learning).
  return [`link add name ${ifname} type bridge stp_state 0 forward_delay 0`, ...interfaceLines(ifname, { group, up: true })];
}

/**
 * tc argv setting (or clearing) a tbf rate limit on an interface. Only rate
 * and queue are possible here: this kernel has no netem qdisc, so delay,
 * jitter and loss are refused by the caller.
 */
export function tbfArgv(ifname: string, v: EmulationValues): string[] {
  if (v.rateBps === undefined) {
    if (v.queue !== undefined) throw new P4labError(`queue limits on ${ifname} need a rate`, 'set rate together with queue');
    return ['tc', 'qdisc', 'del', 'dev', ifname, 'root'];
  }
  const rateBytes = v.rateBps / 8;
  // Burst must hold at least one timer tick of traffic (and one full frame).
  const burst = Math.max(1600, Math.ceil(rateBytes / 250));
  const limit = v.queue !== undefined ? ['limit', String(v.queue * 1514)] : ['latency', '50ms'];
  return ['tc', 'qdisc', 'replace', 'dev', ifname, 'root', 'tbf', 'rate', `${Math.round(v.rateBps)}bit`, 'burst', String(burst), ...limit];
}
