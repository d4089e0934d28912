// Statements of actions (and of statement runs hoisted into hidden actions)
// → BMv2 primitives. An `if` inside an action is predicated: each assignment
// becomes `c ? v : x`. Action and function calls are inlined with
// copy-in/copy-out; extern calls are mapped by ExternCalls.
import type * as ast from '../ast.js';
import type { Bmv2Primitive, Bmv2Value } from '../../bmv2/json-format.js';
import type { ActionDecl } from '../check/model.js';
import { typeName } from '../check/types.js';
import { hex, mask } from './emitter.js';
import { ExternCalls } from './extern-calls.js';
import { type ExprLowering, param } from './expr.js';
import type { Externs } from './externs.js';
import { type Env, type Loc, isScalar, storageWidth } from './layout.js';
import { exprText } from './text.js';
import { exprChildren, forEachExpr, ownExprs, scalarReads } from './walk.js';

type FunctionDecl = ast.Decl & { kind: 'function' };

/** How a statement list ended: unconditionally by `return` or `exit`, or by running to its end. */
export type Ending = 'return' | 'exit' | undefined;

/** Append copy-out assignments; after an `exit` they go before it, as P4 copies out on exit too. */
export function copyOut(out: Bmv2Primitive[], after: Bmv2Primitive[], end: Ending): void {
  if (end === 'exit') out.splice(out.length - 1, 0, ...after);
  else out.push(...after);
}

export class PrimitiveLowering {
  readonly externCalls: ExternCalls;
  private returned: (Bmv2Value & { type: 'field' }) | undefined; // 1 once a conditional `return` ran
  private result: Loc | undefined; // where `return e` of the function being inlined puts e
  private readonly active = new Set<ast.Decl>(); // functions being inlined, against recursion

  constructor(readonly ex: ExprLowering, readonly externs: Externs) {
    this.externCalls = new ExternCalls(ex, externs);
  }

  private get em() {
    return this.ex.em;
  }

  /**
   * Lower statements; says how the list ended: 'return' or 'exit' when it
   * ends unconditionally (nothing after it runs), undefined otherwise.
   */
  stmts(list: ast.Stmt[], env: Env, out: Bmv2Primitive[], guard?: Bmv2Value): Ending {
    for (const s of list) {
      const end = this.stmt(s, env, out, this.live(guard));
      if (end) return end;
    }
    return undefined;
  }

  /** A whole action body: a `return` under an if in it makes the rest conditional on not having returned. */
  body(list: ast.Stmt[], env: Env, out: Bmv2Primitive[]): Ending {
    const saved = this.returned;
    this.returned = undefined;
    try {
      return this.stmts(list, env, out);
    } finally {
      this.returned = saved;
    }
  }

  private returnFlag(out: Bmv2Primitive[]): Bmv2Value & { type: 'field' } {
    const flag = this.em.temp(1);
    this.returned = flag;
    out.push({ op: 'assign', parameters: [flag, hex(0n, 1)] });
    return flag;
  }

  /** The guard of a statement: also "not returned yet" after a conditional return. */
  private live(guard: Bmv2Value | undefined): Bmv2Value | undefined {
    if (!this.returned) return guard;
    const notReturned = this.ex.op('not', null, this.ex.op('d2b', null, this.returned));
    return guard ? this.ex.op('and', guard, notReturned) : notReturned;
  }

