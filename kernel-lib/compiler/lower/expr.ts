// Expressions → BMv2 expression values. Arithmetic in BMv2 is infinite
// precision, so results are masked (or two's-complement wrapped) to their
// P4 width as p4c does; booleans and bits convert with b2d / d2b.
import type * as ast from '../ast.js';
import type { Bmv2Expression, Bmv2Op, Bmv2Value } from '../../bmv2/json-format.js';
import type { ConstValue } from '../check/model.js';
import { type Type, UNKNOWN, widthOf } from '../check/types.js';
import { type Emitter, hex, mask } from './emitter.js';
import type { Env, Layout, Loc } from './layout.js';

export class ExprLowering {
  /** Function calls already run into a temporary (by PrimitiveLowering.hoist): their value. */
  readonly hoisted = new Map<ast.Expr, Bmv2Value>();

  constructor(readonly em: Emitter, readonly layout: Layout) {}

  typeOf(e: ast.Expr): Type {
    return this.em.cp.types.get(e) ?? UNKNOWN;
  }

  /** The storage an lvalue-like expression names, or undefined (after a diagnostic) when it has none. */
  loc(e: ast.Expr, env: Env): Loc | undefined {
    switch (e.kind) {
      case 'name': {
        const sym = this.em.cp.syms.get(e);
        if (sym?.kind === 'var') return this.layout.local(sym.decl, sym.type);
        if (sym?.kind === 'param') {
          const bound = env.params.get(sym.param) ?? this.layout.roots.get(sym.param);
          if (bound) return bound;
        }
        this.em.unsupported(e.span, `'${e.name}' here`);
        return undefined;
      }
      case 'member': {
        const base = this.loc(e.object, env);
        if (!base) {
          if (!isPath(e.object)) this.em.unsupported(e.span, `'.${e.member}' of this expression here (a table's apply() result can only be tested directly, as in if (t.apply().hit))`);
          return undefined;
        }
        return this.member(base, e);
      }
      case 'index': {
        const base = this.loc(e.object, env);
        if (base?.k !== 'stack') return undefined;
        const elem = base.type.elem;
        const i = this.em.cp.consts.get(e.index);
        if (typeof i === 'bigint') return { k: 'header', name: base.elems[Number(i)]!, type: elem };
        return { k: 'dynamic', index: this.data(e.index, env), choices: base.elems.map((name) => ({ k: 'header', name, type: elem })), type: elem };
      }
      default:
        return undefined;
    }
  }

  /** `.m` of a storage location; of each choice when the location is chosen at run time. */
  private member(base: Loc, e: ast.Expr & { kind: 'member' }): Loc | undefined {
    switch (base.k) {
      case 'struct': {
        const f = base.fields.get(e.member);
        if (!f) this.em.unsupported(e.span, `field '${e.member}'`);
        return f;
      }
      case 'header': {
        const f = this.layout.headerFields(base).get(e.member);
        if (f) return f;
        break;
      }
      case 'union': {
        const m = base.members.get(e.member);
        if (m) return m;
        break;
      }
      case 'dynamic': {
        const choices = base.choices.map((c) => this.member(c, e));
        return choices.every((c) => c !== undefined) ? { k: 'dynamic', index: base.index, choices: choices as Loc[], type: this.typeOf(e) } : undefined;
      }
      case 'stack':
        if (e.member === 'next' || e.member === 'last') {
          this.em.unsupported(e.span, `'.${e.member}' outside extract (index the stack with a constant)`);
          return undefined;
        }
        break;
      default:
        break;
    }
    this.em.unsupported(e.span, `'.${e.member}' on this value`);
    return undefined;
  }

  /** Pick among values by a run-time index: index == 0 ? v0 : index == 1 ? v1 : … (the last when out of range). */
  select(index: Bmv2Value, values: Bmv2Value[]): Bmv2Value {
    let acc = values[values.length - 1]!;
    for (let k = values.length - 2; k >= 0; k--) acc = this.expr({ op: '?', left: values[k]!, right: acc, cond: this.op('==', index, hex(BigInt(k))) });
    return acc;
  }

