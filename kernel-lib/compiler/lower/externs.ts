// Extern instances (register, counter, meter and their direct forms) → BMv2
// arrays, and the calculations, learn lists and field lists extern calls need.
import type * as ast from '../ast.js';
import type { Bmv2CalculationInput, Bmv2MeterArray } from '../../bmv2/json-format.js';
import type { ConstValue, Sym } from '../check/model.js';
import { type Type, widthOf } from '../check/types.js';
import type { Emitter } from './emitter.js';
import type { DigestModel, ExternModel } from './model.js';

type InstanceSym = Sym & { kind: 'instance' };

export interface Instance {
  kind: ExternModel['kind'];
  name: string;
  model: ExternModel;
  span: ast.Span;
  meter?: Bmv2MeterArray;
  resultTarget?: [string, string]; // direct meters: where dm.read(x) puts the colour
  readAt?: ast.Span;
}

const UNITS: Record<string, 'BYTES' | 'PACKETS' | 'BOTH'> = { bytes: 'BYTES', packets: 'PACKETS', packets_and_bytes: 'BOTH' };

export class Externs {
  private readonly instances = new Map<ast.InstantiationDecl, Instance>();
  readonly models: ExternModel[] = [];
  readonly digests: DigestModel[] = [];
  private readonly fieldListIds = new Map<bigint, number>();

  constructor(private readonly em: Emitter) {}

  /** Declare the BMv2 array for an instance (at its declaration). */
  declare(sym: InstanceSym): void {
    const t = sym.type;
    if (t.k !== 'extern') return;
    const d = sym.decl;
    const arg = (i: number): ConstValue | undefined => {
      const a = d.args[i];
      return a ? this.em.cp.consts.get(a.value) : undefined;
    };
    const size = (i: number) => Number(arg(i) ?? 0n);
    const unitOf = (v: ConstValue | undefined) => (typeof v === 'object' ? UNITS[v.member] : undefined) ?? 'BOTH';
    const base = { name: sym.qname, annotations: d.annotations };
    let model: ExternModel;
    switch (t.name) {
      case 'register': {
        const w = t.args[0] ? widthOf(t.args[0]) : undefined;
        if (w === undefined) {
          this.em.unsupported(d.span, 'registers of non-bit types');
          return;
        }
        model = { ...base, kind: 'register', size: size(0), bitwidth: w };
        this.em.registers.push({ name: sym.qname, id: this.em.registers.length, size: model.size, bitwidth: w });
        break;
      }
      case 'counter':
        model = { ...base, kind: 'counter', size: size(0), unit: unitOf(arg(1)) };
        this.em.counters.push({ name: sym.qname, id: this.em.counters.length, is_direct: false, size: model.size });
        break;
      case 'direct_counter':
        model = { ...base, kind: 'direct_counter', size: 0, unit: unitOf(arg(0)) };
        break;
      case 'meter': {
        model = { ...base, kind: 'meter', size: size(0), unit: unitOf(arg(1)) as 'BYTES' | 'PACKETS' };
        const meter: Bmv2MeterArray = { name: sym.qname, id: this.em.meters.length, is_direct: false, size: model.size, rate_count: 2, type: model.unit === 'BYTES' ? 'bytes' : 'packets' };
        this.em.meters.push(meter);
        break;
      }
      case 'direct_meter':
        model = { ...base, kind: 'direct_meter', size: 0, unit: unitOf(arg(0)) as 'BYTES' | 'PACKETS' };
        break;
      default:
        if (t.name === 'action_profile' || t.name === 'action_selector') this.em.unsupported(d.span, `${t.name}`);
        else if (t.name !== 'packet_in' && t.name !== 'packet_out') this.em.unsupported(d.span, `extern ${t.name}`);
        return;
    }
    this.models.push(model);
    this.instances.set(d, { kind: model.kind, name: sym.qname, model, span: d.span });
  }

  get(decl: ast.InstantiationDecl): Instance | undefined {
    return this.instances.get(decl);
  }

