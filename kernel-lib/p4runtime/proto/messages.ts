// p4.v1 messages as JavaScript objects, in the shape proto.ts's CONVERSION
// gives them: snake_case names, 64-bit integers as decimal strings, enums as
// names, bytes as Buffer, unset fields absent, and each oneof also named by a
// virtual field. Every field is optional because a received message may omit
// any of them; code that reads them validates at the boundary.
// When sending, 64-bit fields also accept numbers and bytes accept Uint8Array.
import type { P4Info as P4InfoObject } from '../../p4info/types.js';

export type Int64 = string | number;
export type Bytes = Buffer | Uint8Array;

export interface AnyMsg {
  type_url?: string;
  value?: Bytes;
}

export interface StatusMsg {
  code?: number;
  message?: string;
  details?: AnyMsg[];
}

export interface Uint128 {
  high?: Int64;
  low?: Int64;
}

export type UpdateType = 'UNSPECIFIED' | 'INSERT' | 'MODIFY' | 'DELETE';
export type Atomicity = 'CONTINUE_ON_ERROR' | 'ROLLBACK_ON_ERROR' | 'DATAPLANE_ATOMIC';

export interface WriteRequest {
  device_id?: Int64;
  role_id?: Int64;
  role?: string;
  election_id?: Uint128;
  updates?: Update[];
  atomicity?: Atomicity;
}

export interface ReadRequest {
  device_id?: Int64;
  role?: string;
  entities?: Entity[];
}

export interface ReadResponse {
  entities?: Entity[];
}

export interface Update {
  type?: UpdateType;
  entity?: Entity;
}

export type EntityKind =
  | 'extern_entry'
  | 'table_entry'
  | 'action_profile_member'
  | 'action_profile_group'
  | 'meter_entry'
  | 'direct_meter_entry'
  | 'counter_entry'
  | 'direct_counter_entry'
  | 'packet_replication_engine_entry'
  | 'value_set_entry'
  | 'register_entry'
  | 'digest_entry';

export interface Entity {
  entity?: EntityKind;
  extern_entry?: { extern_type_id?: number; extern_id?: number; entry?: AnyMsg };
  table_entry?: TableEntry;
  action_profile_member?: ActionProfileMember;
  action_profile_group?: ActionProfileGroup;
  meter_entry?: MeterEntry;
  direct_meter_entry?: DirectMeterEntry;
  counter_entry?: CounterEntry;
  direct_counter_entry?: DirectCounterEntry;
  packet_replication_engine_entry?: PacketReplicationEngineEntry;
  value_set_entry?: ValueSetEntry;
  register_entry?: RegisterEntry;
  digest_entry?: DigestEntry;
}

export interface TableEntry {
  table_id?: number;
  match?: FieldMatch[];
  action?: TableAction;
  priority?: number;
  controller_metadata?: Int64;
  meter_config?: MeterConfig;
  counter_data?: CounterData;
  meter_counter_data?: MeterCounterData;
  is_default_action?: boolean;
  idle_timeout_ns?: Int64;
  time_since_last_hit?: { elapsed_ns?: Int64 };
  metadata?: Bytes;
  const?: boolean;
}

export interface FieldMatch {
  field_id?: number;
  field_match_type?: 'exact' | 'ternary' | 'lpm' | 'range' | 'optional' | 'other';
  exact?: { value?: Bytes };
  ternary?: { value?: Bytes; mask?: Bytes };
  lpm?: { value?: Bytes; prefix_len?: number };
  range?: { low?: Bytes; high?: Bytes };
  optional?: { value?: Bytes };
  other?: AnyMsg;
}

export interface TableAction {
  type?: 'action' | 'action_profile_member_id' | 'action_profile_group_id' | 'action_profile_action_set';
  action?: Action;
  action_profile_member_id?: number;
  action_profile_group_id?: number;
  action_profile_action_set?: {
    action_profile_actions?: Array<{ action?: Action; weight?: number; watch?: number; watch_port?: Bytes }>;
  };
}

export interface Action {
  action_id?: number;
  params?: Array<{ param_id?: number; value?: Bytes }>;
}

export interface ActionProfileMember {
  action_profile_id?: number;
  member_id?: number;
  action?: Action;
}

export interface ActionProfileGroup {
  action_profile_id?: number;
  group_id?: number;
  members?: Array<{ member_id?: number; weight?: number; watch?: number; watch_port?: Bytes }>;
  max_size?: number;
}

export interface Index {
  index?: Int64;
}

export interface MeterConfig {
  cir?: Int64;
  cburst?: Int64;
  pir?: Int64;
  pburst?: Int64;
  eburst?: Int64;
}

export interface CounterData {
  byte_count?: Int64;
  packet_count?: Int64;
}

export interface MeterCounterData {
  green?: CounterData;
  yellow?: CounterData;
  red?: CounterData;
}

export interface MeterEntry {
  meter_id?: number;
  index?: Index;
  config?: MeterConfig;
  counter_data?: MeterCounterData;
}

export interface DirectMeterEntry {
  table_entry?: TableEntry;
  config?: MeterConfig;
  counter_data?: MeterCounterData;
}

export interface CounterEntry {
  counter_id?: number;
  index?: Index;
  data?: CounterData;
}

export interface DirectCounterEntry {
  table_entry?: TableEntry;
  data?: CounterData;
}

export interface RegisterEntry {
  register_id?: number;
  index?: Index;
  data?: P4Data;
}