  stmt(s: ast.Stmt, env: Env, out: Bmv2Primitive[], guard?: Bmv2Value): Ending {
    this.hoist(ownExprs(s), env, out, guard, s.kind === 'assign' ? [s.value] : undefined);
    switch (s.kind) {
      case 'assign':
        this.assign(s.target, s.value, env, out, guard);
        return undefined;
      case 'varDecl':
        if (s.decl.init) this.assignDecl(s.decl, s.decl.init, env, out, guard);
        return undefined;
      case 'constDecl':
      case 'empty':
        return undefined;
      case 'block':
        return this.stmts(s.body, env, out, guard);
      case 'if': {
        const c = this.em.cp.consts.get(s.cond);
        if (typeof c === 'boolean') {
          const taken = c ? s.then : s.else;
          return taken ? this.stmt(taken, env, out, guard) : undefined;
        }
        const cond = this.em.temp(1);
        const raw = this.ex.value(s.cond, env);
        const whole = guard ? this.ex.op('and', guard, raw) : raw;
        out.push({ op: 'assign', parameters: [cond, param(this.ex.toData(whole))] });
        const isSet = this.ex.op('d2b', null, cond);
        this.stmt(s.then, env, out, isSet);
        // cond holds (guard && c): the else branch needs guard && !c, not just !cond.
        const notC = this.ex.op('not', null, isSet);
        if (s.else) this.stmt(s.else, env, out, guard ? this.ex.op('and', guard, notC) : notC);
        return undefined;
      }
      case 'call':
        if (this.em.cp.calls.get(s.call)?.kind === 'function') return undefined; // hoist() ran it, guarded
        if (guard) {
          if (this.onlyIf(guard, out, () => this.call(s.call, env, out)) === 'exit') this.em.unsupported(s.span, "'exit' under an if inside an action (move the if into the control apply block)");
          return undefined;
        }
        return this.call(s.call, env, out);
      case 'exit':
        if (guard) {
          this.em.unsupported(s.span, "'exit' under an if inside an action (move the if into the control apply block)");
          return undefined;
        }
        // BMv2 runs the rest of the action after `exit`; stopping here keeps P4's meaning.
        out.push({ op: 'exit', parameters: [] });
        return 'exit';
      case 'return': {
        if (s.value && this.result) this.storeResult(s.value, env, out, guard);
        if (!guard) return 'return';
        // Remember the return in a flag; live() keeps the statements after it from running.
        const flag = this.returned ?? this.returnFlag(out);
        out.push({ op: 'assign', parameters: [flag, param(this.ex.expr({ op: '?', left: hex(1n, 1), right: flag, cond: guard }))] });
        return undefined;
      }
      case 'switch':
        this.em.unsupported(s.span, "'switch' inside an action");
        return undefined;
    }
  }

  /** Runs `emit` so that its primitives take effect only under `guard`: as p4c, BMv2 jumps over them otherwise. */
  private onlyIf<T>(guard: Bmv2Value | undefined, out: Bmv2Primitive[], emit: () => T): T {
    if (!guard) return emit();
    const skip: Bmv2Primitive = { op: '_jump_if_zero', parameters: [param(this.ex.toData(guard)), hex(0n)] };
    out.push(skip);
    const result = emit();
    skip.parameters[1] = hex(BigInt(out.length));
    return result;
  }

  private assignDecl(decl: ast.VariableDecl, init: ast.Expr, env: Env, out: Bmv2Primitive[], guard?: Bmv2Value): void {
    const t = this.em.cp.typeRefs.get(decl.type);
    if (!t) return;
    const dst = this.ex.layout.local(decl, t);
    this.store(dst, init, env, out, guard, decl.span);
  }

  assign(target: ast.Expr, value: ast.Expr, env: Env, out: Bmv2Primitive[], guard?: Bmv2Value): void {
    if (target.kind === 'slice') {
      this.storeSlice(target, this.ex.data(value, env), env, out, guard);
      return;
    }
    if (target.kind === 'dontcare') return;
    const dst = this.ex.loc(target, env);
    if (!dst) return;
    this.store(dst, value, env, out, guard, target.span);
  }

