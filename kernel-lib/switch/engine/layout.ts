// Where each header field of a program lives in the packet state (PHV): a slot
// of a Float64Array per field (several for fields over 53 bits), a validity byte
// per header, a next-index per header stack.
import type { Bmv2Json } from '../../bmv2/json-format.js';
import { wordsFor } from './bits.js';
import { fail } from './validate.js';

export interface FieldInfo {
  name: string;
  width: number;
  signed: boolean;
  slot: number; // absolute slot of the (first) word
  offset: number; // slot offset within its header
  bitOffset: number; // bit position within the header's wire form
  words: number; // 1 for ≤ 53 bits, else the number of 32-bit words
}

/** A varbit field (the last of its header): a length slot (bits), then one slot per byte. */
export interface VarbitInfo {
  name: string;
  lenSlot: number;
  dataSlot: number;
  maxBytes: number;
}

export interface HeaderInfo {
  name: string;
  index: number;
  typeName: string;
  metadata: boolean;
  base: number;
  fields: FieldInfo[];
  byName: Map<string, FieldInfo>;
  bits: number; // fixed part
  bytes: number; // fixed part
  slots: number; // all slots of the header, from base
  varbit?: VarbitInfo;
}

export interface StackInfo {
  name: string;
  index: number;
  headers: number[]; // header indices, element order
}

/** The standard_metadata fields the traffic manager reads and writes. */
export const STD_FIELDS = [
  'ingress_port', 'egress_spec', 'egress_port', 'instance_type', 'packet_length', 'enq_timestamp', 'enq_qdepth',
  'deq_timedelta', 'deq_qdepth', 'ingress_global_timestamp', 'egress_global_timestamp', 'mcast_grp', 'egress_rid',
  'checksum_error', 'parser_error', 'priority',
] as const;
export type StdField = (typeof STD_FIELDS)[number];

const CORE_ERRORS = ['NoError', 'PacketTooShort', 'NoMatch', 'StackOutOfBounds', 'HeaderTooShort', 'ParserTimeout', 'ParserInvalidArgument'];

export class Layout {
  readonly headers: HeaderInfo[] = [];
  readonly headerByName = new Map<string, HeaderInfo>();
  readonly stacks: StackInfo[] = [];
  readonly stackByName = new Map<string, StackInfo>();
  readonly unions = new Map<string, number[]>();
  /** For a header in a union, the other members: making it valid invalidates them. */
  readonly unionSiblings = new Map<number, number[]>();
  readonly errors = new Map<string, number>();
  /** Slot of each standard metadata field; 0 (a scratch slot) when the program lacks it. */
  readonly std: Record<StdField, number>;
  readonly metadataHeaders: number[] = [];
  slots = 1; // slot 0 is a sink for absent standard metadata fields

