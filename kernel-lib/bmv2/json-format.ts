// The BMv2 JSON format (behavioral-model docs/JSON_format.md, format 2.x).
// The compiler emits it, the switch loads it, and a real simple_switch must be
// able to load what the compiler emits: keep field names and shapes exact.

export type Bmv2Value =
  | { type: 'field'; value: [string, string] }
  | { type: 'hexstr'; value: string; bitwidth?: number }
  | { type: 'bool'; value: boolean }
  | { type: 'header'; value: string }
  | { type: 'header_stack'; value: string }
  | { type: 'header_union'; value: string }
  | { type: 'header_union_stack'; value: string }
  | { type: 'stack_field'; value: [string, string] }
  | { type: 'calculation'; value: string }
  | { type: 'register_array'; value: string }
  | { type: 'meter_array'; value: string }
  | { type: 'counter_array'; value: string }
  | { type: 'extern'; value: string }
  | { type: 'string'; value: string }
  | { type: 'lookahead'; value: [number, number] }
  | { type: 'local'; value: number }
  | { type: 'runtime_data'; value: number }
  | { type: 'parse_vset'; value: string }
  | { type: 'field_list'; value: number }
  | { type: 'regular'; value: string } // extract/emit operand: a header
  | { type: 'stack'; value: string } // extract operand: the next element of a header stack
  | { type: 'parameters_vector'; value: Bmv2Value[] } // log_msg's arguments
  | { type: 'expression'; value: Bmv2Expression | Bmv2Value };

// `left` is null for unary operators; the ternary `?` carries `cond`.
export interface Bmv2Expression {
  op: Bmv2Op;
  left: Bmv2Value | null;
  right: Bmv2Value | null;
  cond?: Bmv2Value;
}

export type Bmv2Op =
  | '+' | '-' | '*' | '<<' | '>>' | '==' | '!=' | '>' | '>=' | '<' | '<='
  | '&' | '|' | '^' | '~' | 'and' | 'or' | 'not' | '?'
  | 'valid' | 'valid_union' | 'd2b' | 'b2d' | 'two_comp_mod' | 'sat_cast' | 'usat_cast'
  | 'dereference_header_stack' | 'dereference_union_stack' | 'last_stack_index' | 'size_stack'
  | 'access_field';

export interface SourceInfo {
  filename: string;
  line: number;
  column: number;
  source_fragment: string;
}

export interface Bmv2HeaderType {
  name: string;
  id: number;
  // [name, width, signed?]; width "*" marks a varbit field (max_length then given)
  fields: Array<[string, number | '*', boolean?]>;
  max_length?: number;
}

export interface Bmv2Header {
  name: string;
  id: number;
  header_type: string;
  metadata: boolean;
  pi_omit?: boolean;
}

export interface Bmv2HeaderStack {
  name: string;
  id: number;
  size: number;
  header_type: string;
  header_ids: number[];
}

export interface Bmv2HeaderUnionType {
  name: string;
  id: number;
  headers: Array<[string, string]>;
}

export interface Bmv2HeaderUnion {
  name: string;
  id: number;
  union_type: string;
  header_ids: number[];
  pi_omit?: boolean;
}

export interface Bmv2HeaderUnionStack {
  name: string;
  id: number;
  union_type: string;
  size: number;
  header_union_ids: number[];
}

export interface Bmv2FieldList {
  id: number;
  name: string;
  elements: Array<{ type: 'field'; value: [string, string] }>;
  source_info?: SourceInfo;
}

export interface Bmv2Enum {
  name: string;
  entries: Array<[string, number]>;
}

export interface Bmv2ParserOp {
  op: 'extract' | 'extract_VL' | 'set' | 'verify' | 'advance' | 'primitive' | 'shift';
  parameters: Bmv2Value[] | Array<{ op: string; parameters: Bmv2Value[] }>;
  source_info?: SourceInfo;
}

export interface Bmv2Transition {
  // older p4c omits `type` and writes value "default"
  type?: 'default' | 'hexstr' | 'parse_vset';
  value: string | null;
  mask: string | null;
  next_state: string | null;
}

export interface Bmv2ParseState {
  name: string;
  id: number;
  parser_ops: Bmv2ParserOp[];
  transition_key: Bmv2Value[];
  transitions: Bmv2Transition[];
  source_info?: SourceInfo;
}

export interface Bmv2Parser {
  name: string;
  id: number;
  init_state: string;
  parse_states: Bmv2ParseState[];
}

export interface Bmv2ParseVset {
  name: string;
  id: number;
  compressed_bitwidth: number;
  max_size: number;
}

export interface Bmv2Deparser {
  name: string;
  id: number;
  order: string[];
  primitives?: Bmv2Primitive[];
  source_info?: SourceInfo;
}

export interface Bmv2MeterArray {
  name: string;
  id: number;
  type: 'bytes' | 'packets';
  rate_count: number;
  size: number;
  is_direct: boolean;
  binding?: string;
  result_target?: [string, string];
  source_info?: SourceInfo;
}

export interface Bmv2CounterArray {
  name: string;
  id: number;
  size: number;
  is_direct: boolean;
  binding?: string;
  source_info?: SourceInfo;
}

