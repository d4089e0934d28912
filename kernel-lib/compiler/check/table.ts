// Tables: keys, the action list, default action, const entries and the
// properties p4lab lowers (size, counters, meters, support_timeout).
import type * as ast from '../ast.js';
import type { Checker } from './checker.js';
import { checkArgs } from './calls.js';
import { checkExpr, constInt } from './expr.js';
import type { ActionDecl, Sym } from './model.js';
import { checkKeyset } from './stmt.js';
import { BOOL, type Type, typeName } from './types.js';

type TableDecl = ast.Decl & { kind: 'table' };

export function checkTable(cx: Checker, d: TableDecl): void {
  cx.define({ kind: 'table', name: d.name, decl: d, qname: cx.qualify(d.name, d.annotations) }, d.span);
  if (cx.where.blockKind !== 'control') cx.error(d.span, 'tables can only be declared in controls');
  const seen = new Set<string>();
  const keyTypes: Type[] = [];
  const listed: ActionDecl[] = [];
  for (const p of d.properties) {
    if (seen.has(p.name)) cx.error(p.span, `table property '${p.name}' is given twice`);
    seen.add(p.name);
    const v = p.value;
    if (p.name === 'key' && v.kind === 'key') {
      for (const k of v.elements) {
        const t = checkExpr(cx, k.expr);
        keyTypes.push(t);
        if (!['bit', 'int', 'bool', 'enum', 'error', 'unknown'].includes(t.k)) cx.error(k.expr.span, `a table key must be bit<W>, int<W>, bool, error or an enum, not ${typeName(t)}`);
        if (!cx.matchKinds.includes(k.matchKind)) cx.error(k.span, `unknown match kind '${k.matchKind}' (known: ${cx.matchKinds.join(', ')})`);
        else if (!['exact', 'lpm', 'ternary', 'range', 'optional'].includes(k.matchKind)) cx.diags.unsupported(k.span, `match kind '${k.matchKind}'`);
      }
      if (v.elements.filter((k) => k.matchKind === 'lpm').length > 1) cx.error(p.span, 'a table can have at most one lpm key');
    } else if (p.name === 'actions' && v.kind === 'actions') {
      for (const a of v.actions) {
        const decl = actionRef(cx, a.call, 'partial');
        if (decl) listed.push(decl);
      }
    } else if (p.name === 'default_action' && v.kind === 'expr') {
      checkListedCall(cx, v.expr, listed, 'the default action');
    } else if (p.name === 'entries' && v.kind === 'entries') {
      for (const en of v.entries) {
        checkKeyset(cx, en.keyset, keyTypes, 'entry key');
        checkListedCall(cx, en.action, listed, 'an entry action');
        if (en.priority) constInt(cx, en.priority, 'an entry priority');
      }
    } else if (p.name === 'size' && v.kind === 'expr') {
      const n = constInt(cx, v.expr, 'the table size');
      if (n !== undefined && n < 1n) cx.error(v.expr.span, 'the table size must be positive');
    } else if ((p.name === 'counters' || p.name === 'meters') && v.kind === 'expr') {
      const want = p.name === 'counters' ? 'direct_counter' : 'direct_meter';
      const t = checkExpr(cx, v.expr);
      if (t.k !== 'unknown' && !(t.k === 'extern' && t.name === want)) cx.error(v.expr.span, `'${p.name}' must name a ${want} instance, not ${typeName(t)}`);
    } else if (p.name === 'support_timeout' && v.kind === 'expr') {
      const t = checkExpr(cx, v.expr, BOOL);
      if (typeof cx.consts.get(v.expr) !== 'boolean' && t.k !== 'unknown') cx.error(v.expr.span, 'support_timeout must be true or false');
    } else if (p.name === 'implementation') {
      cx.diags.unsupported(p.span, 'action profiles and selectors (table implementation)');
    } else if (p.name === 'largest_priority_wins' && v.kind === 'expr') {
      checkExpr(cx, v.expr, BOOL);
      if (typeof cx.consts.get(v.expr) !== 'boolean') cx.error(v.expr.span, 'largest_priority_wins must be true or false');
    } else if (p.name === 'priority_delta' && v.kind === 'expr') {
      const n = constInt(cx, v.expr, 'priority_delta');
      if (n !== undefined && n < 1n) cx.error(v.expr.span, 'priority_delta must be positive');
    } else {
      cx.diags.unsupported(p.span, `table property '${p.name}'`);
    }
  }
  if (!seen.has('actions')) cx.error(d.span, `table ${d.name} has no 'actions' property`);
}

/** Resolve an action reference; `partial` allows leaving out the action-data arguments, as in an actions list. */
function actionRef(cx: Checker, e: ast.Expr, mode: 'partial' | 'full'): ActionDecl | undefined {
  const callee = e.kind === 'call' ? e.callee : e;
  if (callee.kind !== 'name') {
    cx.error(e.span, 'expected an action name');
    return undefined;
  }
  const sym: Sym | undefined = callee.dotPrefix ? cx.top.lookup(callee.name) : cx.scope.lookup(callee.name);
  if (!sym) {
    cx.error(callee.span, `unknown action '${callee.name}'`);
    return undefined;
  }
  if (sym.kind !== 'action') {
    cx.error(callee.span, `'${callee.name}' is not an action`);
    return undefined;
  }
  cx.syms.set(callee, sym);
  const args = e.kind === 'call' ? e.args : [];
  const params = mode === 'partial' ? sym.decl.params.filter((p) => p.direction !== 'none') : sym.decl.params;
  if (mode === 'partial' && args.length && args.length !== params.length) {
    cx.error(e.span, `${callee.name} in an actions list binds its ${params.length} directional parameter(s) only, got ${args.length} argument(s)`);
    return sym.decl;
  }
  if (mode === 'partial' && !args.length && params.length) {
    cx.error(e.span, `${callee.name} has directional parameters: give their arguments in the actions list`);
    return sym.decl;
  }
  checkArgs(cx, { args, span: e.span }, `action ${callee.name}`, params, new Set(), new Map());
  if (mode === 'full') {
    for (const [i, a] of args.entries()) {
      const p = sym.decl.params[i];
      if (p?.direction === 'none' && cx.consts.get(a.value) === undefined && cx.types.get(a.value)?.k !== 'unknown') {
        cx.error(a.value.span, `the argument for action data '${p.name}' must be a compile-time constant`);
      }
    }
  }
  return sym.decl;
}

function checkListedCall(cx: Checker, e: ast.Expr, listed: ActionDecl[], what: string): void {
  const decl = actionRef(cx, e, 'full');
  if (decl && !listed.includes(decl)) {
    cx.error(e.span, `${what} '${decl.name}' is not in the table's actions list`);
  }
}
