// Values as people write them ('10.0.1.0/24', '00:00:00:00:01:02', '0x0800',
// 'v &&& m', 'lo..hi', numbers, bigints), parsed for a field of known width and
// match kind. Every error names the place (table and field), the value, and
// what was expected there.
import { P4RuntimeValueError } from './errors.js';

export type ValueInput = string | number | bigint | Uint8Array;

export type MatchKind = 'EXACT' | 'LPM' | 'TERNARY' | 'RANGE' | 'OPTIONAL';

/** A match written as an object instead of text. */
export type MatchInput =
  | ValueInput
  | { value: ValueInput; prefixLen: number }
  | { value: ValueInput; mask: ValueInput }
  | { low: ValueInput; high: ValueInput };

/** A parsed key field; `undefined` from parseMatch means "don't care" (omitted on the wire). */
export type ParsedMatch =
  | { kind: 'exact'; value: bigint }
  | { kind: 'lpm'; value: bigint; prefixLen: number }
  | { kind: 'ternary'; value: bigint; mask: bigint }
  | { kind: 'range'; low: bigint; high: bigint }
  | { kind: 'optional'; value: bigint };

const SCALAR_FORMS = 'a number, 0x hex, 0b binary, an IPv4 address, a MAC address or an IPv6 address';

const DECIMAL = /^[0-9][0-9_]*$/;
const HEX = /^0x[0-9a-f][0-9a-f_]*$/i;
const BINARY = /^0b[01][01_]*$/i;
const IPV6_CHARS = /^[0-9a-f:.]+$/i;

/** Parses one unsigned value of `bitwidth` bits; `where` names the place for errors. */
export function parseValue(input: ValueInput, bitwidth: number, where: string): bigint {
  const value = toBigInt(input, where);
  if (value === undefined) {
    throw new P4RuntimeValueError(where, input, `${SCALAR_FORMS} (${bitwidth} bits)`);
  }
  if (value < 0n) throw new P4RuntimeValueError(where, input, `a non-negative value of ${bitwidth} bits`);
  if (value >> BigInt(bitwidth) !== 0n) {
    throw new P4RuntimeValueError(where, input, `a value that fits in ${bitwidth} bits (at most ${maxOf(bitwidth)})`);
  }
  return value;
}

function toBigInt(input: ValueInput, where: string): bigint | undefined {
  if (typeof input === 'bigint') return input;
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) throw new P4RuntimeValueError(where, input, 'an integer (use a bigint or a string beyond 2^53)');
    return BigInt(input);
  }
  if (input instanceof Uint8Array) {
    if (input.length === 0) return undefined;
    return BigInt(`0x${Buffer.from(input.buffer, input.byteOffset, input.length).toString('hex')}`);
  }
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (DECIMAL.test(text) || HEX.test(text) || BINARY.test(text)) return BigInt(text.replaceAll('_', ''));
  // Addresses are parsed by hand: this runs for every key and parameter of a batch.
  const v4 = splitBytes(text, '.', 4, 10);
  if (v4 !== undefined) return BigInt(v4);
  const mac = splitBytes(text, text.includes('-') ? '-' : ':', 6, 16);
  if (mac !== undefined) return BigInt(mac);
  if (text.includes(':') && IPV6_CHARS.test(text)) return parseIpv6(text);
  return undefined;
}

/** `count` byte values in `radix` (decimal octets, or 1–2 hex digits) joined by `sep`, as one number; undefined if malformed. */
function splitBytes(text: string, sep: string, count: number, radix: 10 | 16): number | undefined {
  // One pass over the characters: this runs for every address of a batch.
  const sepCode = sep.charCodeAt(0);
  const maxDigits = radix === 10 ? 3 : 2;
  let out = 0;
  let parts = 0;
  let byte = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : sepCode; // the end closes the last part
    if (c === sepCode) {
      if (digits === 0 || byte > 255 || ++parts > count) return undefined;
      out = out * 256 + byte;
      byte = digits = 0;
      continue;
    }
    const digit = digitOf(c, radix);
    if (digit < 0 || ++digits > maxDigits) return undefined;
    byte = byte * radix + digit;
  }
  return parts === count ? out : undefined;
}

function digitOf(c: number, radix: 10 | 16): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (radix === 16) {
    if (c >= 97 && c <= 102) return c - 87;
    if (c >= 65 && c <= 70) return c - 55;
  }
  return -1;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      // An embedded IPv4 address may end the text (::ffff:10.0.0.1).
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = splitBytes(piece, '.', 4, 10);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function maxOf(bitwidth: number): string {
  const max = (1n << BigInt(bitwidth)) - 1n;
  return bitwidth <= 16 ? max.toString() : `0x${max.toString(16)}`;
}

const masks: bigint[] = [];

function fullMask(bitwidth: number): bigint {
  return (masks[bitwidth] ??= (1n << BigInt(bitwidth)) - 1n);
}

function isWildcard(input: MatchInput): boolean {
  return typeof input === 'string' && (input.trim() === '*' || input.trim() === '_');
}

const KIND_NAMES: Record<MatchKind, string> = { EXACT: 'exact', LPM: 'lpm', TERNARY: 'ternary', RANGE: 'range', OPTIONAL: 'optional' };

/**
 * Parses a key field for a match of `kind`. Returns undefined for "don't care"
 * (`'*'`, a zero mask, a /0 prefix, a full range), which P4Runtime requires to be
 * omitted. LPM and ternary values are masked, as BMv2's CLI does.
 */
