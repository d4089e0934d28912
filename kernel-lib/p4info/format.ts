// P4Info serialisation: protobuf binary (through the P4Runtime protos) and
// protobuf text format as p4c writes `.p4info.txt`: fields in field-number
// order, proto3 defaults omitted, map entries sorted by key.
import type protobuf from 'protobufjs';
import { messageType } from '../p4runtime/proto.js';
import type { P4Info } from './types.js';

const P4INFO = 'p4.config.v1.P4Info';

function p4infoType(): protobuf.Type {
  return messageType(P4INFO);
}

export function p4infoToBinary(p4info: P4Info): Uint8Array {
  const t = p4infoType();
  return t.encode(t.fromObject(p4info)).finish();
}

/** Decode a binary P4Info into the same plain-object shape the compiler produces. */
export function p4infoFromBinary(bytes: Uint8Array): P4Info {
  const t = p4infoType();
  return t.toObject(t.decode(bytes), { enums: String, longs: Number, defaults: false, arrays: true }) as P4Info;
}

export function p4infoToText(p4info: P4Info): string {
  const t = p4infoType();
  const lines: string[] = [];
  writeMessage(t.fromObject(p4info) as unknown as Record<string, unknown>, t, '', lines);
  return lines.join('\n') + '\n';
}

function writeMessage(msg: Record<string, unknown>, type: protobuf.Type, indent: string, out: string[]): void {
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const f of fields) {
    f.resolve();
    if (!Object.prototype.hasOwnProperty.call(msg, f.name)) continue;
    const v = msg[f.name];
    if (f.map) {
      const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [k, val] of entries) {
        out.push(`${indent}${f.name} {`);
        out.push(`${indent}  key: ${scalarText(k, (f as unknown as protobuf.MapField).keyType)}`);
        writeField('value', val, f, `${indent}  `, out);
        out.push(`${indent}}`);
      }
    } else if (f.repeated) {
      for (const item of v as unknown[]) writeField(f.name, item, f, indent, out);
    } else if (f.resolvedType || f.partOf || !isDefault(v)) {
      writeField(f.name, v, f, indent, out);
    }
  }
}

function writeField(name: string, v: unknown, f: protobuf.Field | protobuf.MapField, indent: string, out: string[]): void {
  const rt = f.resolvedType;
  if (rt && 'fieldsArray' in rt) {
    out.push(`${indent}${name} {`);
    writeMessage(v as Record<string, unknown>, rt as protobuf.Type, `${indent}  `, out);
    out.push(`${indent}}`);
  } else if (rt && 'valuesById' in rt) {
    out.push(`${indent}${name}: ${(rt as protobuf.Enum).valuesById[v as number] ?? String(v)}`);
  } else {
    out.push(`${indent}${name}: ${scalarText(v, f.type)}`);
  }
}

function isDefault(v: unknown): boolean {
  if (v === 0 || v === '' || v === false || v === null || v === undefined) return true;
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) return (v as { low: number; high: number }).low === 0 && (v as { high: number }).high === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

function scalarText(v: unknown, protoType: string): string {
  if (protoType === 'string') return quote(Buffer.from(String(v), 'utf8'));
  if (protoType === 'bytes') return quote(Buffer.from(v as Uint8Array));
  return String(v);
}

/** Protobuf text-format string escaping: printable ASCII as is, the rest as octal escapes. */
function quote(bytes: Buffer): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x27) s += "\\'";
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${s}"`;
}