  /** x[h:l] = v: the other bits of x kept. Nested slices x[h1:l1][h2:l2] are x[l1+h2 : l1+l2]. */
  private storeSlice(target: ast.Expr & { kind: 'slice' }, value: Bmv2Value, env: Env, out: Bmv2Primitive[], guard?: Bmv2Value): void {
    let base: ast.Expr = target;
    let lo = 0n;
    while (base.kind === 'slice') {
      lo += this.em.cp.consts.get(base.lo) as bigint;
      base = base.object;
    }
    const hi = lo + ((this.em.cp.consts.get(target.hi) as bigint) - (this.em.cp.consts.get(target.lo) as bigint));
    const dst = this.ex.loc(base, env);
    if (dst?.k !== 'field') {
      this.em.unsupported(target.span, 'assigning a slice of this value');
      return;
    }
    const t = dst.type;
    const w = t.k === 'bit' || t.k === 'int' ? t.w : 0;
    const m = mask(Number(hi - lo + 1n)) << lo;
    const kept = this.ex.op('&', { type: 'field', value: dst.value }, hex(mask(w) ^ m, w));
    const put = this.ex.op('&', this.ex.op('<<', value, hex(lo)), hex(m, w));
    this.field(dst.value, this.ex.op('|', kept, put), out, guard);
  }

  /** Store an expression's value into storage of any shape. */
  private store(dst: Loc, value: ast.Expr, env: Env, out: Bmv2Primitive[], guard: Bmv2Value | undefined, span: ast.Span): void {
    if (dst.k === 'field' && dst.type.k === 'varbit') {
      this.em.unsupported(span, 'assigning a varbit field');
      return;
    }
    if (dst.k === 'field') {
      this.field(dst.value, this.ex.data(value, env), out, guard);
      return;
    }
    if (dst.k === 'dynamic' && dst.choices.every((c) => c.k === 'field')) {
      // hs[i].f = v: each element's field is written when i is its index.
      const v = this.ex.data(value, env);
      dst.choices.forEach((c, k) => {
        const hit = this.ex.op('==', dst.index, hex(BigInt(k)));
        this.field((c as Loc & { k: 'field' }).value, v, out, guard ? this.ex.op('and', guard, hit) : hit);
      });
      return;
    }
    if (dst.k === 'struct' || dst.k === 'header') {
      if (value.kind === 'structInit') {
        if (dst.k === 'header') this.onlyIf(guard, out, () => out.push({ op: 'add_header', parameters: [{ type: 'header', value: dst.name }] }));
        for (const init of value.fields) {
          const sub = (dst.k === 'struct' ? dst.fields : this.ex.layout.headerFields(dst)).get(init.name);
          if (sub) this.store(sub, init.value, env, out, guard, span);
        }
        return;
      }
      if (value.kind === 'list') {
        const t = dst.type;
        const fields = t.k === 'struct' || t.k === 'header' ? t.fields : [];
        if (dst.k === 'header') this.onlyIf(guard, out, () => out.push({ op: 'add_header', parameters: [{ type: 'header', value: dst.name }] }));
        fields.forEach((f, i) => {
          const el = value.elements[i];
          const sub = (dst.k === 'struct' ? dst.fields : this.ex.layout.headerFields(dst)).get(f.name);
          if (el && sub) this.store(sub, el, env, out, guard, span);
        });
        return;
      }
      const src = this.ex.loc(value, env);
      if (!src) {
        this.em.unsupported(value.span, 'this value for a header or struct assignment');
        return;
      }
      this.copy(dst, src, out, guard, span);
      return;
    }
    this.em.unsupported(span, `assigning to ${dst.k === 'stack' ? 'a whole header stack' : 'this value'}`);
  }

