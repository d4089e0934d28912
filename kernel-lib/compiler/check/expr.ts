// Expression typing with P4-16 rules and constant folding. Integer literals
// without a width take their type from context; widths never change implicitly.
import type * as ast from '../ast.js';
import type { Checker } from './checker.js';
import type { ConstValue } from './model.js';
import { checkCall } from './calls.js';
import { BOOL, ERROR, INFINT, STRING, UNKNOWN, fieldOf, isNumeric, sameType, type Type, typeName, wrap } from './types.js';

/** Fold `e` to an integer, or report that `what` must be a compile-time constant. */
export function constInt(cx: Checker, e: ast.Expr, what: string): bigint | undefined {
  const t = checkExpr(cx, e);
  if (t.k === 'unknown') return undefined;
  const v = cx.consts.get(e);
  if (typeof v !== 'bigint') {
    cx.error(e.span, `${what} must be a compile-time integer constant`);
    return undefined;
  }
  return v;
}

function setType(cx: Checker, e: ast.Expr, t: Type): Type {
  cx.types.set(e, t);
  return t;
}

/** Type `e`; an infinite-precision result is converted to `expected` when that is a bit or int type. */
export function checkExpr(cx: Checker, e: ast.Expr, expected?: Type): Type {
  const t = typeOf(cx, e, expected);
  cx.types.set(e, t);
  if (t.k === 'infint' && expected && (expected.k === 'bit' || expected.k === 'int')) return coerce(cx, e, expected);
  if (t.k === 'infint' && expected && expected.k === 'enum' && expected.underlying) return coerce(cx, e, expected.underlying);
  return t;
}

/** Give an infinite-precision constant expression the type `to`. */
function coerce(cx: Checker, e: ast.Expr, to: Type): Type {
  const v = cx.consts.get(e);
  if (typeof v === 'bigint' && (to.k === 'bit' || to.k === 'int')) {
    const w = wrap(v, to);
    if (w !== v && !(to.k === 'bit' && v < 0n)) cx.diags.warning(e.span, `${v} does not fit in ${typeName(to)}; it becomes ${w}`);
    cx.consts.set(e, w);
  }
  return setType(cx, e, to);
}

/** Make the two operand types agree, converting an int-literal side; undefined on a mismatch. */
function unify(cx: Checker, a: ast.Expr, ta: Type, b: ast.Expr, tb: Type): Type | undefined {
  if (ta.k === 'unknown' || tb.k === 'unknown') return UNKNOWN;
  if (ta.k === 'infint' && tb.k === 'infint') return INFINT;
  if (ta.k === 'infint' && (tb.k === 'bit' || tb.k === 'int')) return coerce(cx, a, tb);
  if (tb.k === 'infint' && (ta.k === 'bit' || ta.k === 'int')) return coerce(cx, b, ta);
  if (ta.k === 'infint' && tb.k === 'enum' && tb.underlying) return coerce(cx, a, tb);
  if (tb.k === 'infint' && ta.k === 'enum' && ta.underlying) return coerce(cx, b, ta);
  // A serializable enum converts implicitly to its underlying type.
  if (ta.k === 'enum' && ta.underlying && sameType(ta.underlying, tb)) return tb;
  if (tb.k === 'enum' && tb.underlying && sameType(tb.underlying, ta)) return ta;
  return sameType(ta, tb) ? ta : undefined;
}

