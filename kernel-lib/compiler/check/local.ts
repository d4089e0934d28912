// Local variable and constant declarations inside blocks, actions and statements.
import type * as ast from '../ast.js';
import type { Checker } from './checker.js';
import { assignable, checkExpr } from './expr.js';
import { typeName } from './types.js';

export function checkDeclInBlock(cx: Checker, d: ast.VariableDecl | ast.ConstDecl): void {
  const t = cx.resolveType(d.type);
  const init = d.kind === 'const' ? d.value : d.init;
  if (init) {
    const vt = checkExpr(cx, init, t);
    if (!assignable(cx, init, vt, t)) cx.error(init.span, `'${d.name}' is ${typeName(t)} but is initialised with ${typeName(vt)}`);
  }
  if (d.kind === 'const') {
    const value = cx.consts.get(d.value);
    if (value === undefined) cx.error(d.value.span, `the value of constant '${d.name}' must be known at compile time`);
    cx.define({ kind: 'const', name: d.name, type: t, value }, d.span);
  } else {
    cx.define({ kind: 'var', name: d.name, type: t, decl: d }, d.span);
  }
}