export interface Bmv2RegisterArray {
  name: string;
  id: number;
  size: number;
  bitwidth: number;
  source_info?: SourceInfo;
}

export interface Bmv2CalculationInput {
  type: 'field' | 'hexstr' | 'header' | 'payload' | 'stack_field';
  value: unknown;
  bitwidth?: number;
}

export interface Bmv2Calculation {
  name: string;
  id: number;
  algo: string;
  input: Bmv2CalculationInput[];
  source_info?: SourceInfo;
}

export interface Bmv2LearnList {
  id: number;
  name: string;
  elements: Array<{ type: 'field'; value: [string, string] }>;
  source_info?: SourceInfo;
}

export interface Bmv2Primitive {
  op: string;
  parameters: Bmv2Value[];
  source_info?: SourceInfo;
}

export interface Bmv2Action {
  name: string;
  id: number;
  runtime_data: Array<{ name: string; bitwidth: number }>;
  primitives: Bmv2Primitive[];
  source_info?: SourceInfo;
}

export type Bmv2MatchType = 'exact' | 'lpm' | 'ternary' | 'range' | 'optional' | 'valid';

export interface Bmv2TableKey {
  match_type: Bmv2MatchType;
  name: string;
  target: [string, string] | string;
  mask: string | null;
}

/** One key of a const entry; p4c writes `optional` keys as `ternary`. */
export type Bmv2EntryKey =
  | { match_type: 'exact'; key: string }
  | { match_type: 'lpm'; key: string; prefix_length: number }
  | { match_type: 'ternary'; key: string; mask: string }
  | { match_type: 'range'; start: string; end: string };

/** A const entry; p4c has named its key list `match_key` since it first emitted entries. */
export interface Bmv2TableEntry {
  source_info?: SourceInfo;
  match_key: Bmv2EntryKey[];
  action_entry: { action_id: number; action_data: string[] };
  priority: number;
}

export interface Bmv2Table {
  name: string;
  id: number;
  source_info?: SourceInfo;
  key: Bmv2TableKey[];
  match_type: 'exact' | 'lpm' | 'ternary' | 'range';
  type: 'simple' | 'indirect' | 'indirect_ws';
  action_profile?: string;
  max_size: number;
  with_counters: boolean;
  support_timeout: boolean;
  direct_meters: string | null;
  action_ids: number[];
  actions: string[];
  base_default_next: string | null;
  next_tables: Record<string, string | null>;
  default_entry?: {
    action_id: number;
    action_const: boolean;
    action_data: string[];
    action_entry_const: boolean;
  };
  entries?: Bmv2TableEntry[];
}

export interface Bmv2ActionProfile {
  name: string;
  id: number;
  max_size: number;
  selector?: { algo: string; input: Bmv2CalculationInput[] };
}

export interface Bmv2Conditional {
  name: string;
  id: number;
  source_info?: SourceInfo;
  expression: Bmv2Value;
  true_next: string | null;
  false_next: string | null;
}

export interface Bmv2Pipeline {
  name: 'ingress' | 'egress' | string;
  id: number;
  source_info?: SourceInfo;
  init_table: string | null;
  action_profiles: Bmv2ActionProfile[];
  tables: Bmv2Table[];
  conditionals: Bmv2Conditional[];
}

export interface Bmv2Checksum {
  name: string;
  id: number;
  source_info?: SourceInfo;
  target: [string, string];
  type: 'generic' | 'ipv4' | string;
  calculation: string;
  verify: boolean;
  update: boolean;
  if_cond: Bmv2Value | null;
}

export interface Bmv2ExternInstance {
  name: string;
  id: number;
  type: string;
  attribute_values: Array<{ name: string; type: string; value: string }>;
}

export interface Bmv2Json {
  program?: string;
  __meta__: { version: [number, number]; compiler?: string };
  header_types: Bmv2HeaderType[];
  headers: Bmv2Header[];
  header_stacks: Bmv2HeaderStack[];
  header_union_types: Bmv2HeaderUnionType[];
  header_unions: Bmv2HeaderUnion[];
  header_union_stacks: Bmv2HeaderUnionStack[];
  field_lists: Bmv2FieldList[];
  errors: Array<[string, number]>;
  enums: Bmv2Enum[];
  parsers: Bmv2Parser[];
  parse_vsets: Bmv2ParseVset[];
  deparsers: Bmv2Deparser[];
  meter_arrays: Bmv2MeterArray[];
  counter_arrays: Bmv2CounterArray[];
  register_arrays: Bmv2RegisterArray[];
  calculations: Bmv2Calculation[];
  learn_lists: Bmv2LearnList[];
  actions: Bmv2Action[];
  pipelines: Bmv2Pipeline[];
  checksums: Bmv2Checksum[];
  force_arith: Array<[string, string]>;
  extern_instances: Bmv2ExternInstance[];
  field_aliases: Array<[string, [string, string]]>;
}

/** The formats BMv2 accepts: major 2, minor at most 24. */
export const BMV2_JSON_VERSION: [number, number] = [2, 23];