function typeOf(cx: Checker, e: ast.Expr, expected: Type | undefined): Type {
  switch (e.kind) {
    case 'int': {
      if (e.width === undefined) {
        cx.consts.set(e, e.value);
        return INFINT;
      }
      const t: Type = { k: e.signed ? 'int' : 'bit', w: e.width };
      cx.consts.set(e, wrap(e.value, t));
      return t;
    }
    case 'bool':
      cx.consts.set(e, e.value);
      return BOOL;
    case 'string':
      cx.consts.set(e, e.value);
      return STRING;
    case 'name':
      return nameType(cx, e);
    case 'member':
      return memberType(cx, e);
    case 'typeMember':
      return typeMemberType(cx, e, e.type.kind === 'named' ? e.type.name : e.type.kind, e.member);
    case 'index': {
      const ot = checkExpr(cx, e.object);
      const it = checkExpr(cx, e.index, { k: 'bit', w: 32 });
      if (ot.k === 'unknown') return UNKNOWN;
      if (ot.k !== 'stack') {
        cx.error(e.span, `only header stacks can be indexed; this is ${typeName(ot)}`);
        return UNKNOWN;
      }
      const i = cx.consts.get(e.index);
      if (typeof i === 'bigint' && (i < 0n || i >= BigInt(ot.size))) cx.error(e.index.span, `index ${i} is out of bounds for a stack of ${ot.size}`);
      if (it.k !== 'bit' && it.k !== 'int' && it.k !== 'unknown' && !(it.k === 'enum' && it.underlying)) cx.error(e.index.span, `a stack index must be an integer, not ${typeName(it)}`);
      return ot.elem;
    }
    case 'slice': {
      const ot = checkExpr(cx, e.object);
      const hi = constInt(cx, e.hi, 'a slice bound');
      const lo = constInt(cx, e.lo, 'a slice bound');
      if (ot.k === 'unknown' || hi === undefined || lo === undefined) return UNKNOWN;
      if (ot.k !== 'bit' && ot.k !== 'int') {
        cx.error(e.span, `only bit<W> and int<W> values can be sliced; this is ${typeName(ot)}`);
        return UNKNOWN;
      }
      if (lo < 0n || hi < lo || hi >= BigInt(ot.w)) {
        cx.error(e.span, `slice [${hi}:${lo}] is outside ${typeName(ot)} (bounds must satisfy ${ot.w - 1} >= high >= low >= 0)`);
        return UNKNOWN;
      }
      const t: Type = { k: 'bit', w: Number(hi - lo + 1n) };
      const v = cx.consts.get(e.object);
      if (typeof v === 'bigint') cx.consts.set(e, wrap(v >> lo, t));
      return t;
    }
    case 'call':
      return checkCall(cx, e, expected);
    case 'unary':
      return unaryType(cx, e, expected);
    case 'binary':
      return binaryType(cx, e);
    case 'ternary': {
      const ct = checkExpr(cx, e.cond, BOOL);
      if (ct.k !== 'bool' && ct.k !== 'unknown') cx.error(e.cond.span, `the condition must be bool, not ${typeName(ct)}`);
      const a = checkExpr(cx, e.then, expected);
      const b = checkExpr(cx, e.else, expected);
      const t = unify(cx, e.then, a, e.else, b);
      if (!t) {
        cx.error(e.span, `the branches of ?: have different types: ${typeName(a)} and ${typeName(b)}`);
        return UNKNOWN;
      }
      const c = cx.consts.get(e.cond);
      if (typeof c === 'boolean') {
        const v = cx.consts.get(c ? e.then : e.else);
        if (v !== undefined) cx.consts.set(e, v);
      } else if (t.k === 'infint') {
        cx.error(e.span, 'the width of ?: cannot be inferred: cast one branch, e.g. (bit<8>)1');
        return UNKNOWN;
      }
      return t;
    }
    case 'cast':
      return castType(cx, e);
    case 'list': {
      const elemTypes = listElementTypes(expected, e.elements.length);
      return { k: 'tuple', elems: e.elements.map((x, i) => checkExpr(cx, x, elemTypes?.[i])) };
    }
    case 'structInit':
      return structInitType(cx, e, expected);
    case 'default':
    case 'dontcare':
      return { k: 'dontcare' };
  }
}

