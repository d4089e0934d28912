// The checker's type representation: P4-16 types with widths folded to numbers
// and generic externs with their type arguments substituted.
import type * as ast from '../ast.js';

export interface FieldType {
  name: string;
  type: Type;
  annotations: ast.Annotation[];
}

export interface StructLike<K extends 'header' | 'struct' | 'union'> {
  k: K;
  name: string;
  fields: FieldType[];
  annotations: ast.Annotation[];
  span: ast.Span; // of the declaration
}

export type Type =
  | { k: 'bit'; w: number }
  | { k: 'int'; w: number }
  | { k: 'varbit'; w: number }
  | { k: 'bool' }
  | { k: 'infint' } // untyped integer literal: takes its width from context
  | { k: 'string' }
  | { k: 'void' }
  | { k: 'error' }
  | { k: 'match_kind' }
  | StructLike<'header'>
  | StructLike<'struct'>
  | StructLike<'union'>
  | { k: 'stack'; elem: Type; size: number }
  | { k: 'enum'; name: string; members: string[]; underlying?: { k: 'bit' | 'int'; w: number }; values?: Map<string, bigint> }
  | { k: 'extern'; name: string; decl: ast.Decl & { kind: 'extern' }; args: Type[] }
  | { k: 'tuple'; elems: Type[] }
  | { k: 'block'; name: string; decl: ast.Decl } // parser, control, package types and declarations
  | { k: 'table'; decl: ast.Decl & { kind: 'table' } }
  | { k: 'action'; decl: ast.Decl & { kind: 'action' } }
  | { k: 'typevar'; name: string }
  | { k: 'dontcare' }
  | { k: 'unknown' }; // after an error: accepted everywhere so one mistake reports once

export const UNKNOWN: Type = { k: 'unknown' };
export const BOOL: Type = { k: 'bool' };
export const INFINT: Type = { k: 'infint' };
export const VOID: Type = { k: 'void' };
export const STRING: Type = { k: 'string' };
export const ERROR: Type = { k: 'error' };
export const MATCH_KIND: Type = { k: 'match_kind' };

export const bit = (w: number): Type => ({ k: 'bit', w });

export function typeName(t: Type): string {
  switch (t.k) {
    case 'bit':
    case 'int':
    case 'varbit':
      return `${t.k}<${t.w}>`;
    case 'header':
    case 'struct':
    case 'union':
    case 'enum':
      return t.name;
    case 'extern':
      return t.args.length ? `${t.name}<${t.args.map(typeName).join(', ')}>` : t.name;
    case 'stack':
      return `${typeName(t.elem)}[${t.size}]`;
    case 'tuple':
      return `tuple<${t.elems.map(typeName).join(', ')}>`;
    case 'block':
      return t.name;
    case 'table':
      return `table ${t.decl.name}`;
    case 'action':
      return `action ${t.decl.name}`;
    case 'typevar':
      return t.name;
    case 'infint':
      return 'int';
    case 'unknown':
      return '<unknown>';
    case 'dontcare':
      return '_';
    default:
      return t.k;
  }
}

/** Width in bits of a type that has one (bit, int, bool, serializable enum, headers and structs of those). */
export function widthOf(t: Type): number | undefined {
  switch (t.k) {
    case 'bit':
    case 'int':
    case 'varbit':
      return t.w;
    case 'bool':
      return 1;
    case 'enum':
      return t.underlying?.w;
    case 'header':
    case 'struct': {
      let sum = 0;
      for (const f of t.fields) {
        const w = widthOf(f.type);
        if (w === undefined) return undefined;
        sum += w;
      }
      return sum;
    }
    default:
      return undefined;
  }
}

export function isNumeric(t: Type): t is { k: 'bit' | 'int'; w: number } {
  return t.k === 'bit' || t.k === 'int';
}

export function sameType(a: Type, b: Type): boolean {
  if (a.k === 'unknown' || b.k === 'unknown' || a.k === 'dontcare' || b.k === 'dontcare') return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'bit':
    case 'int':
    case 'varbit':
      return a.w === (b as typeof a).w;
    case 'header':
    case 'struct':
    case 'union':
    case 'enum':
    case 'extern':
    case 'block':
      return a.name === (b as typeof a).name;
    case 'stack':
      return a.size === (b as typeof a).size && sameType(a.elem, (b as typeof a).elem);
    case 'tuple': {
      const bt = b as typeof a;
      return a.elems.length === bt.elems.length && a.elems.every((t, i) => sameType(t, bt.elems[i]!));
    }
    case 'table':
    case 'action':
      return a.decl === (b as typeof a).decl;
    default:
      return true;
  }
}

export function fieldOf(t: Type, name: string): FieldType | undefined {
  if (t.k === 'header' || t.k === 'struct' || t.k === 'union') return t.fields.find((f) => f.name === name);
  return undefined;
}

/** Reduce a value to W bits, two's complement for signed types. */
export function wrap(value: bigint, t: Type): bigint {
  if (t.k !== 'bit' && t.k !== 'int') return value;
  const mod = 1n << BigInt(t.w);
  let v = ((value % mod) + mod) % mod;
  if (t.k === 'int' && t.w > 0 && v >= mod >> 1n) v -= mod;
  return v;
}
