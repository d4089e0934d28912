// The emulated link on a port's transmit side: loss, rate limit with a packet
// queue, delay with jitter, and reordering, in that order (as netem applies
// them). Packets in flight wait in a preallocated pool of slots ordered by
// release time in a binary heap: nothing is allocated per packet. For the same
// reason times are read from the owner's clock cell, never passed to or
// returned from a call (a number that large would be boxed per call).
import { loadNative } from '../../native/index.js';
import { DEFAULT_LINK, isImpaired, mergeLinkConfig, type LinkConfig } from './config.js';
import { Random } from './random.js';

/** Largest frame a link holds (a 1500-byte MTU, a VLAN tag, the Ethernet header). */
export const LINK_SLOT_BYTES = 2048;

export interface LinkCounters {
  lossDrops: number; // lost by the loss model
  queueDrops: number; // tail-dropped: queueLimit packets already held
  oversizeDrops: number; // larger than LINK_SLOT_BYTES while the link held packets
  reordered: number; // held back for reordering
}

/** Called for each packet leaving the link; `data` is valid only during the call. */
export type LinkSend = (data: Uint8Array, offset: number, length: number) => void;

export class LinkEmulator {
  private cfg: LinkConfig = { ...DEFAULT_LINK };
  private impaired = false;
  private readonly random = new Random(DEFAULT_LINK.seed);
  private readonly copy = loadNative().copyBytes;
  private geBad = false;
  private nextFreeNs = 0; // when the rate limiter can start the next packet
  private seq = 0; // tie-break: equal release times leave in arrival order

  // Slot pool, sized by queueLimit when the link first holds packets.
  private capacity = 0;
  private data = new Uint8Array(0);
  private lengths = new Uint32Array(0);
  private releaseNs = new Float64Array(0);
  private order = new Float64Array(0);
  private heap = new Int32Array(0);
  private free = new Int32Array(0);
  private heapSize = 0;
  private freeTop = 0;

  readonly counters: LinkCounters = { lossDrops: 0, queueDrops: 0, oversizeDrops: 0, reordered: 0 };

  /** `clock[0]` is the current monotonic time in ns, which the owner keeps up to date. */
  constructor(
    private readonly send: LinkSend,
    private readonly clock: Float64Array,
  ) {}

  get config(): LinkConfig {
    return { ...this.cfg };
  }

  /** Whether packets go through the emulation; if not, callers send directly. */
  get active(): boolean {
    return this.impaired;
  }

  get pending(): number {
    return this.heapSize;
  }

  /** Applies a change; packets already in flight keep their release times. */
  configure(patch: Partial<LinkConfig>): LinkConfig {
    const next = mergeLinkConfig(this.cfg, patch);
    if (next.seed !== this.cfg.seed || patch.seed !== undefined) {
      this.random.reseed(next.seed);
      this.geBad = false;
    }
    this.cfg = next;
    this.impaired = isImpaired(next);
    if (this.impaired && next.queueLimit !== this.capacity) this.resize(Math.max(next.queueLimit, this.heapSize));
    return this.config;
  }

  /** Takes one packet now (clock[0]); it leaves through `send` at its release time. */
  transmit(packet: Uint8Array, offset: number, length: number): void {
    const c = this.cfg;
    const nowNs = this.clock[0];
    if (this.lose()) {
      this.counters.lossDrops++;
      return;
    }
    if (this.heapSize >= c.queueLimit || this.heapSize >= this.capacity) {
      this.counters.queueDrops++;
      return;
    }
    if (length > LINK_SLOT_BYTES) {
      this.counters.oversizeDrops++;
      return;
    }
    let departNs = nowNs;
    if (c.rateBps > 0) {
      departNs = Math.max(nowNs, this.nextFreeNs) + (length * 8 * 1e9) / c.rateBps;
      this.nextFreeNs = departNs;
    }
    let releaseNs = departNs + c.delayUs * 1000;
    if (c.jitterUs > 0) releaseNs = Math.max(departNs, releaseNs + this.random.deviate(c.jitterDistribution, c.jitterUs * 1000));
    if (c.reorderProbability > 0 && this.random.chance(c.reorderProbability)) {
      releaseNs += c.reorderDelayUs * 1000;
      this.counters.reordered++;
    }
    const slot = this.free[--this.freeTop];
    this.copy(this.data, slot * LINK_SLOT_BYTES, packet, offset, length);
    this.lengths[slot] = length;
    this.releaseNs[slot] = releaseNs;
    this.order[slot] = this.seq++;
    this.push(slot);
  }

  /**
   * Sends every packet due now (clock[0]); returns ns until the next release,
   * rounded up (a whole number under 2^31 is no heap object), or -1 when empty.
   */
  release(): number {
    const nowNs = this.clock[0];
    while (this.heapSize > 0) {
      const slot = this.heap[0];
      if (this.releaseNs[slot] > nowNs) return Math.ceil(this.releaseNs[slot] - nowNs);
      this.pop();
      this.send(this.data, slot * LINK_SLOT_BYTES, this.lengths[slot]);
      this.free[this.freeTop++] = slot;
    }
    return -1;
  }

  private lose(): boolean {
    const c = this.cfg;
    if (c.lossModel === 'bernoulli') return c.loss > 0 && this.random.chance(c.loss);
    // Gilbert–Elliott: move between the good and bad state, then lose with that state's probability.
    if (this.geBad) {
      if (this.random.chance(c.geBadToGood)) this.geBad = false;
    } else if (this.random.chance(c.geGoodToBad)) {
      this.geBad = true;
    }
    const p = this.geBad ? c.geLossBad : c.geLossGood;
    return p > 0 && this.random.chance(p);
  }

  private resize(capacity: number): void {
    const old = { data: this.data, lengths: this.lengths, release: this.releaseNs, order: this.order, heap: this.heap, size: this.heapSize };
    this.capacity = capacity;
    this.data = new Uint8Array(capacity * LINK_SLOT_BYTES);
    this.lengths = new Uint32Array(capacity);
    this.releaseNs = new Float64Array(capacity);
    this.order = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
    this.heapSize = 0;
    // Packets in flight move to the new pool with their release times.
    for (let i = 0; i < old.size; i++) {
      const from = old.heap[i];
      const slot = this.free[--this.freeTop];
      this.data.set(old.data.subarray(from * LINK_SLOT_BYTES, from * LINK_SLOT_BYTES + old.lengths[from]), slot * LINK_SLOT_BYTES);
      this.lengths[slot] = old.lengths[from];
      this.releaseNs[slot] = old.release[from];
      this.order[slot] = old.order[from];
      this.push(slot);
    }
  }

  private before(a: number, b: number): boolean {
    const ra = this.releaseNs[a];
    const rb = this.releaseNs[b];
    return ra < rb || (ra === rb && this.order[a] < this.order[b]);
  }

  private push(slot: number): void {
    const h = this.heap;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(slot, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = slot;
  }

  private pop(): void {
    const h = this.heap;
    const last = h[--this.heapSize];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.heapSize) break;
      if (child + 1 < this.heapSize && this.before(h[child + 1], h[child])) child++;
      if (!this.before(h[child], last)) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
  }
}