/** `{ f = v, … }` takes the struct or header type the context expects; every field must be given once. */
function structInitType(cx: Checker, e: ast.Expr & { kind: 'structInit' }, expected: Type | undefined): Type {
  if (expected?.k !== 'struct' && expected?.k !== 'header') {
    e.fields.forEach((f) => checkExpr(cx, f.value));
    if (expected?.k !== 'unknown') cx.error(e.span, `a structure-valued expression needs a struct or header type here${expected ? `, not ${typeName(expected)}` : ' (assign it to one)'}`);
    return UNKNOWN;
  }
  const seen = new Set<string>();
  for (const f of e.fields) {
    const field = expected.fields.find((x) => x.name === f.name);
    if (!field) {
      checkExpr(cx, f.value);
      cx.error(f.span, `${typeName(expected)} has no field '${f.name}'`);
      continue;
    }
    if (seen.has(f.name)) cx.error(f.span, `field '${f.name}' is given twice`);
    seen.add(f.name);
    const vt = checkExpr(cx, f.value, field.type);
    if (!assignable(cx, f.value, vt, field.type)) cx.error(f.value.span, `field '${f.name}' is ${typeName(field.type)}, not ${typeName(vt)}`);
  }
  const missing = expected.fields.filter((f) => !seen.has(f.name)).map((f) => f.name);
  if (missing.length) cx.error(e.span, `the structure-valued expression leaves out ${missing.map((m) => `'${m}'`).join(', ')} of ${typeName(expected)}`);
  return expected;
}

function listElementTypes(expected: Type | undefined, n: number): Type[] | undefined {
  if (!expected) return undefined;
  if ((expected.k === 'struct' || expected.k === 'header') && expected.fields.length === n) return expected.fields.map((f) => f.type);
  if (expected.k === 'tuple' && expected.elems.length === n) return expected.elems;
  return undefined;
}

function nameType(cx: Checker, e: ast.Expr & { kind: 'name' }): Type {
  const sym = e.dotPrefix ? cx.top.lookup(e.name) : cx.scope.lookup(e.name);
  if (!sym) {
    cx.error(e.span, `unknown name '${e.name}'`);
    return UNKNOWN;
  }
  cx.syms.set(e, sym);
  switch (sym.kind) {
    case 'const':
      if (sym.value !== undefined) cx.consts.set(e, sym.value);
      return sym.type;
    case 'var':
    case 'param':
    case 'instance':
    case 'valueSet':
      return sym.type;
    case 'table':
      return { k: 'table', decl: sym.decl };
    case 'action':
      return { k: 'action', decl: sym.decl };
    case 'type':
      return sym.type;
    case 'externFunction':
    case 'function':
      return { k: 'void' };
    case 'state':
      cx.error(e.span, `'${e.name}' is a parser state, not a value`);
      return UNKNOWN;
  }
}

function typeMemberType(cx: Checker, e: ast.Expr, typeNameText: string, member: string): Type {
  if (typeNameText === 'error') {
    if (!cx.errorMembers.includes(member)) {
      cx.error(e.span, `unknown error 'error.${member}'`);
      return UNKNOWN;
    }
    cx.consts.set(e, { member, of: 'error' });
    return ERROR;
  }
  const sym = cx.scope.lookup(typeNameText);
  const t = sym?.kind === 'type' ? sym.type : undefined;
  if (t?.k === 'enum') {
    if (!t.members.includes(member)) {
      cx.error(e.span, `enum ${t.name} has no member '${member}' (members: ${t.members.join(', ')})`);
      return UNKNOWN;
    }
    cx.consts.set(e, t.values ? t.values.get(member)! : { member, of: t.name });
    return t;
  }
  cx.error(e.span, `'${typeNameText}' has no member '${member}'`);
  return UNKNOWN;
}

function memberType(cx: Checker, e: ast.Expr & { kind: 'member' }): Type {
  const obj = e.object;
  if (obj.kind === 'name') {
    const sym = obj.dotPrefix ? cx.top.lookup(obj.name) : cx.scope.lookup(obj.name);
    if (sym?.kind === 'type' || (obj.name === 'error' && !sym)) {
      cx.types.set(obj, sym?.kind === 'type' ? sym.type : ERROR);
      return typeMemberType(cx, e, obj.name, e.member);
    }
  }
  const ot = checkExpr(cx, obj);
  if (ot.k === 'unknown') return UNKNOWN;
  if (ot.k === 'stack') {
    if (e.member === 'next' || e.member === 'last') return ot.elem;
    if (e.member === 'size' || e.member === 'lastIndex') {
      if (e.member === 'size') cx.consts.set(e, BigInt(ot.size));
      return { k: 'bit', w: 32 };
    }
  }
  const f = fieldOf(ot, e.member);
  if (f) return f.type;
  cx.error(e.span, `${typeName(ot)} has no field '${e.member}'`);
  return UNKNOWN;
}

