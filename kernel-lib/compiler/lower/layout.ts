// Where every P4 value lives in BMv2: header instances, header stacks, fields
// of the `scalars` header (bit locals, user metadata), action runtime data.
import type * as ast from '../ast.js';
import type { Bmv2Value } from '../../bmv2/json-format.js';
import { type Type, typeName, widthOf } from '../check/types.js';
import type { Emitter } from './emitter.js';

export type Loc =
  | { k: 'field'; value: [string, string]; type: Type }
  | { k: 'header'; name: string; type: Type }
  | { k: 'stack'; name: string; type: Type & { k: 'stack' }; elems: string[] }
  | { k: 'union'; name: string; type: Type; members: Map<string, Loc & { k: 'header' }> }
  | { k: 'struct'; type: Type; fields: Map<string, Loc> }
  | { k: 'runtime'; index: number; type: Type } // action data of the action being lowered
  | { k: 'value'; value: Bmv2Value; type: Type } // an inlined call's `in` argument
  | { k: 'dynamic'; index: Bmv2Value; choices: Loc[]; type: Type }; // hs[i]…: element i of a stack, i known at run time

/** Bindings of parameters while lowering one action body or block. */
export interface Env {
  params: Map<ast.Param, Loc>;
}

/** Width BMv2 stores a value of this type in: error and plain enums are 32-bit, bool 1-bit. */
export function storageWidth(t: Type): number | undefined {
  if (t.k === 'error') return 32;
  if (t.k === 'enum' && !t.underlying) return 32;
  return widthOf(t);
}

export function isScalar(t: Type): boolean {
  return t.k === 'bit' || t.k === 'int' || t.k === 'bool' || t.k === 'error' || t.k === 'enum';
}

export class Layout {
  readonly roots = new Map<ast.Param, Loc>();
  private readonly locals = new Map<ast.VariableDecl, Loc>();
  private readonly headerTypeIds = new Map<string, string>(); // P4 type name → JSON header type name

  constructor(private readonly em: Emitter) {}

  /** The JSON header type for a P4 header (or metadata struct) type, created once. */
  headerType(t: Type & { k: 'header' | 'struct' }, span: ast.Span, jsonName = t.name): string {
    const known = this.headerTypeIds.get(t.name);
    if (known) return known;
    const fields: Array<[string, number | '*', boolean?]> = [];
    let maxLength: number | undefined;
    for (const f of t.k === 'header' ? headerLeaves(t) : t.fields) {
      if (f.type.k === 'varbit') {
        // BMv2 marks a varbit field '*' and gives the header's largest size in bytes.
        const fixed = fields.reduce((sum, x) => sum + (x[1] as number), 0);
        maxLength = (fixed + f.type.w) / 8;
        fields.push([f.name, '*']);
        continue;
      }
      const w = storageWidth(f.type);
      if (w === undefined || !isScalar(f.type)) {
        this.em.unsupported(span, `field '${f.name}' of type ${typeName(f.type)} in ${t.name} (only bit, int, bool, error and enum fields)`);
        continue;
      }
      fields.push(f.type.k === 'int' ? [f.name, w, true] : [f.name, w, false]);
    }
    const bits = fields.reduce((s, f) => s + (f[1] === '*' ? 0 : f[1]), 0);
    if (maxLength !== undefined && !Number.isInteger(maxLength)) this.em.diags.error(t.span, `header ${t.name}: its varbit field must end on a whole byte`);
    if (bits % 8) {
      if (t.k === 'header') {
        this.em.diags.error(t.span, `header ${t.name} is ${bits} bits long; headers must be a whole number of bytes (add a field to pad it)`);
      } else {
        fields.push(['_padding', 8 - (bits % 8), false]);
      }
    }
    const name = this.em.unique('header_type', jsonName);
    this.em.headerTypes.push(maxLength === undefined ? { name, id: this.em.headerTypes.length + 1, fields } : { name, id: this.em.headerTypes.length + 1, fields, max_length: maxLength });
    this.headerTypeIds.set(t.name, name);
    return name;
  }

  header(instance: string, t: Type & { k: 'header' | 'struct' }, metadata: boolean, span: ast.Span): Loc & { k: 'header' } {
    const headerType = this.headerType(t, span);
    const name = this.em.unique('header', instance);
    this.em.headers.push({ name, id: this.em.headers.length + 1, header_type: headerType, metadata });
    return { k: 'header', name, type: t };
  }

  stack(instance: string, t: Type & { k: 'stack' }, span: ast.Span): Loc {
    const elem = t.elem;
    if (elem.k !== 'header') {
      this.em.unsupported(span, `stacks of ${typeName(elem)}`);
      return { k: 'struct', type: t, fields: new Map() };
    }
    const name = this.em.unique('header', instance);
    const headerType = this.headerType(elem, span);
    const ids: number[] = [];
    const elems: string[] = [];
    for (let i = 0; i < t.size; i++) {
      const h = `${name}[${i}]`;
      ids.push(this.em.headers.length + 1);
      elems.push(h);
      this.em.headers.push({ name: h, id: this.em.headers.length + 1, header_type: headerType, metadata: false });
    }
    this.em.headerStacks.push({ name, id: this.em.headerStacks.length, size: t.size, header_type: headerType, header_ids: ids });
    return { k: 'stack', name, type: t, elems };
  }

