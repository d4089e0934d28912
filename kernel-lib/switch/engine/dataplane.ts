// The switch's dataplane: loads BMv2 JSON, compiles it to specialised
// JavaScript, runs packets with v1model semantics and serves the control plane.
// Pure computation in one process; S2 wraps it with ports, R1 with P4Runtime.
import type { Bmv2Json } from '../../bmv2/json-format.js';
import { P4labError } from '../../errors.js';
import {
  ControlError,
  type ActionCall,
  type CloneSession,
  type ControlPlane,
  type ControlPlaneEvents,
  type CounterValue,
  type DigestMessage,
  type EntrySpec,
  type EntryView,
  type KeyMatch,
  type MeterConfig,
  type Replica,
} from '../control-plane.js';
import { compileProgram, parseProgramInput } from './compile.js';
import { ProgramInstance } from './program.js';
import { Replication } from './replication.js';
import { TrafficManager } from './traffic-manager.js';

/** A program verifyProgram() compiled for one dataplane, ready to load or save there. */
export type VerifiedProgram = ProgramInstance;

export interface DataplaneOptions {
  /** The CPU port number (simple_switch_grpc `--cpu-port`); absent: no CPU port. */
  cpuPort?: number;
  /** Seed of the random source (modify_field_rng_uniform); fixed for reproducible runs. */
  seed?: number;
  /** Monotonic clock in ns; default: CLOCK_MONOTONIC through the native addon. Tests drive it by hand. */
  now?: () => bigint;
  /**
   * Monotonic clock in ns as a number, used instead of `now` when given: lets
   * the host share its ports' time base with the dataplane (e.g. a clock it
   * reads once per receive batch), and avoids a BigInt per reading. A number
   * this large returned from a call is still a heap object per reading
   * (unless V8 inlines the call); the default clock allocates nothing.
   */
  clockNs?: () => number;
}

export interface PortStats {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
}

/** Why packets were dropped, as counters. */
export interface DropStats {
  noProgram: number; // a packet arrived with no program loaded
  ingressDrop: number; // egress_spec 511 after ingress (mark_to_drop)
  egressDrop: number; // egress_spec 511 after egress (mark_to_drop)
  queueFull: number; // the egress queue was at its depth
  parserError: number; // packets whose parser ended in an error (they still run ingress, as in BMv2)
  unknownGroup: number; // mcast_grp or clone session not configured
  inputFull: number; // resubmitted/recirculated packets beyond the input queue
  tooLarge: number; // packets larger than the switch's buffers
  pipelineFault: number; // packets whose program code failed at run time (see lastFault())
  badPort: number; // a port number outside 0..511 (received on, or chosen by the program)
}

export interface DataplaneStats {
  ports: Map<number, PortStats>;
  drops: DropStats;
}

type Target = 'running' | 'saved';

export class Dataplane implements ControlPlane, ControlPlaneEvents {
  private running: ProgramInstance | undefined;
  private saved: ProgramInstance | undefined;
  private readonly replication = new Replication();
  private readonly tm: TrafficManager;
  private readonly packetToCpu: Array<(packet: Uint8Array) => void> = [];
  private readonly digests: Array<(digest: DigestMessage) => void> = [];
  private readonly idle: Array<(table: string, entries: EntryView[]) => void> = [];
  private readonly workQueued: Array<() => void> = [];

  constructor(options: DataplaneOptions = {}) {
    const cpu = options.cpuPort;
    if (cpu !== undefined && !(Number.isInteger(cpu) && cpu > 0 && cpu < 511)) {
      throw new P4labError(`CPU port ${cpu} is not usable`, 'give a port number from 1 to 510 (0 is a normal port, 511 drops)');
    }
    this.tm = new TrafficManager({
      now: options.now,
      clockNs: options.clockNs,
      cpuPort: options.cpuPort,
      seed: options.seed ?? 1,
      replication: this.replication,
      toCpu: (packet) => {
        for (const h of this.packetToCpu) h(packet);
      },
      digest: (d) => {
        for (const h of this.digests) h(d);
      },
    });
  }

