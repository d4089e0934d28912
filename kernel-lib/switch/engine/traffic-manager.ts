// The packet's path through the switch, as simple_switch runs it: ingress,
// then clone, digest, resubmit, multicast, drop, enqueue; egress queues; then
// egress, clone, drop, deparse, recirculate, transmit.
import type { DigestMessage } from '../control-plane.js';
import { ControlError } from '../control-plane.js';
import { loadNative, type NativeAddon } from '../../native/index.js';
import type { DataplaneStats, DropStats, PortStats } from './dataplane.js';
import { PACKET_CAPACITY, type Packet } from './packet.js';
import type { ProgramHooks, ProgramInstance } from './program.js';
import { EgressQueues, PORTS } from './queues.js';
import type { Replication } from './replication.js';

const DROP_PORT = 511;
const INPUT_CAPACITY = 2048; // simple_switch: 1024 packets + 1024 for resubmit/recirculate
const BURST = 64; // re-entering packets handled per receive(), so a recirculation loop cannot stall the caller

export const INSTANCE = { NORMAL: 0, INGRESS_CLONE: 1, EGRESS_CLONE: 2, RECIRC: 4, REPLICATION: 5, RESUBMIT: 6 } as const;

export interface TrafficManagerOptions {
  now: (() => bigint) | undefined;
  clockNs: (() => number) | undefined;
  cpuPort: number | undefined;
  seed: number;
  replication: Replication;
  toCpu: (packet: Uint8Array) => void;
  digest: (d: DigestMessage) => void;
}

export class TrafficManager {
  program: ProgramInstance | undefined;
  readonly transmitHandlers: Array<(port: number, data: Uint8Array, length: number) => void> = [];
  readonly queues = new EgressQueues();
  readonly hooks: ProgramHooks;
  // The packet path allocates nothing: bytes are copied natively (set() would
  // need a subarray() view per packet, and JS loops are slower at 1500 B), and
  // time values stay in fields and typed arrays, since a large or fractional
  // number passed to or returned from a call is boxed in a new heap object.
  private readonly copy: NativeAddon['copyBytes'];
  private readonly readClocks: NativeAddon['readClocks'];
  private readonly clockCell = new Float64Array(1); // where readClocks writes the monotonic clock
  private readonly startNs: number;
  private readonly customClock: (() => number) | undefined; // a clock the host gave (ns since start)
  private tick = 0; // the clock, read once per receive() or service() call
  private readonly input: Array<Packet | undefined> = new Array(INPUT_CAPACITY);
  private inHead = 0;
  private inSize = 0;
  private rng: number;
  // per-port counters indexed by port number: no lookup structure on the packet path
  private readonly rxPackets = new Float64Array(PORTS);
  private readonly rxBytes = new Float64Array(PORTS);
  private readonly txPackets = new Float64Array(PORTS);
  private readonly txBytes = new Float64Array(PORTS);
  private readonly drops: DropStats = { noProgram: 0, ingressDrop: 0, egressDrop: 0, queueFull: 0, parserError: 0, unknownGroup: 0, inputFull: 0, tooLarge: 0, pipelineFault: 0, badPort: 0 };
  /** The message of the last pipeline fault, for the switch's log. */
  lastFault: string | undefined;
  private readonly depart = (p: Packet, port: number, left: number): void => this.egress(p, port, left);

  constructor(private readonly opts: TrafficManagerOptions) {
    const native = loadNative();
    this.copy = native.copyBytes;
    this.readClocks = native.readClocks;
    this.readClocks(this.clockCell);
    this.startNs = this.clockCell[0]!;
    if (opts.clockNs) {
      const clock = opts.clockNs;
      const start = clock();
      this.customClock = () => clock() - start;
    } else if (opts.now) {
      const now = opts.now;
      const start = now();
      this.customClock = () => Number(now() - start);
    }
    this.rng = (opts.seed >>> 0) || 1;
    this.hooks = { random: (lo, hi) => this.random(lo, hi), nowNs: () => this.nowNs() };
  }