  /** A constant as BMv2 data (or bool). */
  constant(v: ConstValue, t: Type): Bmv2Value {
    if (typeof v === 'boolean') return { type: 'bool', value: v };
    if (typeof v === 'bigint') return hex(v, t.k === 'bit' || t.k === 'int' ? t.w : t.k === 'enum' && t.underlying ? t.underlying.w : undefined);
    if (typeof v === 'string') return { type: 'string', value: v };
    if (v.of === 'error') return hex(BigInt(Math.max(0, this.em.cp.errorMembers.indexOf(v.member))), 32);
    const en = this.em.cp.enums.find((x) => x.name === v.of);
    return hex(BigInt(Math.max(0, en?.members.indexOf(v.member) ?? 0)), 32);
  }

  /** A value: boolean-valued for P4 bool, data otherwise. */
  value(e: ast.Expr, env: Env): Bmv2Value {
    const hoisted = this.hoisted.get(e);
    if (hoisted) return hoisted;
    const t = this.typeOf(e);
    const c = this.em.cp.consts.get(e);
    if (c !== undefined) return this.constant(c, t);
    switch (e.kind) {
      case 'name':
      case 'member':
      case 'index': {
        const special = e.kind === 'member' ? this.memberRead(e, env) : undefined;
        if (special) return special;
        const l = this.loc(e, env);
        if (!l) return hex(0n);
        return this.read(l, e.span);
      }
      case 'slice': {
        const lo = this.em.cp.consts.get(e.lo) as bigint;
        const hi = this.em.cp.consts.get(e.hi) as bigint;
        const shifted = lo === 0n ? this.value(e.object, env) : this.op('>>', this.value(e.object, env), hex(lo));
        return this.op('&', shifted, hex(mask(Number(hi - lo + 1n))));
      }
      case 'call':
        return this.call(e, env);
      case 'unary':
        return this.unary(e, env, t);
      case 'binary':
        return this.binary(e, env, t);
      case 'ternary':
        return this.expr({ op: '?', left: this.value(e.then, env), right: this.value(e.else, env), cond: this.value(e.cond, env) });
      case 'cast':
        return this.cast(this.value(e.expr, env), this.typeOf(e.expr), t);
      default:
        this.em.unsupported(e.span, `this expression (${e.kind}) as a value`);
        return hex(0n);
    }
  }

  /** Read a storage location as a value. */
  read(l: Loc, span: ast.Span): Bmv2Value {
    switch (l.k) {
      case 'field':
        if (l.type.k === 'varbit') {
          this.em.unsupported(span, 'a varbit field in an expression');
          return hex(0n);
        }
        return l.type.k === 'bool' ? this.expr({ op: 'd2b', left: null, right: { type: 'field', value: l.value } }) : { type: 'field', value: l.value };
      case 'runtime':
        return l.type.k === 'bool' ? this.expr({ op: 'd2b', left: null, right: { type: 'runtime_data', value: l.index } }) : { type: 'runtime_data', value: l.index };
      case 'value':
        return l.value;
      case 'header':
        return { type: 'header', value: l.name };
      case 'stack':
        return { type: 'header_stack', value: l.name };
      case 'union':
        return { type: 'header_union', value: l.name };
      case 'struct':
        this.em.unsupported(span, 'a struct used as a single value');
        return hex(0n);
      case 'dynamic':
        if (l.type.k === 'bool') return this.op('d2b', null, this.select(l.index, l.choices.map((c) => this.toData(this.read(c, span)))));
        if (l.choices.some((c) => c.k !== 'field')) {
          this.em.unsupported(span, 'a whole header of a stack indexed at run time');
          return hex(0n);
        }
        return this.select(l.index, l.choices.map((c) => this.read(c, span)));
    }
  }

  /** Data form of a value: bools become 0/1 for storing in fields. */
  data(e: ast.Expr, env: Env): Bmv2Value {
    const v = this.value(e, env);
    return this.typeOf(e).k === 'bool' ? this.toData(v) : v;
  }

  toData(v: Bmv2Value): Bmv2Value {
    if (v.type === 'bool') return hex(v.value ? 1n : 0n, 1);
    if (v.type === 'expression' && 'op' in v.value && v.value.op === 'd2b') return v.value.right!;
    return this.expr({ op: 'b2d', left: null, right: v });
  }