  get program(): Bmv2Json | undefined {
    return this.running?.json;
  }

  get savedProgram(): Bmv2Json | undefined {
    return this.saved?.json;
  }

  /**
   * Checks a program by compiling it for this dataplane; load or save the
   * result, so a verified program is not compiled twice.
   */
  verifyProgram(json: Bmv2Json | string | Uint8Array): VerifiedProgram {
    return this.instantiate(json);
  }

  loadProgram(program: Bmv2Json | string | Uint8Array | VerifiedProgram): void {
    const instance = this.instantiate(program);
    this.replication.clear();
    this.saved = undefined;
    this.install(instance);
  }

  saveProgram(program: Bmv2Json | string | Uint8Array | VerifiedProgram): void {
    this.saved = this.instantiate(program);
  }

  commitProgram(): void {
    if (!this.saved) throw new ControlError('FAILED_PRECONDITION', 'no saved program to commit: save one first (VERIFY_AND_SAVE)');
    const next = this.saved;
    this.saved = undefined;
    // receive() runs each packet to completion before returning, so swapping the
    // reference here lands between two packets; queued packets finish egress on
    // the program that ran their ingress (the traffic manager keeps it with them).
    this.install(next);
  }

  controlFor(target: Target): ControlPlane {
    const instance = target === 'running' ? this.running : this.saved;
    if (!instance) {
      throw new ControlError('FAILED_PRECONDITION', target === 'running' ? 'no program loaded on the switch' : 'no saved program: save one first (VERIFY_AND_SAVE)');
    }
    return instance;
  }

  receive(port: number, data: Uint8Array, length: number = data.length): void {
    this.tm.receive(port, data, length);
  }

  onTransmit(handler: (port: number, data: Uint8Array, length: number) => void): void {
    this.tm.transmitHandlers.push(handler);
  }

  service(): number {
    return this.tm.service();
  }

  /**
   * Called when work is queued from outside the packet path (a packet-out, a
   * queue setting that changes when queued packets leave): whoever drives
   * service() should run it soon.
   */
  onWorkQueued(handler: () => void): void {
    this.workQueued.push(handler);
  }

  setQueueRate(port: number | undefined, pps: number, priority?: number): void {
    this.tm.queues.setRate(port, pps, priority);
    this.notifyWorkQueued();
  }

  setQueueDepth(port: number | undefined, packets: number, priority?: number): void {
    this.tm.queues.setDepth(port, packets, priority);
    this.notifyWorkQueued();
  }

  private notifyWorkQueued(): void {
    for (const h of this.workQueued) h();
  }

  stats(): DataplaneStats {
    return this.tm.snapshotStats();
  }

  /** Why the last packet counted in drops.pipelineFault failed, for the switch's log. */
  lastFault(): string | undefined {
    return this.tm.lastFault;
  }

  // ControlPlaneEvents
  onPacketToCpu(handler: (packet: Uint8Array) => void): void {
    this.packetToCpu.push(handler);
  }
  onDigest(handler: (digest: DigestMessage) => void): void {
    this.digests.push(handler);
  }
  onIdleTimeout(handler: (table: string, entries: EntryView[]) => void): void {
    this.idle.push(handler);
  }
  injectFromCpu(packet: Uint8Array): void {
    this.tm.injectFromCpu(packet);
    this.notifyWorkQueued();
  }

  /** Reports entries idle past their timeout (P4Runtime idle-timeout notifications); S2 calls it periodically. */
  checkIdleTimeouts(): void {
    this.running?.expireIdle(this.tm.nowNs(), (table, entries) => {
      for (const h of this.idle) h(table, entries);
    });
  }

