// Calls: extern methods and functions (generic ones bound from their
// arguments), actions, table and block apply, header and stack methods, and
// constructor calls in instantiations.
import type * as ast from '../ast.js';
import type { Checker } from './checker.js';
import { assignable, checkExpr, checkWritable } from './expr.js';
import type { CallInfo, ControlDecl } from './model.js';
import { BOOL, UNKNOWN, VOID, type Type, typeName } from './types.js';

const applyResults = new WeakMap<ast.Decl, Type>();

/** The struct `t.apply()` returns: hit, miss and action_run (an enum of the table's actions). */
function applyResultType(decl: ast.Decl & { kind: 'table' }): Type {
  let t = applyResults.get(decl);
  if (!t) {
    const actions = decl.properties.find((p) => p.name === 'actions');
    const names = actions?.value.kind === 'actions' ? actions.value.actions.map((a) => calleeName(a.call)) : [];
    t = {
      k: 'struct',
      name: `${decl.name}.apply_result`,
      annotations: [],
      span: decl.span,
      fields: [
        { name: 'hit', type: BOOL, annotations: [] },
        { name: 'miss', type: BOOL, annotations: [] },
        { name: 'action_run', type: { k: 'enum', name: `${decl.name}.action_run`, members: names }, annotations: [] },
      ],
    };
    applyResults.set(decl, t);
  }
  return t;
}

function calleeName(e: ast.Expr): string {
  if (e.kind === 'call') return calleeName(e.callee);
  if (e.kind === 'name') return e.name;
  if (e.kind === 'member') return e.member;
  return '?';
}

function substitute(t: Type, bindings: ReadonlyMap<string, Type>): Type {
  if (t.k === 'typevar') return bindings.get(t.name) ?? t;
  if (t.k === 'extern') return { ...t, args: t.args.map((a) => substitute(a, bindings)) };
  if (t.k === 'tuple') return { k: 'tuple', elems: t.elems.map((a) => substitute(a, bindings)) };
  return t;
}

export function checkCall(cx: Checker, e: ast.Expr & { kind: 'call' }, _expected: Type | undefined): Type {
  const callee = e.callee;
  if (callee.kind === 'member') return methodCall(cx, e, callee);
  if (callee.kind === 'typeMember' && callee.type.kind === 'named') {
    // `C.apply(...)` parsed with C as a type name: the same as a member call on it.
    const object: ast.Expr = { kind: 'name', name: callee.type.name, span: callee.type.span };
    const t = methodCall(cx, e, { kind: 'member', object, member: callee.member, span: callee.span });
    cx.types.set(callee, cx.types.get(object) ?? UNKNOWN);
    return t;
  }
  if (callee.kind !== 'name') {
    cx.error(callee.span, 'this expression cannot be called');
    return UNKNOWN;
  }
  const sym = callee.dotPrefix ? cx.top.lookup(callee.name) : cx.scope.lookup(callee.name);
  if (!sym) {
    cx.error(callee.span, `unknown name '${callee.name}'`);
    checkLooseArgs(cx, e);
    return UNKNOWN;
  }
  cx.syms.set(callee, sym);
  switch (sym.kind) {
    case 'action': {
      if (cx.where.blockKind === 'parser') cx.error(e.span, `actions cannot be called in a parser`);
      checkArgs(cx, e, `action ${sym.name}`, sym.decl.params, new Set(), new Map());
      cx.recordCall(e, { kind: 'action', name: sym.qname, typeArgs: [] });
      return VOID;
    }
    case 'externFunction': {
      const decl = pickOverload(sym.decls, e.args.length);
      if (!decl) {
        cx.error(e.span, `${sym.name} takes ${sym.decls.map((d) => d.params.length).join(' or ')} arguments, got ${e.args.length}`);
        checkLooseArgs(cx, e);
        return UNKNOWN;
      }
      const bindings = bindExplicit(cx, e, decl.typeParams);
      checkArgs(cx, e, sym.name, decl.params, new Set(decl.typeParams), bindings);
      cx.recordCall(e, { kind: 'extern-function', name: sym.name, typeArgs: decl.typeParams.map((p) => bindings.get(p) ?? UNKNOWN) });
      return substitute(cx.resolveType(decl.returnType, new Set(decl.typeParams)), bindings);
    }
    case 'function': {
      const decl = sym.decl;
      const bindings = bindExplicit(cx, e, decl.typeParams);
      checkArgs(cx, e, sym.name, decl.params, new Set(decl.typeParams), bindings);
      cx.recordCall(e, { kind: 'function', name: sym.name, typeArgs: [] });
      return substitute(cx.resolveType(decl.returnType, new Set(decl.typeParams)), bindings);
    }
    case 'type': {
      const t = sym.type;
      if (t.k === 'block') {
        // `MyParser()` as a package argument: a constructor call with no arguments.
        if (e.args.length) cx.diags.unsupported(e.span, 'constructor parameters on parsers and controls');
        return t;
      }
      if (t.k === 'extern') return externConstructor(cx, e, t, e.typeArgs.map((a) => cx.resolveType(a)));
      cx.error(callee.span, `'${callee.name}' is a type and cannot be called (to cast, write (${callee.name})value)`);
      return UNKNOWN;
    }
    default:
      cx.error(callee.span, `'${callee.name}' cannot be called`);
      checkLooseArgs(cx, e);
      return UNKNOWN;
  }
}