  /** Bind a direct counter or meter to the table that names it; direct arrays are sized by the table. */
  bindDirect(decl: ast.InstantiationDecl, table: string, size: number, span: ast.Span): void {
    const inst = this.instances.get(decl);
    if (!inst) return;
    if (inst.model.table) {
      this.em.diags.error(span, `${inst.name} is already used by table ${inst.model.table}; a direct resource belongs to one table`);
      return;
    }
    inst.model.table = table;
    inst.model.size = size;
    if (inst.kind === 'direct_counter') {
      this.em.counters.push({ name: inst.name, id: this.em.counters.length, is_direct: true, binding: table, size });
    } else {
      inst.meter = { name: inst.name, id: this.em.meters.length, is_direct: true, rate_count: 2, type: inst.model.unit === 'BYTES' ? 'bytes' : 'packets', size, binding: table };
      this.em.meters.push(inst.meter);
    }
  }

  /** `dm.read(color)`: BMv2 writes a direct meter's colour into one field after each hit. */
  setResultTarget(decl: ast.InstantiationDecl, field: [string, string], span: ast.Span): void {
    const inst = this.instances.get(decl);
    if (!inst) return;
    const prev = inst.resultTarget;
    if (prev && (prev[0] !== field[0] || prev[1] !== field[1])) {
      this.em.unsupported(span, 'reading one direct meter into two different fields');
      return;
    }
    inst.resultTarget = field;
    inst.readAt ??= span;
  }

  /**
   * After all tables are lowered: direct meters get their result field, and
   * direct resources no table names are left out (with a warning, as BMv2 cannot place them).
   */
  finish(): void {
    for (const inst of this.instances.values()) {
      if (inst.kind !== 'direct_counter' && inst.kind !== 'direct_meter') continue;
      if (!inst.model.table) {
        this.em.diags.warning(inst.span, `${inst.name} is not used by any table and is left out (name it in a table's '${inst.kind === 'direct_counter' ? 'counters' : 'meters'}' property)`);
        if (inst.readAt) this.em.diags.error(inst.readAt, `direct meter ${inst.name} is read but no table names it in 'meters'`);
        continue;
      }
      if (inst.meter && inst.resultTarget) inst.meter.result_target = inst.resultTarget;
    }
    this.models.splice(0, this.models.length, ...this.models.filter((m) => (m.kind !== 'direct_counter' && m.kind !== 'direct_meter') || m.table));
  }

  calculation(base: string, algo: string, input: Bmv2CalculationInput[]): string {
    const name = this.em.unique('calculation', base);
    this.em.calculations.push({ name, id: this.em.calculations.length, algo, input });
    return name;
  }

  /** The learn list of `digest<T>`: named after T, created once per struct. */
  learnList(t: Type, elements: Array<[string, string]>, span: ast.Span): number {
    const name = t.k === 'struct' || t.k === 'header' ? t.name : undefined;
    if (!name) {
      this.em.unsupported(span, 'digest data that is not a struct type (write digest<my_struct_t>(…))');
      return 0;
    }
    const known = this.em.learnLists.find((l) => l.name === name);
    if (known) return known.id;
    const id = this.em.learnLists.length + 1;
    this.em.learnLists.push({ id, name, elements: elements.map((value) => ({ type: 'field', value })) });
    const fields = t.k === 'struct' || t.k === 'header' ? t.fields : [];
    this.digests.push({ name, fields: fields.map((f) => ({ name: f.name, bitwidth: widthOf(f.type) ?? 0 })) });
    return id;
  }

  /** Field lists from `@field_list(n)` on user metadata fields, ids from 1 in index order. */
  declareFieldLists(members: Array<{ field: [string, string]; annotations: ast.Annotation[] }>): void {
    const byIndex = new Map<bigint, Array<[string, string]>>();
    for (const m of members) {
      for (const a of m.annotations) {
        if (a.name !== 'field_list') continue;
        for (const arg of a.args) {
          const n = arg.kind === 'int' ? arg.value : undefined;
          if (n === undefined) continue;
          if (!byIndex.has(n)) byIndex.set(n, []);
          byIndex.get(n)!.push(m.field);
        }
      }
    }
    for (const n of [...byIndex.keys()].sort((a, b) => (a < b ? -1 : 1))) this.fieldListId(n, byIndex.get(n)!);
  }

  fieldListId(index: bigint, elements: Array<[string, string]> = []): number {
    let id = this.fieldListIds.get(index);
    if (id === undefined) {
      id = this.em.fieldLists.length + 1;
      this.fieldListIds.set(index, id);
      this.em.fieldLists.push({ id, name: `field_list${index}`, elements: elements.map((value) => ({ type: 'field', value })) });
    }
    return id;
  }
}
