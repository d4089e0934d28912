// The switch's control-plane surface: what the P4Runtime server and the target
// service call on a running dataplane. Names are BMv2 JSON names (fully
// qualified, e.g. `MyIngress.ipv4_lpm`); the P4Runtime server maps P4Info ids to
// them, as BMv2's PI layer does. Values are bigint: this is not the packet path.

/** gRPC canonical codes the control plane can fail with; the server passes them through. */
export type ControlErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'OUT_OF_RANGE'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'PERMISSION_DENIED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL';

export class ControlError extends Error {
  constructor(readonly code: ControlErrorCode, message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

/**
 * One key field of an entry. Wildcards are explicit: ternary with mask 0,
 * lpm with prefixLen 0, range over the whole field. P4Runtime `optional` arrives
 * as exact-as-ternary (mask all ones) or as a wildcard (mask 0).
 */
export type KeyMatch =
  | { kind: 'exact'; value: bigint }
  | { kind: 'lpm'; value: bigint; prefixLen: number }
  | { kind: 'ternary'; value: bigint; mask: bigint }
  | { kind: 'range'; low: bigint; high: bigint };

export interface ActionCall {
  action: string; // BMv2 action name
  params: bigint[]; // in runtime_data order
}

export interface MeterConfig {
  cir: bigint; // committed rate: units per second (bytes or packets, per the meter's type)
  cburst: bigint;
  pir: bigint;
  pburst: bigint;
}

export interface CounterValue {
  bytes: bigint;
  packets: bigint;
}

export interface EntrySpec {
  key: KeyMatch[]; // one per table key field, in key order
  action: ActionCall;
  /** P4Runtime semantics: a higher number wins; 0 for tables without ternary/range/optional keys. */
  priority: number;
  idleTimeoutNs?: bigint; // 0 or absent: no idle timeout
}

export interface EntryView extends EntrySpec {
  counter?: CounterValue; // the table's direct counter, if any
  meter?: MeterConfig; // the table's direct meter config, if any
  elapsedNs?: bigint; // time since last hit, for tables with idle timeout
  isConst: boolean;
}

export interface Replica {
  port: number;
  instance: number; // egress_rid of the copy
}

export interface CloneSession {
  replicas: Replica[];
  classOfService: number;
  packetLengthBytes: number; // 0: whole packet
}

export interface DigestMessage {
  learnList: string; // BMv2 learn_list name
  /** One entry per generated digest, each the list's field values in element order. */
  data: bigint[][];
  timestampNs: bigint;
}

/** What a loaded program offers; the dataplane implements it. */
export interface ControlPlane {
  // tables
  tableAdd(table: string, entry: EntrySpec): void;
  tableModify(table: string, entry: EntrySpec): void; // matched by key and priority
  tableDelete(table: string, key: KeyMatch[], priority: number): void;
  tableSetDefault(table: string, action: ActionCall): void; // PERMISSION_DENIED when the default action is const
  tableResetDefault(table: string): void;
  tableGetDefault(table: string): ActionCall;
  tableEntries(table: string): EntryView[];
  tableEntry(table: string, key: KeyMatch[], priority: number): EntryView | undefined;
  tableClear(table: string): void;
  directCounterWrite(table: string, key: KeyMatch[], priority: number, value: CounterValue): void;
  directMeterSet(table: string, key: KeyMatch[], priority: number, config: MeterConfig | undefined): void;

  // stateful externs, by BMv2 array name
  registerRead(register: string, index: number): bigint;
  registerWrite(register: string, index: number, value: bigint): void;
  registerSize(register: string): number;
  registerReset(register: string): void;
  counterRead(counter: string, index: number): CounterValue;
  counterWrite(counter: string, index: number, value: CounterValue): void;
  counterSize(counter: string): number;
  meterSet(meter: string, index: number, config: MeterConfig | undefined): void; // undefined: reset to always green
  meterGet(meter: string, index: number): MeterConfig | undefined;
  meterSize(meter: string): number;

  // packet replication engine
  multicastGroupSet(group: number, replicas: Replica[]): void; // creates or replaces
  multicastGroupDelete(group: number): void;
  multicastGroups(): Map<number, Replica[]>;
  cloneSessionSet(session: number, config: CloneSession): void;
  cloneSessionDelete(session: number): void;
  cloneSessions(): Map<number, CloneSession>;

  // parser value sets
  valueSetAdd(vset: string, value: bigint, mask: bigint): void;
  valueSetClear(vset: string): void;
}

/** Events the dataplane raises towards controllers. */
export interface ControlPlaneEvents {
  /** A packet the pipeline sent to the CPU port, whole (the packet_in header still in front). */
  onPacketToCpu(handler: (packet: Uint8Array) => void): void;
  onDigest(handler: (digest: DigestMessage) => void): void;
  onIdleTimeout(handler: (table: string, entries: EntryView[]) => void): void;
  /** Inject a packet as if it arrived on the CPU port (the packet_out header in front). */
  injectFromCpu(packet: Uint8Array): void;
}