  /** Nanoseconds since the switch started. */
  nowNs(): number {
    if (this.customClock) return this.customClock();
    this.readClocks(this.clockCell);
    return this.clockCell[0]! - this.startNs;
  }

  /** nowNs() into `tick`: stored, not returned, so the packet path's reading allocates nothing. */
  private readClock(): void {
    if (this.customClock) {
      this.tick = this.customClock();
      return;
    }
    this.readClocks(this.clockCell);
    this.tick = this.clockCell[0]! - this.startNs;
  }

  private random(lo: number, hi: number): number {
    // xorshift32: reproducible with a seed, allocation-free
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return hi <= lo ? lo : lo + Math.floor((this.rng / 4294967296) * (hi - lo + 1));
  }

  snapshotStats(): DataplaneStats {
    const ports = new Map<number, PortStats>();
    for (let i = 0; i < PORTS; i++) {
      if (this.rxPackets[i] || this.txPackets[i]) {
        ports.set(i, { rxPackets: this.rxPackets[i]!, rxBytes: this.rxBytes[i]!, txPackets: this.txPackets[i]!, txBytes: this.txBytes[i]! });
      }
    }
    return { ports, drops: { ...this.drops } };
  }

  receive(port: number, data: Uint8Array, length: number): void {
    const len = Math.min(length, data.length);
    if (!((port | 0) === port && port >= 0 && port < PORTS)) {
      this.drops.badPort++;
      return;
    }
    this.rxPackets[port]++;
    this.rxBytes[port] += len;
    const prog = this.program;
    if (!prog) {
      this.drops.noProgram++;
      return;
    }
    if (len > PACKET_CAPACITY) {
      this.drops.tooLarge++;
      return;
    }
    const p = prog.pool.alloc();
    this.readClock();
    this.copy(p.buf, 0, data, 0, len);
    p.len = len;
    p.port = port;
    p.instanceType = INSTANCE.NORMAL;
    this.guarded(p, prog);
    this.drainInput(BURST);
  }

  /**
   * Runs a packet's ingress; a fault in the program's run-time code (e.g. a
   * BigInt shift by billions of bits) costs that packet, not the switch.
   */
  private guarded(p: Packet, prog: ProgramInstance): void {
    try {
      this.ingress(p, prog);
    } catch (e) {
      this.drops.pipelineFault++;
      this.lastFault = (e as Error).message;
    }
  }

  injectFromCpu(packet: Uint8Array): void {
    if (this.opts.cpuPort === undefined) throw new ControlError('FAILED_PRECONDITION', 'the switch has no CPU port: start it with a cpuPort to send packet-out');
    this.receive(this.opts.cpuPort, packet, packet.length);
  }

  service(): number {
    this.readClock();
    this.drainInput(INPUT_CAPACITY);
    let wait: number;
    try {
      wait = this.drainQueues();
    } catch (e) {
      this.drops.pipelineFault++;
      this.lastFault = (e as Error).message;
      wait = 0; // packets may remain: come back at once
    }
    return this.inSize > 0 ? 0 : wait;
  }

  /** Sends what the egress queues hold that is due at `tick`; returns ns until the next is due, or -1. */
  private drainQueues(): number {
    this.queues.nowNs = this.tick;
    return this.queues.drain(this.depart);
  }

  private drainInput(max: number): void {
    for (let n = 0; n < max && this.inSize > 0; n++) {
      const p = this.input[this.inHead]!;
      this.input[this.inHead] = undefined;
      this.inHead = (this.inHead + 1) % INPUT_CAPACITY;
      this.inSize--;
      // it runs on the program that made it, even if another was committed since
      this.guarded(p, p.program);
    }
  }