  constructor(json: Bmv2Json) {
    const types = new Map(json.header_types.map((t) => [t.name, t]));
    json.headers.forEach((h, i) => {
      const type = types.get(h.header_type);
      if (!type) fail(`headers[${i}].header_type`, `unknown header type "${h.header_type}"`);
      let bitOffset = 0;
      const fields: FieldInfo[] = [];
      const base = this.slots;
      const typePath = `header_types[${json.header_types.indexOf(type)}]`;
      let varbit: VarbitInfo | undefined;
      type.fields.forEach(([name, width, signed], j) => {
        if (width === '*') {
          if (j !== type.fields.length - 1) fail(`${typePath}.fields[${j}]`, `varbit field "${name}" must be the last field of its header here`);
          const maxBits = (type.max_length ?? 0) * 8 - bitOffset;
          if (!(maxBits > 0) || maxBits % 8 !== 0 || bitOffset % 8 !== 0) fail(`${typePath}.max_length`, `header type "${type.name}" needs a max_length (bytes) leaving whole bytes for varbit "${name}"`);
          varbit = { name, lenSlot: this.slots, dataSlot: this.slots + 1, maxBytes: maxBits / 8 };
          this.slots += 1 + maxBits / 8;
          return;
        }
        if (!Number.isInteger(width) || width < 0) fail(`${typePath}.fields[${j}]`, `bad width ${String(width)}`);
        const words = wordsFor(width);
        fields.push({ name, width, signed: signed === true, slot: this.slots, offset: this.slots - base, bitOffset, words });
        this.slots += words;
        bitOffset += width;
      });
      if (!h.metadata && bitOffset % 8 !== 0) fail(`headers[${i}]`, `header "${h.name}" is ${bitOffset} bits, not a whole number of bytes`);
      const info: HeaderInfo = {
        name: h.name, index: i, typeName: type.name, metadata: h.metadata, base, fields,
        byName: new Map(fields.map((f) => [f.name, f])), bits: bitOffset, bytes: Math.ceil(bitOffset / 8),
        slots: this.slots - base, varbit,
      };
      if (this.headerByName.has(h.name)) fail(`headers[${i}].name`, `duplicate header "${h.name}"`);
      this.headers.push(info);
      this.headerByName.set(h.name, info);
      if (h.metadata) this.metadataHeaders.push(i);
    });
    (json.header_stacks ?? []).forEach((s, i) => {
      const headers = s.header_ids.map((id, j) => {
        const hi = json.headers.findIndex((h) => h.id === id);
        if (hi < 0) fail(`header_stacks[${i}].header_ids[${j}]`, `unknown header id ${id}`);
        return hi;
      });
      const info = { name: s.name, index: i, headers };
      this.stacks.push(info);
      this.stackByName.set(s.name, info);
    });
    (json.header_unions ?? []).forEach((u, i) => {
      const headers = u.header_ids.map((id, j) => {
        const hi = json.headers.findIndex((h) => h.id === id);
        if (hi < 0) fail(`header_unions[${i}].header_ids[${j}]`, `unknown header id ${id}`);
        return hi;
      });
      this.unions.set(u.name, headers);
      for (const h of headers) this.unionSiblings.set(h, headers.filter((x) => x !== h));
    });
    if ((json.header_union_stacks ?? []).length > 0) fail('header_union_stacks', 'header union stacks are not supported by this switch yet');
    CORE_ERRORS.forEach((name, i) => this.errors.set(name, i));
    // Programs declare their own numbering (older p4c counts from 1): theirs wins.
    (json.errors ?? []).forEach(([name, value], i) => {
      if (!Number.isInteger(value)) fail(`errors[${i}]`, `error "${name}" needs a whole number, found ${JSON.stringify(value)}`);
      this.errors.set(name, value);
    });

    const aliases = new Map((json.field_aliases ?? []).map(([alias, target]) => [alias.split('.')[1]!, target]));
    const std = {} as Record<StdField, number>;
    for (const name of STD_FIELDS) {
      const target = aliases.get(name) ?? ['standard_metadata', name];
      std[name] = this.headerByName.get(target[0])?.byName.get(target[1])?.slot ?? 0;
    }
    this.std = std;
  }

  header(name: string, path: string): HeaderInfo {
    const h = this.headerByName.get(name);
    if (!h) fail(path, `unknown header "${name}"`);
    return h;
  }

  field(ref: unknown, path: string): FieldInfo {
    if (!Array.isArray(ref) || ref.length !== 2 || typeof ref[0] !== 'string' || typeof ref[1] !== 'string') {
      fail(path, 'a field reference must be ["header", "field"]');
    }
    const [hn, fn] = ref as [string, string];
    const h = this.headerByName.get(hn);
    if (!h) {
      // `stack[i]` style names are not used by p4c; `$valid$` is the hidden validity bit
      fail(path, `unknown header "${hn}"`);
    }
    const f = h.byName.get(fn);
    if (!f) {
      if (h.varbit?.name === fn) fail(path, `varbit field "${hn}.${fn}" can only be extracted, emitted, copied or checksummed here`);
      fail(path, `header "${hn}" has no field "${fn}"`);
    }
    return f;
  }

  stack(name: string, path: string): StackInfo {
    const s = this.stackByName.get(name);
    if (!s) fail(path, `unknown header stack "${name}"`);
    return s;
  }

  /** JS statements making header `h` valid (and its union siblings invalid). */
  setValid(h: number): string {
    return [`V[${h}] = 1;`, ...(this.unionSiblings.get(h) ?? []).map((x) => `V[${x}] = 0;`)].join(' ');
  }

  error(name: string): number {
    return this.errors.get(name) ?? 0;
  }
}