function unaryType(cx: Checker, e: ast.Expr & { kind: 'unary' }, expected: Type | undefined): Type {
  const t = checkExpr(cx, e.operand, e.op === '!' ? BOOL : expected);
  if (t.k === 'unknown') return UNKNOWN;
  const v = cx.consts.get(e.operand);
  switch (e.op) {
    case '!':
      if (t.k !== 'bool') {
        cx.error(e.span, `'!' needs a bool operand, not ${typeName(t)} (compare with 0 instead)`);
        return UNKNOWN;
      }
      if (typeof v === 'boolean') cx.consts.set(e, !v);
      return BOOL;
    case '~':
      if (t.k !== 'bit' && t.k !== 'int') {
        cx.error(e.span, `'~' needs a bit<W> or int<W> operand, not ${typeName(t)}`);
        return UNKNOWN;
      }
      if (typeof v === 'bigint') cx.consts.set(e, wrap(~v, t));
      return t;
    case '-':
    case '+':
      if (!isNumeric(t) && t.k !== 'infint') {
        cx.error(e.span, `'${e.op}' needs a numeric operand, not ${typeName(t)}`);
        return UNKNOWN;
      }
      if (typeof v === 'bigint') cx.consts.set(e, wrap(e.op === '-' ? -v : v, t));
      return t;
  }
}

const ARITH = new Set(['+', '-', '*', '/', '%', '|+|', '|-|', '&', '|', '^']);
const COMPARE = new Set(['<', '<=', '>', '>=']);