  // ControlPlane, addressed to the running program
  private get cp(): ControlPlane {
    return this.controlFor('running');
  }
  tableAdd(table: string, entry: EntrySpec): void { this.cp.tableAdd(table, entry); }
  tableModify(table: string, entry: EntrySpec): void { this.cp.tableModify(table, entry); }
  tableDelete(table: string, key: KeyMatch[], priority: number): void { this.cp.tableDelete(table, key, priority); }
  tableSetDefault(table: string, action: ActionCall): void { this.cp.tableSetDefault(table, action); }
  tableResetDefault(table: string): void { this.cp.tableResetDefault(table); }
  tableGetDefault(table: string): ActionCall { return this.cp.tableGetDefault(table); }
  tableEntries(table: string): EntryView[] { return this.cp.tableEntries(table); }
  tableEntry(table: string, key: KeyMatch[], priority: number): EntryView | undefined { return this.cp.tableEntry(table, key, priority); }
  tableClear(table: string): void { this.cp.tableClear(table); }
  directCounterWrite(table: string, key: KeyMatch[], priority: number, value: CounterValue): void { this.cp.directCounterWrite(table, key, priority, value); }
  directMeterSet(table: string, key: KeyMatch[], priority: number, config: MeterConfig | undefined): void { this.cp.directMeterSet(table, key, priority, config); }
  registerRead(register: string, index: number): bigint { return this.cp.registerRead(register, index); }
  registerWrite(register: string, index: number, value: bigint): void { this.cp.registerWrite(register, index, value); }
  registerSize(register: string): number { return this.cp.registerSize(register); }
  registerReset(register: string): void { this.cp.registerReset(register); }
  counterRead(counter: string, index: number): CounterValue { return this.cp.counterRead(counter, index); }
  counterWrite(counter: string, index: number, value: CounterValue): void { this.cp.counterWrite(counter, index, value); }
  counterSize(counter: string): number { return this.cp.counterSize(counter); }
  meterSet(meter: string, index: number, config: MeterConfig | undefined): void { this.cp.meterSet(meter, index, config); }
  meterGet(meter: string, index: number): MeterConfig | undefined { return this.cp.meterGet(meter, index); }
  meterSize(meter: string): number { return this.cp.meterSize(meter); }
  valueSetAdd(vset: string, value: bigint, mask: bigint): void { this.cp.valueSetAdd(vset, value, mask); }
  valueSetClear(vset: string): void { this.cp.valueSetClear(vset); }

  // The packet replication engine belongs to the switch, not to a program: it
  // survives a COMMIT (as in BMv2) and works before any program is loaded.
  multicastGroupSet(group: number, replicas: Replica[]): void { this.replication.multicastGroupSet(group, replicas); }
  multicastGroupDelete(group: number): void { this.replication.multicastGroupDelete(group); }
  multicastGroups(): Map<number, Replica[]> { return this.replication.multicastGroups(); }
  cloneSessionSet(session: number, config: CloneSession): void { this.replication.cloneSessionSet(session, config); }
  cloneSessionDelete(session: number): void { this.replication.cloneSessionDelete(session); }
  cloneSessions(): Map<number, CloneSession> { return this.replication.cloneSessions(); }

  /** The boundary where programs come in: whatever is wrong with one becomes a P4labError. */
  private instantiate(json: Bmv2Json | string | Uint8Array | VerifiedProgram): ProgramInstance {
    if (json instanceof ProgramInstance) return json;
    try {
      const compiled = compileProgram(parseProgramInput(json));
      return new ProgramInstance(compiled, this.replication, this.tm.hooks);
    } catch (e) {
      if (e instanceof P4labError) throw e;
      // a shape the checks did not foresee (a string where a list belongs, …)
      throw new P4labError(`BMv2 JSON is malformed: ${(e as Error).message}`, 'load the JSON p4lab compile (or p4c) wrote; hand edits must keep the BMv2 JSON format');
    }
  }

  private install(instance: ProgramInstance): void {
    this.running = instance;
    this.tm.program = instance;
  }
}