/** `register<bit<32>>(1024)`, `counter(64, CounterType.packets)`, `V1Switch(...)`: check the arguments against a constructor. */
export function externConstructor(cx: Checker, e: { args: ast.Argument[]; span: ast.Span }, t: Type & { k: 'extern' }, typeArgs: Type[]): Type {
  const ctors = t.decl.methods.filter((m) => m.name === t.decl.name && !m.returnType);
  const inst: Type = { ...t, args: typeArgs.length ? typeArgs : t.args };
  if (!ctors.length) {
    cx.error(e.span, `${t.name} has no constructor`);
    return UNKNOWN;
  }
  const ctor = pickOverload(ctors, e.args.length);
  if (!ctor) {
    cx.error(e.span, `the constructor of ${t.name} takes ${ctors.map((c) => c.params.length).join(' or ')} arguments, got ${e.args.length}`);
    return UNKNOWN;
  }
  const bindings = new Map<string, Type>();
  t.decl.typeParams.forEach((p, i) => {
    const a = (inst as typeof t).args[i];
    if (a) bindings.set(p, a);
  });
  checkArgs(cx, e, `${t.name}()`, ctor.params, new Set([...t.decl.typeParams, ...ctor.typeParams]), bindings);
  if (t.decl.typeParams.length && !(inst as typeof t).args.length) {
    return { ...t, args: t.decl.typeParams.map((p) => bindings.get(p) ?? UNKNOWN) };
  }
  return inst;
}

function methodCall(cx: Checker, e: ast.Expr & { kind: 'call' }, callee: ast.Expr & { kind: 'member' }): Type {
  const ot = checkExpr(cx, callee.object);
  const m = callee.member;
  const info = (kind: CallInfo['kind'], extra: Partial<CallInfo> = {}) => cx.recordCall(e, { kind, name: m, typeArgs: [], ...extra });
  if (ot.k === 'unknown') {
    checkLooseArgs(cx, e);
    return UNKNOWN;
  }
  if (ot.k === 'header' || ot.k === 'union') {
    if (ot.k === 'union' && (m === 'setValid' || m === 'setInvalid')) {
      cx.error(e.span, `a header union has no ${m}(): call it on one of its members`);
      return VOID;
    }
    if (m === 'isValid' || m === 'setValid' || m === 'setInvalid') {
      if (e.args.length) cx.error(e.span, `${m}() takes no arguments`);
      if (m !== 'isValid') checkWritable(cx, callee.object, (n) => `call ${m}() on '${n}'`, `the header of ${m}()`);
      info('header');
      return m === 'isValid' ? BOOL : VOID;
    }
  }
  if (ot.k === 'stack' && (m === 'push_front' || m === 'pop_front')) {
    if (e.args.length !== 1) cx.error(e.span, `${m} takes one argument (how many elements)`);
    for (const a of e.args) {
      checkExpr(cx, a.value);
      if (typeof cx.consts.get(a.value) !== 'bigint') cx.error(a.value.span, `the argument of ${m} must be a compile-time constant`);
    }
    checkWritable(cx, callee.object, (n) => `call ${m}() on '${n}'`, `the header of ${m}()`);
    info('stack');
    return VOID;
  }
  if (ot.k === 'table' && m === 'apply') {
    if (e.args.length) cx.error(e.span, 'apply() of a table takes no arguments');
    if (cx.where.blockKind !== 'control' || cx.where.inAction) cx.error(e.span, 'tables can only be applied in a control apply block');
    info('table-apply');
    return applyResultType(ot.decl);
  }
  if (ot.k === 'block' && m === 'apply' && ot.decl.kind === 'control') {
    if (cx.where.blockKind !== 'control' || cx.where.inAction) cx.error(e.span, 'controls can only be applied in a control apply block');
    else if (ot.decl === cx.where.blockDecl) cx.error(e.span, `control ${ot.name} cannot apply itself`);
    else if (cx.syms.get(callee.object)?.kind === 'type') {
      // `C.apply(...)` on the declaration itself: an instance named after it.
      const instance: ast.InstantiationDecl = { kind: 'instance', name: ot.decl.name, annotations: [], type: { kind: 'named', name: ot.decl.name, args: [], span: callee.span }, args: [], span: callee.span };
      if (cx.subControls.has(ot.decl)) cx.diags.unsupported(e.span, `a second instance of control ${ot.name} (p4lab inlines each control once)`);
      else cx.subControls.set(ot.decl, { parent: cx.where.blockDecl as ControlDecl, instance });
    }
    checkArgs(cx, e, `${ot.name}.apply`, ot.decl.params, new Set(), new Map());
    info('control-apply', { name: ot.name });
    return VOID;
  }
  if (ot.k === 'extern') {
    const methods = ot.decl.methods.filter((x) => x.name === m && x.returnType);
    if (!methods.length) {
      cx.error(callee.span, `${typeName(ot)} has no method '${m}'`);
      checkLooseArgs(cx, e);
      return UNKNOWN;
    }
    const method = pickOverload(methods, e.args.length);
    if (!method) {
      cx.error(e.span, `${ot.name}.${m} takes ${methods.map((x) => x.params.length).join(' or ')} arguments, got ${e.args.length}`);
      checkLooseArgs(cx, e);
      return UNKNOWN;
    }
    const bindings = bindExplicit(cx, e, method.typeParams);
    ot.decl.typeParams.forEach((p, i) => {
      const a = ot.args[i];
      if (a) bindings.set(p, a);
    });
    const vars = new Set([...ot.decl.typeParams, ...method.typeParams]);
    checkArgs(cx, e, `${ot.name}.${m}`, method.params, vars, bindings);
    info('extern-method', { externType: ot.name, typeArgs: method.typeParams.map((p) => bindings.get(p) ?? UNKNOWN) });
    return substitute(cx.resolveType(method.returnType!, vars), bindings);
  }
  cx.error(callee.span, `${typeName(ot)} has no method '${m}'`);
  checkLooseArgs(cx, e);
  return UNKNOWN;
}