  private copy(dst: Loc, src: Loc, out: Bmv2Primitive[], guard: Bmv2Value | undefined, span: ast.Span): void {
    if (dst.k === 'field') {
      const v = this.ex.read(src, span);
      this.field(dst.value, src.type.k === 'bool' ? this.ex.toData(v) : v, out, guard);
    } else if (dst.k === 'header' && src.k === 'header') {
      this.onlyIf(guard, out, () => out.push({ op: 'assign_header', parameters: [{ type: 'header', value: dst.name }, { type: 'header', value: src.name }] }));
    } else if (dst.k === 'struct' && src.k === 'struct') {
      for (const [name, d] of dst.fields) {
        const s = src.fields.get(name);
        if (s) this.copy(d, s, out, guard, span);
      }
    } else if (dst.k === 'header' && src.k === 'struct') {
      const fields = this.ex.layout.headerFields(dst);
      for (const [name, s] of src.fields) {
        const d = fields.get(name);
        if (d) this.copy(d, s, out, guard, span);
      }
    } else if (dst.k === 'struct' && src.k === 'header') {
      const fields = this.ex.layout.headerFields(src);
      for (const [name, d] of dst.fields) {
        const s = fields.get(name);
        if (s) this.copy(d, s, out, guard, span);
      }
    } else {
      this.em.unsupported(span, 'this assignment');
    }
  }

  private field(dst: [string, string], v: Bmv2Value, out: Bmv2Primitive[], guard?: Bmv2Value): void {
    const f: Bmv2Value = { type: 'field', value: dst };
    const value = guard ? this.ex.expr({ op: '?', left: v, right: f, cond: guard }) : v;
    out.push({ op: 'assign', parameters: [f, param(value)] });
  }

  call(e: ast.Expr & { kind: 'call' }, env: Env, out: Bmv2Primitive[]): Ending {
    const info = this.em.cp.calls.get(e);
    const callee = e.callee;
    const args = e.args.map((a) => a.value);
    if (!info) {
      this.em.unsupported(e.span, 'this call');
      return;
    }
    switch (info.kind) {
      case 'header': {
        const l = callee.kind === 'member' ? this.ex.loc(callee.object, env) : undefined;
        if (l?.k === 'dynamic' && info.name !== 'isValid') this.em.unsupported(e.span, `${info.name}() on a stack element indexed at run time`);
        if (l?.k !== 'header') return;
        if (info.name === 'isValid') return;
        out.push({ op: info.name === 'setValid' ? 'add_header' : 'remove_header', parameters: [{ type: 'header', value: l.name }] });
        return;
      }
      case 'stack': {
        const l = callee.kind === 'member' ? this.ex.loc(callee.object, env) : undefined;
        if (l?.k !== 'stack') return;
        const n = this.em.cp.consts.get(args[0]!) as bigint;
        out.push({ op: info.name === 'push_front' ? 'push' : 'pop', parameters: [{ type: 'header_stack', value: l.name }, hex(n)] });
        return;
      }
      case 'action':
        return this.inlineAction(e, env, out);
      case 'extern-method':
        this.externCalls.method(e, info.externType!, info.name, args, env, out);
        return;
      case 'extern-function':
        this.externCalls.function(e, info.name, args, env, out);
        return;
      case 'function':
        return; // run by hoist() before the statement
      default:
        this.em.unsupported(e.span, `calling ${info.name} here`);
    }
  }

  /** A direct action call inside another body: its statements with parameters bound to the arguments. */
  private inlineAction(e: ast.Expr & { kind: 'call' }, env: Env, out: Bmv2Primitive[]): Ending {
    const sym = e.callee.kind === 'name' ? this.em.cp.syms.get(e.callee) : undefined;
    if (sym?.kind !== 'action') return undefined;
    const inner: Env = { params: new Map(env.params) };
    const after: Bmv2Primitive[] = [];
    this.bindArgs(sym.decl, e.args.map((a) => a.value), env, inner, out, after);
    const end = this.body(sym.decl.body.body, inner, out);
    copyOut(out, after, end);
    return end === 'exit' ? 'exit' : undefined; // `return` ends only the called action
  }

