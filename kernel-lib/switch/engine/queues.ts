// Egress queues as simple_switch has them: per port, 8 priority queues (a
// higher `priority` is served first), each with a depth in packets and an
// optional rate in packets per second that spaces departures by 1/rate.
import { ControlError } from '../control-plane.js';
import type { Packet } from './packet.js';

export const PRIORITIES = 8;
export const DEFAULT_DEPTH = 64;

/** A FIFO of packets on a growable ring: no allocation once grown. */
class Fifo {
  private ring: Array<Packet | undefined> = new Array(16);
  private head = 0;
  size = 0;
  depth = DEFAULT_DEPTH;
  gapNs = 0; // 0: unlimited rate
  nextNs = 0; // earliest departure of the next packet

  push(p: Packet): void {
    if (this.size === this.ring.length) {
      const bigger: Array<Packet | undefined> = new Array(this.ring.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.ring[(this.head + i) % this.ring.length];
      this.ring = bigger;
      this.head = 0;
    }
    this.ring[(this.head + this.size) % this.ring.length] = p;
    this.size++;
  }

  shift(): Packet {
    const p = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return p;
  }
}

class PortQueues {
  readonly fifos = Array.from({ length: PRIORITIES }, () => new Fifo());
  constructor(readonly port: number) {}
}

/** Port numbers are 9 bits (v1model); 511 is the drop port. */
export const PORTS = 512;

export class EgressQueues {
  private readonly byPort: Array<PortQueues | undefined> = new Array(PORTS);
  private readonly active: PortQueues[] = []; // ports that have queues, for drain()
  private defaultDepth = DEFAULT_DEPTH;
  private defaultGapNs = 0;
  /** The time drain() serves at, in ns: a field rather than an argument, which would be boxed per call. */
  nowNs = 0;

  fifo(port: number, priority: number): Fifo {
    let q = this.byPort[port];
    if (!q) {
      q = new PortQueues(port);
      for (const f of q.fifos) {
        f.depth = this.defaultDepth;
        f.gapNs = this.defaultGapNs;
      }
      this.byPort[port] = q;
      this.active.push(q);
    }
    return q.fifos[priority & 7]!;
  }

  setRate(port: number | undefined, pps: number, priority?: number): void {
    if (!(pps >= 0) || !Number.isFinite(pps)) throw new ControlError('INVALID_ARGUMENT', `queue rate ${pps} pps: give a rate ≥ 0 (0 = unlimited)`);
    const gap = pps === 0 ? 0 : 1e9 / pps;
    this.each(port, priority, (f) => {
      // the next slot moves with the new rate, counted from the last departure
      if (f.nextNs > 0) f.nextNs += gap - f.gapNs;
      f.gapNs = gap;
    });
    if (port === undefined && priority === undefined) this.defaultGapNs = gap;
  }

  setDepth(port: number | undefined, packets: number, priority?: number): void {
    if (!Number.isInteger(packets) || packets < 1) throw new ControlError('INVALID_ARGUMENT', `queue depth ${packets}: give a whole number of packets ≥ 1`);
    this.each(port, priority, (f) => (f.depth = packets));
    if (port === undefined && priority === undefined) this.defaultDepth = packets;
  }

  private each(port: number | undefined, priority: number | undefined, fn: (f: Fifo) => void): void {
    if (priority !== undefined && !(Number.isInteger(priority) && priority >= 0 && priority < PRIORITIES)) {
      throw new ControlError('INVALID_ARGUMENT', `queue priority ${priority} is outside 0..${PRIORITIES - 1}`);
    }
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < PORTS)) {
      throw new ControlError('INVALID_ARGUMENT', `port ${port} is outside 0..${PORTS - 1}`);
    }
    const ports = port === undefined ? this.active.map((q) => q.port) : [port];
    for (const p of ports) {
      this.fifo(p, 0);
      const q = this.byPort[p]!;
      if (priority === undefined) q.fifos.forEach(fn);
      else fn(q.fifos[priority]!);
    }
  }

  /**
   * Takes packets due at `nowNs` off every port, highest priority first,
   * handing each to `depart`; returns ns until the next departure is due
   * (rounded up: a whole number under 2^31 is no heap object), or -1 when empty.
   */
  drain(depart: (p: Packet, port: number, left: number) => void): number {
    const nowNs = this.nowNs;
    let wait = -1;
    const active = this.active;
    for (let a = 0; a < active.length; a++) {
      const q = active[a]!;
      const port = q.port;
      for (;;) {
        let chosen: Fifo | undefined;
        for (let pri = PRIORITIES - 1; pri >= 0; pri--) {
          const f = q.fifos[pri]!;
          if (f.size === 0) continue;
          if (f.nextNs <= nowNs) {
            chosen = f;
            break;
          }
          const w = f.nextNs - nowNs;
          if (wait < 0 || w < wait) wait = w;
        }
        if (!chosen) break;
        const p = chosen.shift();
        // a packet's slot is its due time, or its arrival if the queue was idle;
        // the next may leave one gap later (so a late service() catches up)
        chosen.nextNs = Math.max(chosen.nextNs, p.enqNs) + chosen.gapNs;
        depart(p, port, chosen.size);
      }
    }
    return Math.ceil(wait);
  }
}
