// The switch's decoding of WriteRequest. Batches of table entries are most of
// what a switch receives, and the generic conversion (decode into message
// objects, then toObject into plain ones) costs ~3 µs per entry. This reads
// the usual shape of a table entry in one pass straight into the objects
// toObject builds (same fields, same values, oneof names included). Anything
// else (another entity kind, a field it does not read, a singular field or
// oneof given twice) goes to the generic conversion, for that entity or for
// the whole request, so the result is the same for every input.
import protobuf from 'protobufjs';
import type { WriteRequest } from './proto/messages.js';

type Obj = Record<string, unknown>;
type Reader = protobuf.Reader;

/** Thrown inside the fast path when the input needs the generic conversion. */
const GENERIC = Symbol('generic');

interface Types {
  request: protobuf.Type;
  entity: protobuf.Type;
  updateTypes: Record<number, string>;
  atomicities: Record<number, string>;
  conversion: protobuf.IConversionOptions;
}

/**
 * The decoder of WriteRequest bytes into what `toObject(decode(bytes), conversion)`
 * gives; `conversion` is proto.ts's TO_OBJECT, whose rules (64-bit integers and
 * enums as strings, bytes as Buffers, oneof names) the fast path follows.
 */
export function writeRequestDecoder(root: protobuf.Root, conversion: protobuf.IConversionOptions): (bytes: Buffer) => WriteRequest {
  const t: Types = {
    request: root.lookupType('p4.v1.WriteRequest'),
    entity: root.lookupType('p4.v1.Entity'),
    updateTypes: root.lookupEnum('p4.v1.Update.Type').valuesById,
    atomicities: root.lookupEnum('p4.v1.WriteRequest.Atomicity').valuesById,
    conversion,
  };
  return (bytes) => {
    try {
      return writeRequest(protobuf.Reader.create(bytes), t);
    } catch (e) {
      if (e !== GENERIC) throw e;
      return t.request.toObject(t.request.decode(bytes), conversion) as WriteRequest;
    }
  };
}

/** Marks `field` as read; a singular field read twice needs the generic rules (last one wins, oneofs). */
function once(seen: number, field: number): number {
  const bit = 1 << field;
  if (seen & bit) throw GENERIC;
  return seen | bit;
}

/** The enum's name, or the number when it has none (as toObject does). */
function enumName(names: Record<number, string>, value: number): string | number {
  return names[value] ?? value;
}

function writeRequest(r: Reader, t: Types): WriteRequest {
  const out: Obj = {};
  let updates: Obj[] | undefined;
  let seen = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag !== 34) seen = once(seen, tag >>> 3);
    switch (tag) {
      case 8: // device_id
        out.device_id = r.uint64().toString();
        break;
      case 26: // election_id
        out.election_id = uint128(r, r.uint32() + r.pos);
        break;
      case 34: // updates
        (updates ??= []).push(update(r, r.uint32() + r.pos, t));
        break;
      case 40: // atomicity
        out.atomicity = enumName(t.atomicities, r.int32());
        break;
      case 50: // role
        out.role = r.string();
        break;
      default:
        throw GENERIC;
    }
  }
  if (updates) out.updates = updates;
  return out as WriteRequest;
}

function uint128(r: Reader, end: number): Obj {
  const out: Obj = {};
  let seen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    seen = once(seen, tag >>> 3);
    if (tag === 8) out.high = r.uint64().toString();
    else if (tag === 16) out.low = r.uint64().toString();
    else throw GENERIC;
  }
  return out;
}

function update(r: Reader, end: number, t: Types): Obj {
  const out: Obj = {};
  let seen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    seen = once(seen, tag >>> 3);
    if (tag === 8) out.type = enumName(t.updateTypes, r.int32());
    else if (tag === 18) out.entity = entity(r, r.uint32() + r.pos, t);
    else throw GENERIC;
  }
  return out;
}

/** An Entity; only table entries take the fast path, other kinds the generic conversion. */
function entity(r: Reader, end: number, t: Types): Obj {
  const start = r.pos;
  try {
    const tag = r.uint32();
    if (tag !== 18) throw GENERIC;
    const tableEntry = tableEntryOf(r, r.uint32() + r.pos);
    if (r.pos !== end) throw GENERIC; // more than one member of the oneof
    return { table_entry: tableEntry, entity: 'table_entry' };
  } catch (e) {
    if (e !== GENERIC) throw e;
    r.pos = end;
    return t.entity.toObject(t.entity.decode(r.buf.subarray(start, end)), t.conversion);
  }
}

function tableEntryOf(r: Reader, end: number): Obj {
  const out: Obj = {};
  let match: Obj[] | undefined;
  let seen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag !== 18) seen = once(seen, tag >>> 3);
    switch (tag) {
      case 8:
        out.table_id = r.uint32();
        break;
      case 18:
        (match ??= []).push(fieldMatch(r, r.uint32() + r.pos));
        break;
      case 26:
        out.action = tableAction(r, r.uint32() + r.pos);
        break;
      case 32:
        out.priority = r.int32();
        break;
      case 64:
        out.is_default_action = r.bool();
        break;
      case 72:
        out.idle_timeout_ns = r.int64().toString();
        break;
      case 90:
        out.metadata = r.bytes();
        break;
      default:
        throw GENERIC;
    }
  }
  if (match) out.match = match;
  return out;
}

// FieldMatch oneof members by tag: their name and the names of their bytes fields 1 and 2.
const MATCH_KINDS: Record<number, [string, string, string | undefined]> = {
  18: ['exact', 'value', undefined],
  26: ['ternary', 'value', 'mask'],
  34: ['lpm', 'value', undefined], // field 2 is prefix_len, an int32
  50: ['range', 'low', 'high'],
  58: ['optional', 'value', undefined],
};

function fieldMatch(r: Reader, end: number): Obj {
  const out: Obj = {};
  let seen = 0;
  let kind: string | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) {
      seen = once(seen, 1);
      out.field_id = r.uint32();
      continue;
    }
    const member = MATCH_KINDS[tag];
    if (!member || kind) throw GENERIC;
    kind = member[0];
    out[kind] = matchValue(r, r.uint32() + r.pos, member);
    out.field_match_type = kind;
  }
  return out;
}

function matchValue(r: Reader, end: number, [kind, first, second]: [string, string, string | undefined]): Obj {
  const out: Obj = {};
  let seen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    seen = once(seen, tag >>> 3);
    if (tag === 10) out[first] = r.bytes();
    else if (tag === 18 && second) out[second] = r.bytes();
    else if (tag === 16 && kind === 'lpm') out.prefix_len = r.int32();
    else throw GENERIC;
  }
  return out;
}

function tableAction(r: Reader, end: number): Obj {
  const tag = r.uint32();
  if (tag !== 10) throw GENERIC;
  const action = actionOf(r, r.uint32() + r.pos);
  if (r.pos !== end) throw GENERIC;
  return { action, type: 'action' };
}

function actionOf(r: Reader, end: number): Obj {
  const out: Obj = {};
  let params: Obj[] | undefined;
  let seen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) {
      seen = once(seen, 1);
      out.action_id = r.uint32();
    } else if (tag === 34) (params ??= []).push(param(r, r.uint32() + r.pos));
    else throw GENERIC;
  }
  if (params) out.params = params;
  return out;
}

function param(r: Reader, end: number): Obj {
  const out: Obj = {};
  let seen = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    seen = once(seen, tag >>> 3);
    if (tag === 16) out.param_id = r.uint32();
    else if (tag === 26) out.value = r.bytes();
    else throw GENERIC;
  }
  return out;
}