  /**
   * Run the user function calls in `exprs` (innermost first) into temporaries,
   * so that the expressions read them: P4 evaluates calls before the statement.
   */
  hoist(exprs: ast.Expr[], env: Env, out: Bmv2Primitive[], guard?: Bmv2Value, valueExprs: ast.Expr[] = exprs): void {
    const calls = this.functionCalls(exprs);
    if (!calls.length) return;
    const reads = scalarReads(valueExprs, (e) => isScalar(this.ex.typeOf(e)) && !this.em.cp.consts.has(e));
    for (const { call, when } of calls) {
      // A call that writes its arguments must not change what was read before it, left to right.
      const sym = call.callee.kind === 'name' ? this.em.cp.syms.get(call.callee) : undefined;
      const writes = sym?.kind === 'function' && sym.decl.params.some((p) => p.direction === 'out' || p.direction === 'inout');
      if (writes) {
        for (const r of reads) {
          if (r.span.start >= call.span.start || this.ex.hoisted.has(r)) continue;
          const t = this.ex.typeOf(r);
          const tmp = this.em.temp(storageWidth(t)!, t.k === 'int');
          out.push({ op: 'assign', parameters: [tmp, param(this.ex.data(r, env))] });
          this.ex.hoisted.set(r, this.ex.read({ k: 'field', value: tmp.value, type: t }, r.span));
        }
      }
      this.inlineFunction(call, env, out, this.lazyGuard(when, env, out, guard));
    }
  }