export interface Replica {
  port_kind?: 'egress_port' | 'port';
  egress_port?: number;
  port?: Bytes;
  instance?: number;
}

export interface MulticastGroupEntry {
  multicast_group_id?: number;
  replicas?: Replica[];
  metadata?: Bytes;
}

export interface CloneSessionEntry {
  session_id?: number;
  replicas?: Replica[];
  class_of_service?: number;
  packet_length_bytes?: number;
}

export interface PacketReplicationEngineEntry {
  type?: 'multicast_group_entry' | 'clone_session_entry';
  multicast_group_entry?: MulticastGroupEntry;
  clone_session_entry?: CloneSessionEntry;
}

export interface ValueSetEntry {
  value_set_id?: number;
  members?: Array<{ match?: FieldMatch[] }>;
}

export interface DigestConfig {
  max_timeout_ns?: Int64;
  max_list_size?: number;
  ack_timeout_ns?: Int64;
}

export interface DigestEntry {
  digest_id?: number;
  config?: DigestConfig;
}

export interface P4Header {
  is_valid?: boolean;
  bitstrings?: Bytes[];
}

export interface P4Data {
  data?:
    | 'bitstring'
    | 'varbit'
    | 'bool'
    | 'tuple'
    | 'struct'
    | 'header'
    | 'header_union'
    | 'header_stack'
    | 'header_union_stack'
    | 'enum'
    | 'error'
    | 'enum_value';
  bitstring?: Bytes;
  varbit?: { bitstring?: Bytes; bitwidth?: number };
  bool?: boolean;
  tuple?: { members?: P4Data[] };
  struct?: { members?: P4Data[] };
  header?: P4Header;
  header_union?: { valid_header_name?: string; valid_header?: P4Header };
  header_stack?: { entries?: P4Header[] };
  header_union_stack?: { entries?: Array<{ valid_header_name?: string; valid_header?: P4Header }> };
  enum?: string;
  error?: string;
  enum_value?: Bytes;
}

// ---- stream channel ----

export interface PacketMetadata {
  metadata_id?: number;
  value?: Bytes;
}

export interface PacketOut {
  payload?: Bytes;
  metadata?: PacketMetadata[];
}

export interface PacketIn {
  payload?: Bytes;
  metadata?: PacketMetadata[];
}

export interface DigestListAck {
  digest_id?: number;
  list_id?: Int64;
}

export interface DigestList {
  digest_id?: number;
  list_id?: Int64;
  data?: P4Data[];
  timestamp?: Int64;
}

export interface Role {
  id?: Int64;
  name?: string;
  config?: AnyMsg;
}

export interface MasterArbitrationUpdate {
  device_id?: Int64;
  role?: Role;
  election_id?: Uint128;
  status?: StatusMsg;
}

export interface IdleTimeoutNotification {
  table_entry?: TableEntry[];
  timestamp?: Int64;
}

export interface StreamError {
  canonical_code?: number;
  message?: string;
  space?: string;
  code?: number;
  details?: 'packet_out' | 'digest_list_ack' | 'other';
  packet_out?: { packet_out?: PacketOut };
  digest_list_ack?: { digest_list_ack?: DigestListAck };
  other?: { other?: AnyMsg };
}

export interface StreamMessageRequest {
  update?: 'arbitration' | 'packet' | 'digest_ack' | 'other';
  arbitration?: MasterArbitrationUpdate;
  packet?: PacketOut;
  digest_ack?: DigestListAck;
  other?: AnyMsg;
}

export interface StreamMessageResponse {
  update?: 'arbitration' | 'packet' | 'digest' | 'idle_timeout_notification' | 'other' | 'error';
  arbitration?: MasterArbitrationUpdate;
  packet?: PacketIn;
  digest?: DigestList;
  idle_timeout_notification?: IdleTimeoutNotification;
  other?: AnyMsg;
  error?: StreamError;
}

// ---- pipeline configuration ----

export type PipelineAction = 'UNSPECIFIED' | 'VERIFY' | 'VERIFY_AND_SAVE' | 'VERIFY_AND_COMMIT' | 'COMMIT' | 'RECONCILE_AND_COMMIT';
export type PipelineResponseType = 'ALL' | 'COOKIE_ONLY' | 'P4INFO_AND_COOKIE' | 'DEVICE_CONFIG_AND_COOKIE';

/**
 * P4Info as it travels: received ones may omit any field and carry 64-bit
 * sizes as strings, so the server validates them; C2's `P4Info` type is the
 * well-formed shape senders build.
 */
export type WireP4Info = P4InfoObject | Record<string, unknown>;

export interface ForwardingPipelineConfig {
  p4info?: WireP4Info;
  p4_device_config?: Bytes;
  cookie?: { cookie?: Int64 };
}

export interface SetForwardingPipelineConfigRequest {
  device_id?: Int64;
  role_id?: Int64;
  role?: string;
  election_id?: Uint128;
  action?: PipelineAction;
  config?: ForwardingPipelineConfig;
}

export interface GetForwardingPipelineConfigRequest {
  device_id?: Int64;
  response_type?: PipelineResponseType;
}

export interface GetForwardingPipelineConfigResponse {
  config?: ForwardingPipelineConfig;
}

export interface CapabilitiesResponse {
  p4runtime_api_version?: string;
}

/** p4.v1.Error: one per update in the details of a failed Write. */
export interface ErrorMsg {
  canonical_code?: number;
  message?: string;
  space?: string;
  code?: number;
  details?: AnyMsg;
}
