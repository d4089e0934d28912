// Per-packet state: the bytes and the PHV of one packet in flight, pooled so
// the packet path allocates nothing once the pool has grown to the traffic.
import type { Layout } from './layout.js';
import type { ProgramInstance } from './program.js';

/** Largest packet the switch carries (jumbo frame) plus room for added headers. */
export const PACKET_CAPACITY = 9216 + 512;
const MAX_DIGESTS = 8;

export class Packet {
  readonly buf = new Uint8Array(PACKET_CAPACITY);
  len = 0;
  off = 0; // parse cursor; after parsing, where the payload starts
  readonly F: Float64Array;
  readonly V: Uint8Array;
  readonly N: Int32Array;
  nowNs = 0;
  // requests the pipeline made, acted on by the traffic manager
  exit = 0;
  cloneKind = 0; // 0 none, 1 I2E, 2 E2E
  cloneSession = 0;
  cloneFL = 0;
  resubmitFL = -1; // -1: not requested
  recircFL = -1;
  truncLen = 0;
  ndig = 0;
  readonly dig = new Int32Array(MAX_DIGESTS);
  // traffic manager bookkeeping
  enqNs = 0;
  port = 0; // ingress port while waiting for ingress
  instanceType = 0;
  program!: ProgramInstance; // the program whose PHV this is

  constructor(layout: Layout) {
    this.F = new Float64Array(layout.slots);
    this.V = new Uint8Array(layout.headers.length);
    this.N = new Int32Array(Math.max(layout.stacks.length, 1));
  }
}

export class PacketPool {
  private readonly free: Packet[] = [];

  constructor(private readonly layout: Layout) {}

  /** A packet with a clean PHV: metadata valid and zero, headers invalid. */
  alloc(): Packet {
    const p = this.free.pop() ?? new Packet(this.layout);
    p.F.fill(0);
    p.V.fill(0);
    p.N.fill(0);
    const meta = this.layout.metadataHeaders;
    for (let i = 0; i < meta.length; i++) p.V[meta[i]!] = 1;
    p.exit = 0;
    p.cloneKind = 0;
    p.cloneSession = 0;
    p.cloneFL = 0;
    p.resubmitFL = -1;
    p.recircFL = -1;
    p.truncLen = 0;
    p.ndig = 0;
    p.off = 0;
    return p;
  }

  release(p: Packet): void {
    this.free.push(p);
  }
}