  expr(x: Bmv2Expression): Bmv2Value {
    return { type: 'expression', value: x };
  }

  op(op: Bmv2Op, left: Bmv2Value | null, right: Bmv2Value): Bmv2Value {
    return this.expr({ op, left, right });
  }

  /** Truncate an infinite-precision result to the P4 type: mask, or wrap for signed types. */
  fit(v: Bmv2Value, t: Type): Bmv2Value {
    if (t.k === 'bit') return this.op('&', v, hex(mask(t.w), t.w));
    if (t.k === 'int') return this.op('two_comp_mod', v, hex(BigInt(t.w)));
    return v;
  }

  private call(e: ast.Expr & { kind: 'call' }, env: Env): Bmv2Value {
    const info = this.em.cp.calls.get(e);
    const callee = e.callee;
    if (info?.kind === 'header' && info.name === 'isValid' && callee.kind === 'member') {
      const l = this.loc(callee.object, env);
      if (l?.k === 'header') return this.expr({ op: 'd2b', left: null, right: { type: 'field', value: [l.name, '$valid$'] } });
      if (l?.k === 'union') return this.op('valid_union', null, { type: 'header_union', value: l.name });
      if (l?.k === 'dynamic' && l.choices.every((c) => c.k === 'header')) {
        const valid = l.choices.map((c): Bmv2Value => ({ type: 'field', value: [(c as Loc & { k: 'header' }).name, '$valid$'] }));
        return this.op('d2b', null, this.select(l.index, valid));
      }
    }
    if (info?.externType === 'packet_in' && info.name === 'lookahead') {
      const t = this.typeOf(e);
      if (t.k === 'bit' || t.k === 'int') return { type: 'lookahead', value: [0, t.w] };
    }
    this.em.unsupported(e.span, 'this call inside an expression (assign its result in a separate statement)');
    return hex(0n);
  }

  /** Member reads that name no storage: a stack's last element or index, a field of a lookahead. */
  memberRead(e: ast.Expr & { kind: 'member' }, env: Env): Bmv2Value | undefined {
    return this.stackRead(e, env) ?? this.lookaheadField(e);
  }

  /**
   * `hs.lastIndex` (BMv2's last_stack_index, wrapped to bit<32> as -1 is for
   * an empty stack) and `hs.last.f` (a stack_field: the field of the last
   * extracted element).
   */
  private stackRead(e: ast.Expr & { kind: 'member' }, env: Env): Bmv2Value | undefined {
    if (e.member === 'lastIndex') {
      const s = this.loc(e.object, env);
      return s?.k === 'stack' ? this.fit(this.op('last_stack_index', null, { type: 'header_stack', value: s.name }), this.typeOf(e)) : undefined;
    }
    if (e.object.kind !== 'member' || e.object.member !== 'last') return undefined;
    const s = this.loc(e.object.object, env);
    return s?.k === 'stack' ? { type: 'stack_field', value: [s.name, e.member] } : undefined;
  }

  /** `pkt.lookahead<H>().f` (fields nested in structs too): BMv2 looks ahead at just that field's bits. */
  private lookaheadField(e: ast.Expr & { kind: 'member' }): Bmv2Value | undefined {
    const path: string[] = [];
    let at: ast.Expr = e;
    while (at.kind === 'member') {
      path.unshift(at.member);
      at = at.object;
    }
    const info = at.kind === 'call' ? this.em.cp.calls.get(at) : undefined;
    if (info?.externType !== 'packet_in' || info.name !== 'lookahead') return undefined;
    let t = this.typeOf(at);
    let offset = 0;
    for (const name of path) {
      if (t.k !== 'header' && t.k !== 'struct') return undefined;
      const i = t.fields.findIndex((f) => f.name === name);
      if (i < 0) return undefined;
      for (const f of t.fields.slice(0, i)) offset += widthOf(f.type) ?? 0;
      t = t.fields[i]!.type;
    }
    const w = widthOf(t);
    if (t.k !== 'bit' && t.k !== 'int' && t.k !== 'bool') return undefined;
    return t.k === 'bool' ? this.op('d2b', null, { type: 'lookahead', value: [offset, 1] }) : { type: 'lookahead', value: [offset, w!] };
  }