  private reenter(p: Packet): void {
    if (this.inSize >= INPUT_CAPACITY) {
      this.drops.inputFull++;
      this.release(p);
      return;
    }
    this.input[(this.inHead + this.inSize) % INPUT_CAPACITY] = p;
    this.inSize++;
  }

  private release(p: Packet): void {
    p.program.pool.release(p);
  }

  /** A fresh packet of `prog` holding `src`'s bytes and its field-list fields. */
  private copyRaw(src: Packet, prog: ProgramInstance, fieldList: number, instanceType: number): Packet {
    const q = prog.pool.alloc();
    this.copy(q.buf, 0, src.buf, 0, src.len);
    q.program = prog;
    q.len = src.len;
    q.port = src.port;
    q.instanceType = instanceType;
    if (fieldList !== 0 && src.program === prog) {
      const slots = prog.fieldListSlots(fieldList);
      for (let i = 0; i < slots.length; i++) q.F[slots[i]!] = src.F[slots[i]!]!;
    }
    return q;
  }

  /** A copy of `src` with its parsed headers (PHV) and bytes. */
  private copyParsed(src: Packet): Packet {
    const q = src.program.pool.alloc();
    this.copy(q.buf, 0, src.buf, 0, src.len);
    q.program = src.program;
    q.len = src.len;
    q.off = src.off;
    q.F.set(src.F);
    q.V.set(src.V);
    q.N.set(src.N);
    q.port = src.port;
    q.nowNs = src.nowNs;
    return q;
  }

  private ingress(p: Packet, prog: ProgramInstance): void {
    p.program = prog;
    const F = p.F;
    const std = prog.std;
    const now = this.tick;
    p.nowNs = now;
    F[std.ingress_port] = p.port;
    F[std.instance_type] = p.instanceType;
    F[std.packet_length] = p.len;
    F[std.ingress_global_timestamp] = Math.floor(now / 1000);
    const fns = prog.fns;
    fns.parse(p);
    if (F[std.parser_error] !== prog.noError) this.drops.parserError++;
    fns.verifyChecksums(p);
    fns.ingress(p);
    p.exit = 0;

    if (p.cloneKind === 1) this.cloneIngress(p, prog);
    p.cloneKind = 0;
    for (let i = 0; i < p.ndig; i++) this.emitDigest(p, prog, p.dig[i]!);
    p.ndig = 0;
    if (p.resubmitFL >= 0) {
      this.reenter(this.copyRaw(p, prog, p.resubmitFL, INSTANCE.RESUBMIT));
      this.release(p);
      return;
    }
    const group = F[std.mcast_grp]!;
    if (group !== 0) {
      this.multicast(p, group, std);
      return;
    }
    const port = F[std.egress_spec]!;
    if (port === DROP_PORT) {
      this.drops.ingressDrop++;
      this.release(p);
      return;
    }
    this.enqueue(p, port);
  }

  private cloneIngress(p: Packet, prog: ProgramInstance): void {
    const session = this.opts.replication.session(p.cloneSession);
    if (!session) {
      this.drops.unknownGroup++;
      return;
    }
    for (const r of session.replicas) {
      const q = this.copyRaw(p, prog, p.cloneFL, INSTANCE.INGRESS_CLONE);
      const std = prog.std;
      q.nowNs = p.nowNs;
      q.F[std.ingress_port] = p.port;
      q.F[std.instance_type] = INSTANCE.INGRESS_CLONE;
      q.F[std.packet_length] = p.len;
      q.F[std.ingress_global_timestamp] = p.F[std.ingress_global_timestamp]!;
      prog.fns.parse(q);
      q.F[std.egress_rid] = r.instance;
      q.truncLen = session.packetLengthBytes;
      this.enqueue(q, r.port);
    }
  }

