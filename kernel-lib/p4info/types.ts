// P4Info (p4.config.v1.P4Info) as plain objects. Field names are the proto's own
// snake_case names and enums are their proto names as strings, so an object
// converts with protobufjs `Type.fromObject` and prints as text format directly.
// Optional fields are omitted when they hold the proto default.

export interface Preamble {
  id: number;
  name: string;
  alias: string;
  annotations?: string[];
  doc?: { brief?: string; description?: string };
}

export type MatchType = 'EXACT' | 'LPM' | 'TERNARY' | 'RANGE' | 'OPTIONAL';

export interface MatchField {
  id: number;
  name: string;
  annotations?: string[];
  bitwidth: number;
  match_type: MatchType;
}

export type ActionRefScope = 'TABLE_AND_DEFAULT' | 'TABLE_ONLY' | 'DEFAULT_ONLY';

export interface ActionRef {
  id: number;
  annotations?: string[];
  scope?: ActionRefScope; // absent = TABLE_AND_DEFAULT
}

export type IdleTimeoutBehavior = 'NO_TIMEOUT' | 'NOTIFY_CONTROL';

/** An action with its arguments (big-endian bytes, shortest form), as the initial default action. */
export interface TableActionCall {
  action_id: number;
  arguments?: Array<{ param_id: number; value: Uint8Array }>;
}

export interface Table {
  preamble: Preamble;
  match_fields: MatchField[];
  action_refs: ActionRef[];
  const_default_action_id?: number;
  initial_default_action?: TableActionCall;
  implementation_id?: number;
  direct_resource_ids?: number[];
  size: number;
  idle_timeout_behavior?: IdleTimeoutBehavior;
  is_const_table?: boolean;
  has_initial_entries?: boolean;
}

export interface ActionParam {
  id: number;
  name: string;
  annotations?: string[];
  bitwidth: number;
}

export interface Action {
  preamble: Preamble;
  params: ActionParam[];
}

export interface ActionProfile {
  preamble: Preamble;
  table_ids: number[];
  with_selector?: boolean;
  size: number;
  max_group_size?: number;
}

export type CounterUnit = 'BYTES' | 'PACKETS' | 'BOTH';
export type MeterUnit = 'BYTES' | 'PACKETS';

export interface Counter {
  preamble: Preamble;
  spec: { unit: CounterUnit };
  size: number;
}

export interface DirectCounter {
  preamble: Preamble;
  spec: { unit: CounterUnit };
  direct_table_id: number;
}

export interface Meter {
  preamble: Preamble;
  spec: { unit: MeterUnit };
  size: number;
}

export interface DirectMeter {
  preamble: Preamble;
  spec: { unit: MeterUnit };
  direct_table_id: number;
}

export interface ControllerPacketMetadata {
  preamble: Preamble;
  metadata: Array<{ id: number; name: string; annotations?: string[]; bitwidth: number }>;
}

export interface ValueSet {
  preamble: Preamble;
  match: Array<Omit<MatchField, 'name'> & { name?: string }>;
  size: number;
}

/** p4.config.v1.P4DataTypeSpec, the subset p4lab emits. */
export type P4DataTypeSpec =
  | { bitstring: { bit: { bitwidth: number } } | { int: { bitwidth: number } } }
  | { bool: Record<string, never> }
  | { struct: { name: string } }
  | { header: { name: string } }
  | { tuple: { members: P4DataTypeSpec[] } }
  | { serializable_enum: { name: string } };

export interface Register {
  preamble: Preamble;
  type_spec: P4DataTypeSpec;
  size: number;
}

export interface Digest {
  preamble: Preamble;
  type_spec: P4DataTypeSpec;
}

export interface StructLikeMember {
  name: string;
  type_spec: P4DataTypeSpec;
}

/** p4.config.v1.P4TypeInfo: the named struct and header types that type_specs refer to. */
export interface P4TypeInfo {
  structs?: Record<string, { members: StructLikeMember[] }>;
  headers?: Record<string, { members: Array<{ name: string; type_spec: { bit: { bitwidth: number } } }> }>;
  serializable_enums?: Record<string, { underlying_type: { bitwidth: number }; members: Array<{ name: string; value: string }> }>;
}

export interface PkgInfo {
  arch: string;
}

export interface P4Info {
  pkg_info: PkgInfo;
  tables: Table[];
  actions: Action[];
  action_profiles: ActionProfile[];
  counters: Counter[];
  direct_counters: DirectCounter[];
  meters: Meter[];
  direct_meters: DirectMeter[];
  controller_packet_metadata: ControllerPacketMetadata[];
  value_sets: ValueSet[];
  registers: Register[];
  digests: Digest[];
  type_info?: P4TypeInfo;
}

/** Id prefixes (the top byte of every P4Info id). */
export const P4IdPrefix = {
  ACTION: 0x01,
  TABLE: 0x02,
  VALUE_SET: 0x03,
  CONTROLLER_HEADER: 0x04,
  ACTION_PROFILE: 0x11,
  COUNTER: 0x12,
  DIRECT_COUNTER: 0x13,
  METER: 0x14,
  DIRECT_METER: 0x15,
  REGISTER: 0x16,
  DIGEST: 0x17,
} as const;