function binaryType(cx: Checker, e: ast.Expr & { kind: 'binary' }): Type {
  const { op } = e;
  if (op === '&&' || op === '||') {
    const a = checkExpr(cx, e.left, BOOL);
    const b = checkExpr(cx, e.right, BOOL);
    for (const [x, t] of [[e.left, a], [e.right, b]] as const) {
      if (t.k !== 'bool' && t.k !== 'unknown') cx.error(x.span, `'${op}' needs bool operands, not ${typeName(t)}`);
    }
    const va = cx.consts.get(e.left);
    const vb = cx.consts.get(e.right);
    if (typeof va === 'boolean' && typeof vb === 'boolean') cx.consts.set(e, op === '&&' ? va && vb : va || vb);
    return BOOL;
  }
  if (op === '&&&' || op === '..') {
    cx.error(e.span, `'${op}' is only allowed in select cases and table entries`);
    return UNKNOWN;
  }
  // Operands are typed on their own: a literal takes the other operand's type, not the context's.
  let a = checkExpr(cx, e.left);
  let b = checkExpr(cx, e.right);
  if (a.k === 'unknown' || b.k === 'unknown') return UNKNOWN;
  const va = () => cx.consts.get(e.left);
  const vb = () => cx.consts.get(e.right);

  if (op === '<<' || op === '>>') {
    if (b.k === 'int') {
      cx.error(e.right.span, `a shift amount must be unsigned, not ${typeName(b)}`);
      return UNKNOWN;
    }
    if (!isNumeric(a) && a.k !== 'infint') {
      cx.error(e.left.span, `'${op}' needs a bit<W> or int<W> left operand, not ${typeName(a)}`);
      return UNKNOWN;
    }
    if (a.k === 'infint' && typeof vb() !== 'bigint') {
      cx.error(e.left.span, `the width of this shift cannot be inferred: give the literal a width, e.g. 32w1`);
      return UNKNOWN;
    }
    const x = va();
    const y = vb();
    if (typeof x === 'bigint' && typeof y === 'bigint') cx.consts.set(e, wrap(op === '<<' ? x << y : x >> y, a));
    return a;
  }
  if (op === '++') {
    if (!isNumeric(a) || !isNumeric(b)) {
      cx.error(e.span, `'++' needs operands with a known width, got ${typeName(a)} and ${typeName(b)}`);
      return UNKNOWN;
    }
    const t: Type = { k: a.k, w: a.w + b.w };
    const x = va();
    const y = vb();
    if (typeof x === 'bigint' && typeof y === 'bigint') cx.consts.set(e, wrap((wrap(x, { k: 'bit', w: a.w }) << BigInt(b.w)) | wrap(y, { k: 'bit', w: b.w }), t));
    return t;
  }
  const t = unify(cx, e.left, a, e.right, b);
  a = cx.types.get(e.left)!;
  b = cx.types.get(e.right)!;
  if (!t) {
    const what = isNumeric(a) && isNumeric(b) ? ': P4 never changes widths implicitly; cast one side' : '';
    cx.error(e.span, `'${op}' operands have different types: ${typeName(a)} and ${typeName(b)}${what}`);
    return UNKNOWN;
  }
  const x = va();
  const y = vb();
  if (op === '==' || op === '!=') {
    if (t.k === 'infint' || t.k === 'tuple' || t.k === 'extern' || t.k === 'table') {
      if (!(typeof x === 'bigint' && typeof y === 'bigint')) {
        cx.error(e.span, `values of type ${typeName(t)} cannot be compared`);
        return UNKNOWN;
      }
    }
    if (x !== undefined && y !== undefined && typeof x !== 'object' && typeof y !== 'object') cx.consts.set(e, (x === y) === (op === '=='));
    return BOOL;
  }
  if (COMPARE.has(op)) {
    if (!isNumeric(t) && t.k !== 'infint') {
      cx.error(e.span, `'${op}' needs numeric operands, not ${typeName(t)}`);
      return UNKNOWN;
    }
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      cx.consts.set(e, op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y);
    }
    return BOOL;
  }
  if (ARITH.has(op)) {
    if (!isNumeric(t) && t.k !== 'infint') {
      cx.error(e.span, `'${op}' needs bit<W> or int<W> operands, not ${typeName(t)}`);
      return UNKNOWN;
    }
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      const v = foldArith(cx, e, op, x, y, t);
      if (v !== undefined) cx.consts.set(e, v);
    } else if ((op === '/' || op === '%') && !(t.k === 'bit' && isPowerOfTwo(y))) {
      cx.diags.unsupported(e.span, `'${op}' on run-time values except by a power of two (BMv2 has no division)`);
    }
    return t;
  }
  cx.error(e.span, `unknown operator '${op}'`);
  return UNKNOWN;
}

function isPowerOfTwo(v: ConstValue | undefined): v is bigint {
  return typeof v === 'bigint' && v > 0n && (v & (v - 1n)) === 0n;
}

function foldArith(cx: Checker, e: ast.Expr, op: string, x: bigint, y: bigint, t: Type): bigint | undefined {
  switch (op) {
    case '+':
      return wrap(x + y, t);
    case '-':
      return wrap(x - y, t);
    case '*':
      return wrap(x * y, t);
    case '/':
    case '%':
      if (y === 0n) {
        cx.error(e.span, 'division by zero');
        return undefined;
      }
      return wrap(op === '/' ? x / y : x % y, t);
    case '&':
      return wrap(x & y, t);
    case '|':
      return wrap(x | y, t);
    case '^':
      return wrap(x ^ y, t);
    case '|+|':
    case '|-|': {
      const r = op === '|+|' ? x + y : x - y;
      if (t.k === 'bit') return r < 0n ? 0n : r >= 1n << BigInt(t.w) ? (1n << BigInt(t.w)) - 1n : r;
      if (t.k === 'int') {
        const max = (1n << BigInt(t.w - 1)) - 1n;
        return r > max ? max : r < -max - 1n ? -max - 1n : r;
      }
      return r;
    }
  }
  return undefined;
}