  private multicast(p: Packet, group: number, std: ProgramInstance['std']): void {
    const replicas = this.opts.replication.group(group);
    if (!replicas) {
      this.drops.unknownGroup++;
      this.release(p);
      return;
    }
    for (let i = 0; i < replicas.length; i++) {
      const r = replicas[i]!;
      const q = this.copyParsed(p);
      q.F[std.egress_rid] = r.instance;
      q.F[std.instance_type] = INSTANCE.REPLICATION;
      this.enqueue(q, r.port);
    }
    this.release(p);
  }

  private enqueue(p: Packet, port: number): void {
    if (!((port | 0) === port && port >= 0 && port < PORTS)) {
      this.drops.badPort++;
      this.release(p);
      return;
    }
    const std = p.program.std;
    const F = p.F;
    const f = this.queues.fifo(port, F[std.priority]! & 7);
    const now = this.tick;
    p.enqNs = now;
    F[std.enq_timestamp] = Math.floor(now / 1000) % 4294967296;
    if (f.gapNs === 0 && f.size === 0) {
      F[std.enq_qdepth] = 0;
      this.egress(p, port, 0);
      return;
    }
    if (f.size >= f.depth) {
      this.drops.queueFull++;
      this.release(p);
      return;
    }
    F[std.enq_qdepth] = f.size;
    f.push(p);
    this.drainQueues();
  }

  private egress(p: Packet, port: number, left: number): void {
    const prog = p.program;
    const std = prog.std;
    const F = p.F;
    const now = this.tick;
    F[std.egress_port] = port;
    F[std.egress_global_timestamp] = Math.floor(now / 1000);
    F[std.deq_timedelta] = Math.floor((now - p.enqNs) / 1000) % 4294967296;
    F[std.deq_qdepth] = left;
    p.nowNs = now;
    prog.fns.egress(p);
    p.exit = 0;
    if (p.cloneKind === 2) this.cloneEgress(p, prog);
    p.cloneKind = 0;
    if (F[std.egress_spec] === DROP_PORT) {
      this.drops.egressDrop++;
      this.release(p);
      return;
    }
    prog.fns.updateChecksums(p);
    if (prog.fns.deparse(p) < 0) {
      this.drops.tooLarge++;
      this.release(p);
      return;
    }
    if (p.truncLen > 0 && p.truncLen < p.len) p.len = p.truncLen;
    if (p.recircFL >= 0) {
      const running = this.program ?? prog;
      this.reenter(this.copyRaw(p, running, p.recircFL, INSTANCE.RECIRC));
      this.release(p);
      return;
    }
    this.transmit(port, p);
    this.release(p);
  }

  private cloneEgress(p: Packet, prog: ProgramInstance): void {
    const session = this.opts.replication.session(p.cloneSession);
    if (!session) {
      this.drops.unknownGroup++;
      return;
    }
    const std = prog.std;
    for (const r of session.replicas) {
      const q = this.copyParsed(p);
      prog.resetMetadata(q);
      const slots = prog.fieldListSlots(p.cloneFL);
      for (let i = 0; i < slots.length; i++) q.F[slots[i]!] = p.F[slots[i]!]!;
      q.F[std.instance_type] = INSTANCE.EGRESS_CLONE;
      q.F[std.egress_rid] = r.instance;
      q.truncLen = session.packetLengthBytes;
      this.enqueue(q, r.port);
    }
  }

  private transmit(port: number, p: Packet): void {
    this.txPackets[port]++;
    this.txBytes[port] += p.len;
    if (port === this.opts.cpuPort) {
      this.opts.toCpu(p.buf.slice(0, p.len));
      return;
    }
    const hs = this.transmitHandlers;
    for (let i = 0; i < hs.length; i++) hs[i]!(port, p.buf, p.len);
  }

  private emitDigest(p: Packet, prog: ProgramInstance, id: number): void {
    const list = prog.learnList(id);
    if (!list) return;
    this.opts.digest({ learnList: list.name, data: [list.read(p.F)], timestampNs: BigInt(Math.round(p.nowNs)) });
  }
}