  /**
   * The user function calls in `exprs`, innermost first, each with the
   * conditions under which P4 evaluates it: only one side of `?:` runs, and
   * the right of `&&` / `||` only when the left does not decide.
   */
  private functionCalls(exprs: ast.Expr[]): Array<{ call: ast.Expr & { kind: 'call' }; when: Array<{ cond: ast.Expr; holds: boolean }> }> {
    const found: Array<{ call: ast.Expr & { kind: 'call' }; when: Array<{ cond: ast.Expr; holds: boolean }> }> = [];
    const visit = (e: ast.Expr, when: Array<{ cond: ast.Expr; holds: boolean }>): void => {
      if (e.kind === 'ternary') {
        visit(e.cond, when);
        visit(e.then, [...when, { cond: e.cond, holds: true }]);
        visit(e.else, [...when, { cond: e.cond, holds: false }]);
        return;
      }
      if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) {
        visit(e.left, when);
        visit(e.right, [...when, { cond: e.left, holds: e.op === '&&' }]);
        return;
      }
      exprChildren(e).forEach((x) => visit(x, when));
      if (e.kind === 'call' && this.em.cp.calls.get(e)?.kind === 'function' && !this.ex.hoisted.has(e)) found.push({ call: e, when });
    };
    exprs.forEach((e) => visit(e, []));
    return found;
  }

  /** `guard` and the lazy conditions, each read into a temporary before the call can change what it reads. */
  private lazyGuard(when: Array<{ cond: ast.Expr; holds: boolean }>, env: Env, out: Bmv2Primitive[], guard: Bmv2Value | undefined): Bmv2Value | undefined {
    let g = guard;
    for (const { cond, holds } of when) {
      const tmp = this.em.temp(1);
      out.push({ op: 'assign', parameters: [tmp, param(this.ex.toData(this.ex.value(cond, env)))] });
      const isSet = this.ex.op('d2b', null, tmp);
      const c = holds ? isSet : this.ex.op('not', null, isSet);
      g = g ? this.ex.op('and', g, c) : c;
    }
    return g;
  }

  private inlineFunction(call: ast.Expr & { kind: 'call' }, env: Env, out: Bmv2Primitive[], guard?: Bmv2Value): void {
    const sym = call.callee.kind === 'name' ? this.em.cp.syms.get(call.callee) : undefined;
    if (sym?.kind !== 'function') return;
    const decl = sym.decl;
    if (this.active.has(decl)) {
      this.em.unsupported(call.span, `recursive call of function ${decl.name}`);
      return;
    }
    const rt = this.em.cp.typeRefs.get(decl.returnType);
    let result: Loc | undefined;
    if (rt && rt.k !== 'void') {
      const w = isScalar(rt) ? storageWidth(rt) : undefined;
      if (w === undefined) {
        this.em.unsupported(call.span, `a function returning ${typeName(rt)} (return a bit<W>, int<W> or bool)`);
        return;
      }
      result = { k: 'field', value: this.em.temp(w, rt.k === 'int').value, type: rt };
      this.ex.hoisted.set(call, this.ex.read(result, call.span));
    }
    const inner: Env = { params: new Map(env.params) };
    const after: Bmv2Primitive[] = [];
    this.bindArgs(decl, call.args.map((a) => a.value), env, inner, out, after, guard);
    const saved = { result: this.result, returned: this.returned };
    this.result = result;
    this.returned = undefined;
    this.active.add(decl);
    try {
      copyOut(out, after, this.stmts(decl.body.body, inner, out, guard));
    } finally {
      this.active.delete(decl);
      this.result = saved.result;
      this.returned = saved.returned;
    }
  }

  private storeResult(value: ast.Expr, env: Env, out: Bmv2Primitive[], guard: Bmv2Value | undefined): void {
    const dst = this.result as Loc & { k: 'field' };
    this.field(dst.value, this.ex.data(value, env), out, guard);
  }

  /**
   * Bind parameters to call arguments with P4's copy-in/copy-out: a scalar goes
   * through a temporary, set before the body (in, inout) and written back after
   * it (`after`, for out and inout); constants are used as they are. Headers
   * and structs are used in place, which means the same unless the body also
   * names the argument directly.
   */
  bindArgs(decl: ActionDecl | FunctionDecl, args: Array<ast.Expr | undefined>, env: Env, inner: Env, before: Bmv2Primitive[], after: Bmv2Primitive[], guard?: Bmv2Value): void {
    decl.params.forEach((p, i) => {
      const a = args[i];
      if (!a || a.kind === 'dontcare') return;
      const t = this.ex.typeOf(a);
      const writes = p.direction === 'out' || p.direction === 'inout';
      const c = this.em.cp.consts.get(a);
      if (c !== undefined && !writes) {
        inner.params.set(p, { k: 'value', value: this.ex.constant(c, t), type: t });
        return;
      }
      const w = isScalar(t) ? storageWidth(t) : undefined;
      if (w !== undefined) {
        const tmp = this.em.temp(w, t.k === 'int');
        if (p.direction !== 'out') before.push({ op: 'assign', parameters: [tmp, param(this.ex.data(a, env))] });
        // copy-out happens only if the call does (a call under a guard)
        if (writes && a.kind === 'slice') this.storeSlice(a, tmp, env, after, guard);
        else if (writes) {
          const l = this.ex.loc(a, env);
          if (l?.k === 'field') this.field(l.value, tmp, after, guard);
          else this.em.unsupported(a.span, `this '${p.direction}' argument (pass a variable, field or slice)`);
        }
        inner.params.set(p, { k: 'field', value: tmp.value, type: t });
        return;
      }
      const l = this.ex.loc(a, env);
      if (!l) return;
      if (this.namesRootOf(decl.body.body, a)) {
        this.em.unsupported(a.span, `passing ${exprText(a)} to ${decl.name}, which also names it directly (copy-in/copy-out of a whole header or struct)`);
      }
      inner.params.set(p, l);
    });
  }

  /** Whether `body` names the variable or parameter at the root of `arg` (h in h.eth). */
  private namesRootOf(body: ast.Stmt[], arg: ast.Expr): boolean {
    let root = arg;
    while (root.kind === 'member' || root.kind === 'index' || root.kind === 'slice') root = root.object;
    const sym = root.kind === 'name' ? this.em.cp.syms.get(root) : undefined;
    if (!sym) return false;
    let found = false;
    forEachExpr(body, (e) => {
      if (e.kind === 'name' && this.em.cp.syms.get(e) === sym) found = true;
    });
    return found;
  }
}
