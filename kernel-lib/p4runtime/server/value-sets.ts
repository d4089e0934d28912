// Write and Read of ValueSetEntry (parser value sets). A MODIFY replaces the
// whole set. Each member's fields are concatenated, in P4Info order, into the
// one value/mask pair the parser compares against.
import * as grpc from '@grpc/grpc-js';
import type { KeyMatch } from '../../switch/control-plane.js';
import type { Entity, UpdateType, ValueSetEntry } from '../proto/messages.js';
import type { ValueSetInfo } from './pipeline-info.js';
import { RpcError } from './status.js';
import type { Target } from './table-entries.js';
import { keyOf } from './table-codec.js';

function valueMask(k: KeyMatch, bitwidth: number, where: string): [bigint, bigint] {
  const ones = (1n << BigInt(bitwidth)) - 1n;
  switch (k.kind) {
    case 'exact':
      return [k.value, ones];
    case 'ternary':
      return [k.value, k.mask];
    case 'lpm':
      return [k.value, ones ^ ((1n << BigInt(bitwidth - k.prefixLen)) - 1n)];
    case 'range':
      if (k.low === 0n && k.high === ones) return [0n, 0n];
      throw new RpcError(grpc.status.UNIMPLEMENTED, `${where}: range matches in value sets are not supported by the p4lab switch`);
  }
}

function setOf(target: Target, id: number | undefined): ValueSetInfo {
  const vs = target.pipeline.info.valueSets.get(id ?? 0);
  if (!vs) throw new RpcError(grpc.status.NOT_FOUND, `value set entry: no value set with id ${id ?? 0} in the P4Info`);
  return vs;
}

export function writeValueSet(target: Target, type: UpdateType | undefined, e: ValueSetEntry): void {
  const vs = setOf(target, e.value_set_id);
  const where = `value set ${vs.name}`;
  if (type !== 'MODIFY') throw new RpcError(grpc.status.INVALID_ARGUMENT, `${where}: only MODIFY applies (it replaces the members); got ${type ?? 'UNSPECIFIED'}`);
  const members = e.members ?? [];
  if (members.length > vs.size) throw new RpcError(grpc.status.RESOURCE_EXHAUSTED, `${where}: ${members.length} members given, the set holds at most ${vs.size}`);
  const keyed = { name: vs.name, fields: vs.fields, fieldById: new Map(vs.fields.map((f) => [f.id, f])) };
  const pairs = members.map((m, i) => {
    const key = keyOf(keyed, m.match, `${where} member ${i}`);
    let value = 0n;
    let mask = 0n;
    key.forEach((k, j) => {
      const w = vs.fields[j].bitwidth;
      const [v, mk] = valueMask(k, w, `${where} member ${i}`);
      value = (value << BigInt(w)) | v;
      mask = (mask << BigInt(w)) | mk;
    });
    return [value, mask] as const;
  });
  target.control.valueSetClear(vs.name);
  for (const [value, mask] of pairs) target.control.valueSetAdd(vs.name, value, mask);
  target.pipeline.valueSets.set(vs.id, members);
}

export function readValueSets(target: Target, e: ValueSetEntry, out: Entity[]): void {
  const sets = e.value_set_id ? [setOf(target, e.value_set_id)] : [...target.pipeline.info.valueSets.values()];
  for (const vs of sets) out.push({ value_set_entry: { value_set_id: vs.id, members: target.pipeline.valueSets.get(vs.id) ?? [] } });
}