function pickOverload<T extends { params: ast.Param[] }>(decls: T[], n: number): T | undefined {
  return decls.find((d) => n <= d.params.length && n >= d.params.filter((p) => !p.defaultValue).length);
}

function bindExplicit(cx: Checker, e: ast.Expr & { kind: 'call' }, typeParams: string[]): Map<string, Type> {
  const bindings = new Map<string, Type>();
  if (e.typeArgs.length > typeParams.length) cx.error(e.span, `too many type arguments: expected ${typeParams.length}`);
  e.typeArgs.forEach((a, i) => {
    const p = typeParams[i];
    if (p) bindings.set(p, cx.resolveType(a));
  });
  return bindings;
}

/** Type arguments of a call whose callee is in error, so their own mistakes still show. */
function checkLooseArgs(cx: Checker, e: ast.Expr & { kind: 'call' }): void {
  for (const a of e.args) checkExpr(cx, a.value);
}

/** Match arguments to parameters (positional or named), bind type variables, check types and directions. */
export function checkArgs(
  cx: Checker,
  e: { args: ast.Argument[]; span: ast.Span },
  what: string,
  params: ast.Param[],
  typeVars: ReadonlySet<string>,
  bindings: Map<string, Type>,
): void {
  const byParam = new Map<ast.Param, ast.Argument>();
  let named = false;
  e.args.forEach((a, i) => {
    if (a.name !== undefined) {
      named = true;
      const p = params.find((x) => x.name === a.name);
      if (!p) cx.error(a.span, `${what} has no parameter '${a.name}'`);
      else byParam.set(p, a);
    } else if (named) {
      cx.error(a.span, 'positional arguments cannot follow named ones');
    } else if (i < params.length) {
      byParam.set(params[i]!, a);
    }
  });
  if (e.args.length > params.length) {
    cx.error(e.span, `${what} takes ${params.length} argument(s), got ${e.args.length}`);
    for (const a of e.args.slice(params.length)) checkExpr(cx, a.value);
  }
  for (const p of params) {
    const a = byParam.get(p);
    if (!a) {
      if (!p.defaultValue && e.args.length <= params.length) cx.error(e.span, `${what}: missing argument for parameter '${p.name}'`);
      continue;
    }
    const declared = cx.resolveType(p.type, typeVars);
    let want = substitute(declared, bindings);
    if (want.k === 'typevar') {
      const got = checkExpr(cx, a.value);
      bindings.set(want.name, got);
      want = got;
    } else {
      const got = checkExpr(cx, a.value, want);
      if (a.value.kind !== 'dontcare' && !assignable(cx, a.value, got, want)) {
        cx.error(a.value.span, `argument '${p.name}' of ${what} must be ${typeName(want)}, not ${typeName(got)}`);
      }
    }
    if ((p.direction === 'out' || p.direction === 'inout') && a.value.kind !== 'dontcare') {
      checkWritable(cx, a.value, (n) => `pass '${n}' as the '${p.direction}' argument '${p.name}' of ${what}`, `the '${p.direction}' argument '${p.name}' of ${what}`);
    }
  }
}