  private unary(e: ast.Expr & { kind: 'unary' }, env: Env, t: Type): Bmv2Value {
    const v = this.value(e.operand, env);
    switch (e.op) {
      case '!':
        return this.op('not', null, v);
      case '~':
        return this.fit(this.op('~', null, v), t);
      case '-':
        return this.fit(this.op('-', hex(0n), v), t);
      case '+':
        return v;
    }
  }

  private binary(e: ast.Expr & { kind: 'binary' }, env: Env, t: Type): Bmv2Value {
    const lt = this.typeOf(e.left);
    switch (e.op) {
      case '&&':
        return this.op('and', this.value(e.left, env), this.value(e.right, env));
      case '||':
        return this.op('or', this.value(e.left, env), this.value(e.right, env));
      case '==':
      case '!=':
        if (lt.k === 'header' || lt.k === 'struct' || lt.k === 'stack' || lt.k === 'union') {
          this.em.unsupported(e.span, `comparing ${lt.k}s (compare their fields)`);
          return { type: 'bool', value: false };
        }
        // BMv2 compares data; bool operands are converted first.
        if (lt.k === 'bool') return this.op(e.op, this.data(e.left, env), this.data(e.right, env));
        return this.op(e.op, this.value(e.left, env), this.value(e.right, env));
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.op(e.op, this.value(e.left, env), this.value(e.right, env));
      case '&':
      case '|':
      case '^':
        return this.op(e.op, this.value(e.left, env), this.value(e.right, env));
      case '+':
      case '-':
      case '*':
      case '<<':
        return this.fit(this.op(e.op, this.value(e.left, env), this.value(e.right, env)), t);
      case '>>':
        return this.op('>>', this.value(e.left, env), this.value(e.right, env));
      case '/':
      case '%': {
        // The checker admits only unsigned division by a power of two: a shift or a mask.
        const d = this.em.cp.consts.get(e.right) as bigint;
        const shift = BigInt(d.toString(2).length - 1);
        return e.op === '/' ? this.op('>>', this.value(e.left, env), hex(shift)) : this.op('&', this.value(e.left, env), hex(d - 1n));
      }
      case '|+|':
      case '|-|': {
        const w = t.k === 'bit' || t.k === 'int' ? t.w : 0;
        const raw = this.op(e.op === '|+|' ? '+' : '-', this.value(e.left, env), this.value(e.right, env));
        return this.op(t.k === 'int' ? 'sat_cast' : 'usat_cast', raw, hex(BigInt(w)));
      }
      case '++': {
        const rw = this.typeOf(e.right);
        const width = rw.k === 'bit' || rw.k === 'int' ? rw.w : 0;
        const left = lt.k === 'int' ? this.op('&', this.value(e.left, env), hex(mask(lt.w))) : this.value(e.left, env);
        const right = rw.k === 'int' ? this.op('&', this.value(e.right, env), hex(mask(rw.w))) : this.value(e.right, env);
        return this.fit(this.op('|', this.op('<<', left, hex(BigInt(width))), right), t);
      }
      default:
        this.em.unsupported(e.span, `operator '${e.op}' on run-time values`);
        return hex(0n);
    }
  }

  cast(v: Bmv2Value, from: Type, to: Type): Bmv2Value {
    if (from.k === 'bool' && to.k === 'bit') return this.toData(v);
    if (to.k === 'bool') return this.op('d2b', null, v);
    if (to.k === 'bit' && from.k === 'int') return this.op('&', v, hex(mask(to.w), to.w));
    if (to.k === 'bit' && from.k === 'bit' && to.w < from.w) return this.op('&', v, hex(mask(to.w), to.w));
    if (to.k === 'int' && (from.k === 'bit' || (from.k === 'int' && to.w < from.w))) return this.op('two_comp_mod', v, hex(BigInt(to.w)));
    return v;
  }
}

/** Names, fields and stack elements: the expressions that can denote storage. */
export function isPath(e: ast.Expr): boolean {
  return e.kind === 'name' || ((e.kind === 'member' || e.kind === 'index') && isPath(e.object));
}

/** Inside primitive parameters p4c wraps an expression a second time. */
export function param(v: Bmv2Value): Bmv2Value {
  return v.type === 'expression' ? { type: 'expression', value: v } : v;
}