export function parseMatch(input: MatchInput, kind: MatchKind, bitwidth: number, where: string): ParsedMatch | undefined {
  const place = `${where} (${KIND_NAMES[kind]}, ${bitwidth} bits)`;
  const wildcardAllowed = kind !== 'EXACT';
  if (isWildcard(input)) {
    if (!wildcardAllowed) throw new P4RuntimeValueError(place, input, 'a value: an exact match has no wildcard');
    return undefined;
  }
  switch (kind) {
    case 'EXACT':
      return { kind: 'exact', value: parseValue(asScalar(input, place, 'a value'), bitwidth, place) };
    case 'OPTIONAL':
      return { kind: 'optional', value: parseValue(asScalar(input, place, "a value or '*'"), bitwidth, place) };
    case 'LPM':
      return parseLpm(input, bitwidth, place);
    case 'TERNARY':
      return parseTernary(input, bitwidth, place);
    case 'RANGE':
      return parseRange(input, bitwidth, place);
  }
}

function asScalar(input: MatchInput, place: string, expected: string): ValueInput {
  if (typeof input === 'object' && !(input instanceof Uint8Array)) throw new P4RuntimeValueError(place, input, expected);
  return input;
}

const PREFIX = /^\s*\d+\s*$/;

function badLpm(place: string, input: MatchInput, bitwidth: number): P4RuntimeValueError {
  return new P4RuntimeValueError(place, input, `value/prefix-length, e.g. '10.0.1.0/24', with a prefix of 0..${bitwidth}`);
}

function parseLpm(input: MatchInput, bitwidth: number, place: string): ParsedMatch | undefined {
  let valueIn: ValueInput;
  let prefixLen: number;
  const slash = typeof input === 'string' ? input.indexOf('/') : -1;
  if (slash >= 0) {
    const text = input as string;
    const p = text.slice(slash + 1);
    if (!PREFIX.test(p)) throw badLpm(place, input, bitwidth);
    valueIn = text.slice(0, slash);
    prefixLen = Number(p);
  } else if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    if (!('prefixLen' in input)) throw badLpm(place, input, bitwidth);
    valueIn = input.value;
    prefixLen = input.prefixLen;
  } else {
    valueIn = input;
    prefixLen = bitwidth;
  }
  if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > bitwidth) throw badLpm(place, input, bitwidth);
  const value = parseValue(valueIn, bitwidth, place);
  if (prefixLen === 0) return undefined;
  const mask = fullMask(bitwidth) ^ fullMask(bitwidth - prefixLen);
  return { kind: 'lpm', value: value & mask, prefixLen };
}

function parseTernary(input: MatchInput, bitwidth: number, place: string): ParsedMatch | undefined {
  const expected = `'value &&& mask', e.g. '0x0800 &&& 0xffff', or a value (all bits significant)`;
  let value: bigint;
  let mask: bigint;
  if (typeof input === 'string' && input.includes('&&&')) {
    const parts = input.split('&&&');
    if (parts.length !== 2) throw new P4RuntimeValueError(place, input, expected);
    value = parseValue(parts[0]!, bitwidth, place);
    mask = parseValue(parts[1]!, bitwidth, place);
  } else if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    if (!('mask' in input)) throw new P4RuntimeValueError(place, input, expected);
    value = parseValue(input.value, bitwidth, place);
    mask = parseValue(input.mask, bitwidth, place);
  } else {
    value = parseValue(input, bitwidth, place);
    mask = fullMask(bitwidth);
  }
  if (mask === 0n) return undefined;
  return { kind: 'ternary', value: value & mask, mask };
}

function parseRange(input: MatchInput, bitwidth: number, place: string): ParsedMatch | undefined {
  const expected = `'low..high' with low <= high, e.g. '1024..65535'`;
  let low: bigint;
  let high: bigint;
  const sep = typeof input === 'string' ? (input.includes('..') ? '..' : input.includes('->') ? '->' : undefined) : undefined;
  if (typeof input === 'string' && sep) {
    const parts = input.split(sep);
    if (parts.length !== 2) throw new P4RuntimeValueError(place, input, expected);
    low = parseValue(parts[0]!, bitwidth, place);
    high = parseValue(parts[1]!, bitwidth, place);
  } else if (typeof input === 'object' && !(input instanceof Uint8Array)) {
    if (!('low' in input)) throw new P4RuntimeValueError(place, input, expected);
    low = parseValue(input.low, bitwidth, place);
    high = parseValue(input.high, bitwidth, place);
  } else {
    low = high = parseValue(input, bitwidth, place);
  }
  if (low > high) throw new P4RuntimeValueError(place, input, expected);
  if (low === 0n && high === fullMask(bitwidth)) return undefined;
  return { kind: 'range', low, high };
}

/** Formats a value for messages: hex for wide fields, with the usual forms for 32 and 48 bits. */
export function formatValue(value: bigint, bitwidth: number): string {
  if (bitwidth === 32) return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  if (bitwidth === 48) return value.toString(16).padStart(12, '0').replace(/(..)(?!$)/g, '$1:');
  return bitwidth <= 16 ? value.toString() : `0x${value.toString(16)}`;
}

/** Formats a parsed match the way parseMatch reads it back. */
export function formatMatch(match: ParsedMatch, bitwidth: number): string {
  switch (match.kind) {
    case 'exact':
    case 'optional':
      return formatValue(match.value, bitwidth);
    case 'lpm':
      return `${formatValue(match.value, bitwidth)}/${match.prefixLen}`;
    case 'ternary':
      return `${formatValue(match.value, bitwidth)} &&& ${formatValue(match.mask, bitwidth)}`;
    case 'range':
      return `${formatValue(match.low, bitwidth)}..${formatValue(match.high, bitwidth)}`;
  }
}
