// The p4.v1 messages the client sends and receives, as @grpc/proto-loader
// objects (snake_case, bytes as Buffer, 64-bit integers as decimal strings,
// enums as names, oneofs named). Only the fields the client uses are typed.

export type Int64 = string | number;

export interface FieldMatch {
  field_id: number;
  exact?: { value: Buffer };
  ternary?: { value: Buffer; mask: Buffer };
  lpm?: { value: Buffer; prefix_len: number };
  range?: { low: Buffer; high: Buffer };
  optional?: { value: Buffer };
}

export interface Action {
  action_id: number;
  params?: Array<{ param_id: number; value: Buffer }>;
}

export interface TableAction {
  action?: Action;
}

export interface CounterData {
  byte_count?: Int64;
  packet_count?: Int64;
}

export interface MeterConfig {
  cir?: Int64;
  cburst?: Int64;
  pir?: Int64;
  pburst?: Int64;
}

export interface TableEntry {
  table_id: number;
  match?: FieldMatch[];
  action?: TableAction | null;
  priority?: number;
  meter_config?: MeterConfig | null;
  counter_data?: CounterData | null;
  is_default_action?: boolean;
  idle_timeout_ns?: Int64;
  time_since_last_hit?: { elapsed_ns?: Int64 } | null;
  const?: boolean;
}

export interface Index {
  index: Int64;
}

export interface P4Data {
  bitstring?: Buffer;
  bool?: boolean;
  struct?: { members?: P4Data[] };
  tuple?: { members?: P4Data[] };
  data?: string; // the oneof's name, set on decode
}

export interface Replica {
  egress_port?: number;
  port?: Buffer;
  instance: number;
}

export interface Entity {
  table_entry?: TableEntry;
  meter_entry?: { meter_id: number; index?: Index | null; config?: MeterConfig | null };
  direct_meter_entry?: { table_entry: TableEntry; config?: MeterConfig | null };
  counter_entry?: { counter_id: number; index?: Index | null; data?: CounterData | null };
  direct_counter_entry?: { table_entry: TableEntry; data?: CounterData | null };
  packet_replication_engine_entry?: {
    multicast_group_entry?: { multicast_group_id: number; replicas?: Replica[] };
    clone_session_entry?: { session_id: number; replicas?: Replica[]; class_of_service?: number; packet_length_bytes?: number };
  };
  register_entry?: { register_id: number; index?: Index | null; data?: P4Data | null };
  digest_entry?: { digest_id: number; config?: { max_timeout_ns?: Int64; max_list_size?: number; ack_timeout_ns?: Int64 } | null };
  entity?: string;
}

export type UpdateType = 'INSERT' | 'MODIFY' | 'DELETE';

export interface Update {
  type: UpdateType;
  entity: Entity;
}

export interface Uint128 {
  high: Int64;
  low: Int64;
}

export interface Status {
  code?: number;
  message?: string;
}

export interface PacketMetadata {
  metadata_id: number;
  value: Buffer;
}

export interface StreamMessageResponse {
  arbitration?: { device_id?: Int64; election_id?: Uint128 | null; status?: Status | null; role?: { name?: string } | null };
  packet?: { payload: Buffer; metadata?: PacketMetadata[] };
  digest?: { digest_id: number; list_id: Int64; data?: P4Data[]; timestamp?: Int64 };
  idle_timeout_notification?: { table_entry?: TableEntry[]; timestamp?: Int64 };
  error?: { canonical_code?: number; message?: string };
  update?: string;
}

export interface StreamMessageRequest {
  arbitration?: { device_id: Int64; election_id: Uint128; role?: { name: string } };
  packet?: { payload: Buffer; metadata: PacketMetadata[] };
  digest_ack?: { digest_id: number; list_id: Int64 };
}

export interface ForwardingPipelineConfig {
  p4info?: unknown;
  p4_device_config?: Buffer;
  cookie?: { cookie: Int64 } | null;
}
