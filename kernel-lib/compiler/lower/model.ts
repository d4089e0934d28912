// What the lowering records for P4Info beside the JSON: tables with their
// P4-level facts, extern instances, digests and packet-I/O headers.
import type * as ast from '../ast.js';
import type { Bmv2Primitive, Bmv2Table } from '../../bmv2/json-format.js';
import type { MatchType } from '../../p4info/types.js';
import type { FieldType } from '../check/types.js';

export interface TableModel {
  json: Bmv2Table;
  pipeline: string;
  order: number; // source offset, to list tables in source order
  hidden: boolean; // synthesised for a direct action call or statements; not in P4Info
  annotations: ast.Annotation[];
  keyPrelude: Bmv2Primitive[]; // computes keys that are not plain fields, in a hidden action run just before the table
  keys: Array<{ name: string; bitwidth: number; matchType: MatchType; annotations: string[] }>;
  actionRefs: Array<{ action: string; scope: 'TABLE_AND_DEFAULT' | 'TABLE_ONLY' | 'DEFAULT_ONLY'; annotations: string[] }>;
  constDefaultAction?: string;
  defaultAction?: { action: string; args: bigint[] }; // the initial default action and its action data
  size: number;
  isConst: boolean;
  hasInitialEntries: boolean;
  idleTimeout: boolean;
  directCounter?: string;
  directMeter?: string;
}

export interface ActionModel {
  name: string;
  params: Array<{ name: string; bitwidth: number }>;
  annotations: ast.Annotation[];
}

export interface ExternModel {
  kind: 'counter' | 'meter' | 'register' | 'direct_counter' | 'direct_meter';
  name: string;
  size: number;
  unit?: 'BYTES' | 'PACKETS' | 'BOTH';
  bitwidth?: number; // registers
  table?: string; // direct resources
  annotations: ast.Annotation[];
}

export interface DigestModel {
  name: string; // the struct's name
  fields: Array<{ name: string; bitwidth: number }>;
}

export interface PacketHeaderModel {
  name: string; // packet_in / packet_out
  annotation: string;
  fields: FieldType[];
}

export interface LoweredModel {
  tables: TableModel[];
  actions: ActionModel[]; // every user action by its JSON name
  externs: ExternModel[];
  digests: DigestModel[];
  packetHeaders: PacketHeaderModel[];
  valueSets: Array<{ name: string; bitwidth: number; size: number }>;
}
