// Automatic IPv4 and MAC addresses of hosts, in p4-utils' three strategies,
// and the static ARP entries that keep first packets from being lost to ARP.
//  l2:    every host in 10.0.0.0/16, one broadcast domain.
//  mixed: hosts on P4 switch number S share 10.S.1.0/24, gateway 10.S.1.254.
//  l3:    each host in its own /24, 10.S.H.2, gateway 10.S.H.1 (the switch port).
// Hosts that are not attached to a P4 switch use the l2 scheme in every strategy.
import { P4labError } from '../errors.js';

export type AddressingStrategy = 'l2' | 'mixed' | 'l3';
export const STRATEGIES: readonly AddressingStrategy[] = ['l2', 'mixed', 'l3'];

export interface HostAddressInput {
  name: string;
  /** Host number in the network, from 1. */
  seq: number;
  ip?: string;
  mac?: string;
  /** The P4 switch the host's first interface attaches to: its number and port MAC. */
  gateway?: { switchSeq: number; hostIndex: number; portMac: string };
}

export interface HostAddress {
  /** With prefix length, e.g. 10.0.0.1/16. */
  ip?: string;
  mac: string;
  gateway?: { ip: string; mac: string };
}

export function checkCidr(where: string, ip: string): void {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(ip);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new P4labError(`${where}: ip ${JSON.stringify(ip)} is not an IPv4 address with prefix length`, 'write it as 10.0.0.1/24');
  }
}

export function checkMac(where: string, mac: string): void {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) {
    throw new P4labError(`${where}: mac ${JSON.stringify(mac)} is not valid`, 'write it as 00:00:0a:00:00:01');
  }
}

const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

/** p4-utils' convention: the host's MAC spells its IPv4 address. */
function macForIp(ip: string): string {
  return ['00', '00', ...ip.split('/')[0]!.split('.').map((o) => hex(Number(o)))].join(':');
}

/** A locally administered MAC for a node's port: 02 (hosts) or 06 (switches), network id, node, port. */
export function portMac(netId: string, kind: 'host' | 'switch', nodeSeq: number, port: number): string {
  const id = parseInt(netId, 16);
  return [kind === 'host' ? '02' : '06', hex(id >> 8), hex(id), hex(nodeSeq), hex(port >> 8), hex(port)].join(':');
}

function l2Ip(seq: number): string {
  if (seq > 254 * 255) throw new P4labError(`too many hosts for automatic l2 addresses (${seq})`, 'give hosts explicit ip addresses');
  return `10.0.${Math.floor((seq - 1) / 254)}.${((seq - 1) % 254) + 1}/16`;
}

export function assignAddress(strategy: AddressingStrategy, h: HostAddressInput): HostAddress {
  const g = h.gateway;
  let ip = h.ip;
  let gateway: HostAddress['gateway'];
  if (g && strategy !== 'l2') {
    if (g.switchSeq > 255 || g.hostIndex > 253) throw new P4labError(`host ${h.name}: too many switches or hosts for ${strategy} addressing`, 'give hosts explicit ip addresses');
    const gwIp = strategy === 'mixed' ? `10.${g.switchSeq}.1.254` : `10.${g.switchSeq}.${g.hostIndex}.1`;
    ip ??= strategy === 'mixed' ? `10.${g.switchSeq}.1.${g.hostIndex}/24` : `10.${g.switchSeq}.${g.hostIndex}.2/24`;
    gateway = { ip: gwIp, mac: g.portMac };
  }
  ip ??= l2Ip(h.seq);
  return { ip, mac: h.mac ?? macForIp(ip), ...(gateway ? { gateway } : {}) };
}

function toInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

/** Whether two addresses (with prefix) are in the same subnet, by the first one's prefix. */
export function sameSubnet(a: string, b: string): boolean {
  const [ipA, lenA] = a.split('/');
  const ipB = b.split('/')[0]!;
  const len = Number(lenA ?? 32);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return ((toInt(ipA!) & mask) >>> 0) === ((toInt(ipB) & mask) >>> 0);
}