function castType(cx: Checker, e: ast.Expr & { kind: 'cast' }): Type {
  const to = cx.resolveType(e.type);
  const from = checkExpr(cx, e.expr);
  if (to.k === 'unknown' || from.k === 'unknown') return UNKNOWN;
  const v = cx.consts.get(e.expr);
  const ok =
    (from.k === 'infint' && (to.k === 'bit' || to.k === 'int')) ||
    ((from.k === 'bit' || from.k === 'int') && (to.k === 'bit' || to.k === 'int') && (from.k === to.k || from.w === to.w)) ||
    (from.k === 'bool' && to.k === 'bit' && to.w === 1) ||
    (from.k === 'bit' && from.w === 1 && to.k === 'bool') ||
    (from.k === 'enum' && from.underlying && (to.k === 'bit' || to.k === 'int') && from.underlying.w === to.w) ||
    ((from.k === 'bit' || from.k === 'int' || from.k === 'infint') && to.k === 'enum' && to.underlying !== undefined) ||
    sameType(from, to);
  if (!ok) {
    const hint = isNumeric(from) && isNumeric(to) ? ' (change the width and the signedness in two casts)' : '';
    cx.error(e.span, `cannot cast ${typeName(from)} to ${typeName(to)}${hint}`);
    return UNKNOWN;
  }
  if (typeof v === 'bigint') cx.consts.set(e, to.k === 'bool' ? v !== 0n : to.k === 'enum' ? v : wrap(v, to));
  else if (typeof v === 'boolean' && to.k === 'bit') cx.consts.set(e, v ? 1n : 0n);
  else if (v !== undefined && typeof v === 'object') cx.consts.set(e, v);
  return to;
}

/** Whether a value may flow into a place of type `to` (after literal conversion). */
export function assignable(cx: Checker, e: ast.Expr, from: Type, to: Type): boolean {
  if (from.k === 'unknown' || to.k === 'unknown') return true;
  if (from.k === 'infint' && (to.k === 'bit' || to.k === 'int')) {
    coerce(cx, e, to);
    return true;
  }
  if (from.k === 'tuple' && (to.k === 'struct' || to.k === 'header' || to.k === 'tuple')) {
    const targets = listElementTypes(to, from.elems.length);
    if (!targets || e.kind !== 'list') return false;
    return e.elements.every((x, i) => assignable(cx, x, cx.types.get(x) ?? UNKNOWN, targets[i]!));
  }
  if (from.k === 'enum' && from.underlying && sameType(from.underlying, to)) return true;
  return sameType(from, to);
}

/**
 * Check that `e` is an lvalue that may be written here. `verb` says what is
 * done to a named thing (`n => `assign to '${n}'``), `role` what it is ("an assignment target").
 */
export function checkWritable(cx: Checker, e: ast.Expr, verb: (name: string) => string, role: string): void {
  switch (e.kind) {
    case 'name': {
      const sym = cx.syms.get(e);
      if (!sym) return;
      if (sym.kind === 'param') {
        const dir = sym.param.direction;
        if (dir === 'in' || (dir === 'none' && sym.owner === 'action')) {
          cx.error(e.span, `cannot ${verb(e.name)}: it is ${dir === 'in' ? "an 'in'" : 'a directionless (read-only)'} parameter`);
        } else if (dir === 'none' && sym.owner === 'block' && sym.type.k !== 'extern') {
          cx.error(e.span, `cannot ${verb(e.name)}: it is a directionless parameter`);
        }
        return;
      }
      if (sym.kind !== 'var') cx.error(e.span, `cannot ${verb(e.name)}: it is not a variable`);
      return;
    }
    case 'member':
    case 'index':
    case 'slice':
      if (e.kind === 'member' && cx.types.get(e.object)?.k === 'stack' && (e.member === 'size' || e.member === 'lastIndex')) {
        cx.error(e.span, `cannot ${verb(e.member)} of a stack`);
        return;
      }
      checkWritable(cx, e.object, verb, role);
      return;
    default:
      cx.error(e.span, `${role} must be a variable, field or slice`);
  }
}
