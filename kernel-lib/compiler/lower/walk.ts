// Visiting every expression of statements, for the few questions the lowering
// asks of a body as a whole (does it name this variable?).
import type * as ast from '../ast.js';

export function forEachExpr(stmts: ast.Stmt[], fn: (e: ast.Expr) => void): void {
  const expr = (e: ast.Expr | undefined): void => {
    if (!e) return;
    fn(e);
    switch (e.kind) {
      case 'member':
        return expr(e.object);
      case 'index':
        expr(e.object);
        return expr(e.index);
      case 'slice':
        return expr(e.object);
      case 'call':
        expr(e.callee);
        return e.args.forEach((a) => expr(a.value));
      case 'unary':
        return expr(e.operand);
      case 'binary':
        expr(e.left);
        return expr(e.right);
      case 'ternary':
        expr(e.cond);
        expr(e.then);
        return expr(e.else);
      case 'cast':
        return expr(e.expr);
      case 'list':
        return e.elements.forEach(expr);
      case 'structInit':
        return e.fields.forEach((f) => expr(f.value));
      default:
        return;
    }
  };
  const stmt = (s: ast.Stmt): void => {
    switch (s.kind) {
      case 'assign':
        expr(s.target);
        return expr(s.value);
      case 'call':
        return expr(s.call);
      case 'if':
        expr(s.cond);
        stmt(s.then);
        if (s.else) stmt(s.else);
        return;
      case 'block':
        return s.body.forEach(stmt);
      case 'switch':
        expr(s.subject);
        for (const c of s.cases) if (c.body) stmt(c.body);
        return;
      case 'return':
        return expr(s.value);
      case 'varDecl':
        return expr(s.decl.init);
      case 'constDecl':
        return expr(s.decl.value);
      default:
        return;
    }
  };
  stmts.forEach(stmt);
}

/** The expressions a statement evaluates itself (not those of the statements it contains). */
export function ownExprs(s: ast.Stmt): ast.Expr[] {
  switch (s.kind) {
    case 'assign':
      return [s.target, s.value];
    case 'call':
      return [s.call];
    case 'if':
      return [s.cond];
    case 'switch':
      return [s.subject];
    case 'return':
      return s.value ? [s.value] : [];
    case 'varDecl':
      return s.decl.init ? [s.decl.init] : [];
    default:
      return [];
  }
}

/** The direct sub-expressions of `e`, left to right (a method call's object after its arguments). */
export function exprChildren(e: ast.Expr): ast.Expr[] {
  switch (e.kind) {
    case 'member':
    case 'slice':
      return [e.object];
    case 'index':
      return [e.object, e.index];
    case 'call':
      return [...e.args.map((a) => a.value), ...(e.callee.kind === 'member' ? [e.callee.object] : [])];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'ternary':
      return [e.cond, e.then, e.else];
    case 'cast':
      return [e.expr];
    case 'list':
      return e.elements;
    case 'structInit':
      return e.fields.map((f) => f.value);
    default:
      return [];
  }
}

/** Every sub-expression, children before parents, left to right. */
export function forEachExprPost(exprs: ast.Expr[], fn: (e: ast.Expr) => void): void {
  const visit = (e: ast.Expr): void => {
    exprChildren(e).forEach(visit);
    fn(e);
  };
  exprs.forEach(visit);
}

/** The outermost variable, field and stack-element reads in expressions that `isValue` accepts. */
export function scalarReads(exprs: ast.Expr[], isValue: (e: ast.Expr) => boolean): ast.Expr[] {
  const out: ast.Expr[] = [];
  const isPath = (e: ast.Expr): boolean => e.kind === 'name' || ((e.kind === 'member' || e.kind === 'index') && isPath(e.object));
  forEachExprPost(exprs, (e) => {
    if (isPath(e) && isValue(e)) out.push(e);
  });
  // Post-order lists h, h.a, h.a.b: keep only reads no other read contains.
  return out.filter((e) => !out.some((o) => o !== e && o.span.start <= e.span.start && o.span.end >= e.span.end && (o.span.end - o.span.start) > (e.span.end - e.span.start)));
}
