// The boundary where BMv2 JSON enters the switch: parse it, check its shape,
// and report problems with the JSON path and what to do about them.
import type { Bmv2Json } from '../../bmv2/json-format.js';
import { P4labError } from '../../errors.js';

export function fail(path: string, problem: string, hint?: string): never {
  throw new P4labError(`BMv2 JSON ${path}: ${problem}`, hint ?? 'fix the program (or recompile it with p4lab compile) and load it again');
}

const ARRAYS = [
  'header_types', 'headers', 'header_stacks', 'header_union_types', 'header_unions', 'header_union_stacks', 'field_lists',
  'errors', 'enums', 'parsers', 'parse_vsets', 'deparsers', 'meter_arrays', 'counter_arrays', 'register_arrays',
  'calculations', 'learn_lists', 'actions', 'pipelines', 'checksums', 'force_arith', 'extern_instances', 'field_aliases',
] as const;
const REQUIRED = new Set(['header_types', 'headers', 'parsers', 'deparsers', 'actions', 'pipelines']);

/** Accepts the JSON as an object, text or bytes; returns it with every top-level list present. */
export function parseProgramInput(input: Bmv2Json | string | Uint8Array): Bmv2Json {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    if (text.trim() === '') fail('(document)', 'empty program', 'pass the BMv2 JSON the compiler wrote (p4lab compile prog.p4 -o prog.json)');
    try {
      value = JSON.parse(text);
    } catch (e) {
      fail('(document)', `not JSON: ${(e as Error).message}`, 'pass the BMv2 JSON the compiler wrote, not the P4 source or P4Info');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('(document)', 'expected a JSON object');
  const doc = value as Record<string, unknown>;
  const meta = doc['__meta__'] as { version?: unknown } | undefined;
  if (meta !== undefined) {
    const v = meta.version;
    if (!Array.isArray(v) || v[0] !== 2 || typeof v[1] !== 'number' || v[1] > 24) {
      fail('__meta__.version', `unsupported format version ${JSON.stringify(v)}; this switch reads 2.0 to 2.24`, 'compile with a p4c or p4lab that emits BMv2 JSON format 2.x');
    }
  }
  const out: Record<string, unknown> = { ...doc };
  for (const key of ARRAYS) {
    const v = doc[key];
    if (v === undefined) {
      if (REQUIRED.has(key)) fail(key, 'missing', 'this does not look like BMv2 JSON; pass the file the compiler wrote');
      out[key] = [];
    } else if (!Array.isArray(v)) {
      fail(key, `expected a list, found ${typeof v}`);
    }
  }
  checkNamed(out['header_types'] as unknown[], 'header_types', ['name', 'fields']);
  checkNamed(out['headers'] as unknown[], 'headers', ['name', 'header_type']);
  checkNamed(out['actions'] as unknown[], 'actions', ['name', 'id', 'primitives']);
  checkNamed(out['parsers'] as unknown[], 'parsers', ['name', 'init_state', 'parse_states']);
  checkNamed(out['pipelines'] as unknown[], 'pipelines', ['name', 'tables', 'conditionals']);
  checkNamed(out['deparsers'] as unknown[], 'deparsers', ['name', 'order']);
  return out as unknown as Bmv2Json;
}

function checkNamed(list: unknown[], path: string, keys: string[]): void {
  list.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) fail(`${path}[${i}]`, 'expected an object');
    for (const k of keys) {
      if ((item as Record<string, unknown>)[k] === undefined) fail(`${path}[${i}].${k}`, 'missing');
    }
  });
}