  /** A header union: one header instance per member (`u.member`), made valid one at a time. */
  union(instance: string, t: Type & { k: 'union' }, span: ast.Span): Loc {
    const name = this.em.unique('header', instance);
    let unionType = this.em.headerUnionTypes.find((u) => u.name === t.name);
    if (!unionType) {
      const headers = t.fields.map((f): [string, string] => [f.name, f.type.k === 'header' ? this.headerType(f.type, span) : '']);
      unionType = { name: t.name, id: this.em.headerUnionTypes.length, headers };
      this.em.headerUnionTypes.push(unionType);
    }
    const members = new Map<string, Loc & { k: 'header' }>();
    for (const f of t.fields) if (f.type.k === 'header') members.set(f.name, this.header(`${name}.${f.name}`, f.type, false, span));
    this.em.headerUnions.push({ name, id: this.em.headerUnions.length, union_type: t.name, header_ids: [...members.values()].map((m) => this.em.headers.find((h) => h.name === m.name)!.id) });
    return { k: 'union', name, type: t, members };
  }

  /**
   * Storage for a struct value: headers become header instances named after the
   * field, bit fields become `scalars` fields `<prefix><field>`, nested structs of
   * bit fields become metadata headers.
   */
  struct(t: Type & { k: 'struct' }, scalarPrefix: string, headerPrefix: string, span: ast.Span): Loc {
    const fields = new Map<string, Loc>();
    for (const f of t.fields) fields.set(f.name, this.member(f.name, f.type, scalarPrefix, headerPrefix, span));
    return { k: 'struct', type: t, fields };
  }

  private member(name: string, t: Type, scalarPrefix: string, headerPrefix: string, span: ast.Span): Loc {
    if (isScalar(t)) {
      const w = storageWidth(t)!;
      return { k: 'field', value: this.em.scalar(`${scalarPrefix}${name}`, w, t.k === 'int').value, type: t };
    }
    if (t.k === 'header') return this.header(`${headerPrefix}${name}`, t, false, span);
    if (t.k === 'stack') return this.stack(`${headerPrefix}${name}`, t, span);
    if (t.k === 'union') return this.union(`${headerPrefix}${name}`, t, span);
    if (t.k === 'struct') {
      if (t.fields.every((f) => isScalar(f.type))) return this.header(`${headerPrefix}${name}`, t, true, span);
      return this.struct(t, `${scalarPrefix}${name}.`, `${headerPrefix}${name}.`, span);
    }
    this.em.unsupported(span, `a value of type ${typeName(t)} here`);
    return { k: 'struct', type: t, fields: new Map() };
  }

  /**
   * The fields of a header instance by P4 name: a field, or for a struct
   * field a struct of the flattened fields it stands for.
   */
  headerFields(h: Loc & { k: 'header' }): Map<string, Loc> {
    const leaves = h.type.k === 'header' ? headerLeaves(h.type) : [];
    const build = (t: Type, prefix: string[]): Map<string, Loc> => {
      const out = new Map<string, Loc>();
      for (const f of t.k === 'header' || t.k === 'struct' ? t.fields : []) {
        const path = [...prefix, f.name];
        if (f.type.k === 'struct') out.set(f.name, { k: 'struct', type: f.type, fields: build(f.type, path) });
        else out.set(f.name, { k: 'field', value: [h.name, leaves.find((l) => l.path.join('.') === path.join('.'))?.name ?? f.name], type: f.type });
      }
      return out;
    };
    return build(h.type, []);
  }

  /** Storage of a local variable, allocated on first use. */
  local(decl: ast.VariableDecl, t: Type): Loc {
    let loc = this.locals.get(decl);
    if (!loc) {
      loc = t.k === 'struct' ? this.struct(t, `${decl.name}.`, `${decl.name}.`, decl.span) : this.member(decl.name, t, '', '', decl.span);
      this.locals.set(decl, loc);
    }
    return loc;
  }
}

/**
 * A header's fields in wire order, struct fields flattened. When a header has
 * struct fields, p4c's FlattenHeaders renames every field `_<path>_<n>`
 * (`_s_a0`, `_s_b1`, `_x2`); otherwise the names stay.
 */
export function headerLeaves(t: Type & { k: 'header' }): Array<{ name: string; path: string[]; type: Type }> {
  const leaves: Array<{ path: string[]; type: Type }> = [];
  const walk = (fields: Array<{ name: string; type: Type }>, prefix: string[]) => {
    for (const f of fields) {
      if (f.type.k === 'struct') walk(f.type.fields, [...prefix, f.name]);
      else leaves.push({ path: [...prefix, f.name], type: f.type });
    }
  };
  walk(t.fields, []);
  const flattened = t.fields.some((f) => f.type.k === 'struct');
  return leaves.map((l, i) => ({ ...l, name: flattened ? `_${l.path.join('_')}${i}` : l.path[0]! }));
}
