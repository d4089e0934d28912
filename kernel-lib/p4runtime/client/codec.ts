// Parsed values ⇄ P4Runtime wire values: key fields, action parameters,
// P4Data bitstrings. Encoding checks widths once, at the boundary.
import type { MatchField } from '../../p4info/types.js';
import { decodeBytes, encodeBytes } from '../bytes.js';
import { parseMatch, parseValue, type MatchInput, type ParsedMatch, type ValueInput } from '../values.js';
import type { FieldMatch, Int64 } from './wire.js';

// Values are checked against their width when parsed, so encoding skips the check.

/** Parses and encodes one key field; undefined for a don't-care field (omitted). */
export function encodeFieldMatch(field: MatchField, input: MatchInput, where: string): FieldMatch | undefined {
  const parsed = parseMatch(input, field.match_type, field.bitwidth, `${where}, field ${field.name}`);
  if (!parsed) return undefined;
  switch (parsed.kind) {
    case 'exact':
      return { field_id: field.id, exact: { value: encodeBytes(parsed.value) } };
    case 'optional':
      return { field_id: field.id, optional: { value: encodeBytes(parsed.value) } };
    case 'lpm':
      return { field_id: field.id, lpm: { value: encodeBytes(parsed.value), prefix_len: parsed.prefixLen } };
    case 'ternary':
      return { field_id: field.id, ternary: { value: encodeBytes(parsed.value), mask: encodeBytes(parsed.mask) } };
    case 'range':
      return { field_id: field.id, range: { low: encodeBytes(parsed.low), high: encodeBytes(parsed.high) } };
  }
}

/** The parsed form of a key field the switch returned. */
export function decodeFieldMatch(field: MatchField, m: FieldMatch): ParsedMatch {
  const w = field.bitwidth;
  const what = `field ${field.name}`;
  if (m.exact) return { kind: 'exact', value: decodeBytes(m.exact.value, w, what) };
  if (m.optional) return { kind: 'optional', value: decodeBytes(m.optional.value, w, what) };
  if (m.lpm) return { kind: 'lpm', value: decodeBytes(m.lpm.value, w, what), prefixLen: m.lpm.prefix_len ?? 0 };
  if (m.ternary) return { kind: 'ternary', value: decodeBytes(m.ternary.value, w, what), mask: decodeBytes(m.ternary.mask, w, what) };
  if (m.range) return { kind: 'range', low: decodeBytes(m.range.low, w, what), high: decodeBytes(m.range.high, w, what) };
  throw new Error(`${what}: the switch returned a match of an unknown kind`);
}

/** Parses and encodes a value of `bitwidth` bits. */
export function encodeValue(input: ValueInput, bitwidth: number, where: string): Buffer {
  return encodeBytes(parseValue(input, bitwidth, where));
}

/** A 64-bit wire integer (decimal string, number or absent) as bigint. */
export function int64(value: Int64 | undefined | null): bigint {
  return value === undefined || value === null ? 0n : BigInt(value);
}

/** A bigint or number as the decimal string protobufjs accepts for 64-bit fields. */
export function toInt64(value: bigint | number): string {
  return typeof value === 'bigint' ? value.toString() : String(Math.trunc(value));
}
