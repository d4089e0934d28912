// The network functions the manager places on switches, their settings, and
// the programs that carry them under each reconfiguration method.
import { crc32 } from 'node:zlib';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { P4labError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** Static 1:1 NAT: `private` is rewritten to `public` on the way out, and back on the way in. */
export interface NatRule {
  private: string;
  public: string;
}

/** A flow as the firewall keys it: its 3-tuple. */
export interface FlowKey {
  src: string;
  dst: string;
  /** IP protocol number; default 17 (UDP). */
  protocol?: number;
}

export type NfConfig =
  | { kind: 'nat'; rules: NatRule[] }
  /**
   * The stateful firewall: flows whose mean packet gap falls below
   * `threshold_us` get blocked (0 = never by rate); `block` lists flows the
   * operator blocks outright.
   */
  | { kind: 'firewall'; threshold_us: number; block?: FlowKey[] };

export type NfKind = NfConfig['kind'];
export type Method = 'PM' | 'PR';

/** Index of each NF's flag in the all-in-one program's nf_enabled register. */
export const NF_FLAG = { firewall: 0, acl: 1, nat: 2, ip_fwd: 3, mac_fwd: 4 } as const;

/** Flow slots of the firewall registers (FLOW_SLOTS in the P4 sources). */
export const FLOW_SLOTS = 4096;

const p4 = (file: string): string => join(PACKAGE_ROOT, 'p4', file);

/** Programs: PM runs one program everywhere; PR swaps between a plain router and one program per NF. */
export const PROGRAMS = {
  allInOne: p4('p4nfv_all_in_one.p4'),
  router: p4('ipv4_router.p4'),
  nat: p4('nat.p4'),
  firewall: p4('stateful_firewall.p4'),
  /** The legacy baseline's steering switch. */
  macRewriter: p4('mac_rewriter.p4'),
} as const;

function ipBytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/**
 * The firewall's register slot of a flow: CRC-32 of (src IP, dst IP,
 * protocol) modulo the slot count, as the P4 program's hash() computes it.
 */
export function flowSlot(flow: FlowKey): number {
  const data = Buffer.from([...ipBytes(flow.src), ...ipBytes(flow.dst), flow.protocol ?? 17]);
  return crc32(data) % FLOW_SLOTS;
}

/** Validates an NF's settings once, where they enter the library. */
export function checkNfConfig(nf: NfConfig): NfConfig {
  const bad = (what: string, fix: string): never => {
    throw new P4labError(`${nf.kind} settings: ${what}`, fix);
  };
  if (nf.kind === 'nat') {
    if (nf.rules.length === 0) bad('no rules', 'give at least one { private, public } address pair');
    for (const r of nf.rules) if (!isIPv4(r.private) || !isIPv4(r.public)) bad(`rule ${JSON.stringify(r)} is not a pair of IPv4 addresses`, "write { private: '10.1.1.2', public: '198.51.100.1' }");
  } else {
    if (!Number.isInteger(nf.threshold_us) || nf.threshold_us < 0 || nf.threshold_us > 0xffffffff) bad(`threshold_us ${nf.threshold_us} is not a whole number of microseconds`, 'use 0 (never block by rate) or, e.g., 500 to block flows above 2000 pps');
    for (const f of nf.block ?? []) if (!isIPv4(f.src) || !isIPv4(f.dst)) bad(`blocked flow ${JSON.stringify(f)} needs IPv4 src and dst`, "write { src: '10.1.1.2', dst: '10.5.1.2' }");
  }
  return nf;
}
