// The lowering's shared state: the JSON being built, unique names, the
// `scalars` header for locals and temporaries, and value helpers.
import type * as ast from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import type { CheckedProgram } from '../check/model.js';
import type {
  Bmv2Action, Bmv2Calculation, Bmv2Checksum, Bmv2CounterArray, Bmv2FieldList, Bmv2Header, Bmv2HeaderStack, Bmv2HeaderUnion, Bmv2HeaderUnionType,
  Bmv2HeaderType, Bmv2LearnList, Bmv2MeterArray, Bmv2ParseVset, Bmv2RegisterArray, Bmv2Value,
} from '../../bmv2/json-format.js';
import type { TableModel } from './model.js';

export const SCALARS = 'scalars';

export class Emitter {
  readonly headerTypes: Bmv2HeaderType[] = [];
  readonly headers: Bmv2Header[] = [];
  readonly headerStacks: Bmv2HeaderStack[] = [];
  readonly headerUnionTypes: Bmv2HeaderUnionType[] = [];
  readonly headerUnions: Bmv2HeaderUnion[] = [];
  readonly actions: Bmv2Action[] = [];
  readonly calculations: Bmv2Calculation[] = [];
  readonly checksums: Bmv2Checksum[] = [];
  readonly registers: Bmv2RegisterArray[] = [];
  readonly counters: Bmv2CounterArray[] = [];
  readonly meters: Bmv2MeterArray[] = [];
  readonly learnLists: Bmv2LearnList[] = [];
  readonly fieldLists: Bmv2FieldList[] = [];
  readonly parseVsets: Bmv2ParseVset[] = [];
  readonly tables: TableModel[] = [];
  private readonly scalarFields: Array<[string, number, boolean?]> = [];
  private readonly usedNames = new Set<string>();
  private nodeIds = 0;

  constructor(readonly cp: CheckedProgram, readonly diags: Diagnostics) {}

  /** A name not used before in `space`: `base`, then `base_0`, `base_1`, … as p4c does. */
  unique(space: string, base: string): string {
    let name = base;
    for (let i = 0; this.usedNames.has(`${space}:${name}`); i++) name = `${base}_${i}`;
    this.usedNames.add(`${space}:${name}`);
    return name;
  }

  /** A new field of the `scalars` header. */
  scalar(base: string, width: number, signed = false): Bmv2Value & { type: 'field' } {
    const name = this.unique('scalar', base);
    this.scalarFields.push([name, width, signed]);
    return { type: 'field', value: [SCALARS, name] };
  }

  temp(width: number, signed = false): Bmv2Value & { type: 'field' } {
    return this.scalar('tmp', width, signed);
  }

  /** The `scalars_0` header type, padded to whole bytes. */
  scalarsType(): Bmv2HeaderType {
    const fields: Array<[string, number, boolean?]> = [...this.scalarFields];
    const bits = fields.reduce((s, f) => s + f[1], 0);
    if (bits % 8) fields.push(['_padding_0', 8 - (bits % 8), false]);
    return { name: 'scalars_0', id: 0, fields };
  }

  addAction(name: string, runtimeData: Bmv2Action['runtime_data'], primitives: Bmv2Action['primitives']): Bmv2Action {
    const a: Bmv2Action = { name, id: this.actions.length, runtime_data: runtimeData, primitives };
    this.actions.push(a);
    return a;
  }

  /** Numbers for conditional names (`node_N`), shared by all pipelines. */
  nextNodeId(): number {
    return this.nodeIds++;
  }

  unsupported(span: ast.Span, what: string): void {
    this.diags.unsupported(span, what);
  }
}

/** p4c's hex form: whole bytes of the type's width, `-0x…` for negatives. */
export function hexstr(value: bigint, width?: number): string {
  const neg = value < 0n;
  let digits = (neg ? -value : value).toString(16);
  const bytes = width !== undefined ? Math.max(1, Math.ceil(width / 8)) : Math.ceil(digits.length / 2);
  if (digits.length < bytes * 2) digits = digits.padStart(bytes * 2, '0');
  if (digits.length % 2) digits = `0${digits}`;
  return `${neg ? '-' : ''}0x${digits}`;
}

export function hex(value: bigint, width?: number): Bmv2Value {
  return { type: 'hexstr', value: hexstr(value, width) };
}

export function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}
