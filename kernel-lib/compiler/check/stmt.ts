// Statements and parser states.
import type * as ast from '../ast.js';
import type { Checker } from './checker.js';
import { assignable, checkExpr, checkWritable } from './expr.js';
import { BOOL, UNKNOWN, sameType, type Type, typeName } from './types.js';
import { checkDeclInBlock } from './local.js';

export function checkStatement(cx: Checker, s: ast.Stmt): void {
  switch (s.kind) {
    case 'assign': {
      const tt = checkExpr(cx, s.target);
      checkWritable(cx, s.target, (n) => `assign to '${n}'`, 'an assignment target');
      const vt = checkExpr(cx, s.value, tt);
      if (!assignable(cx, s.value, vt, tt)) {
        const hint = (tt.k === 'bit' || tt.k === 'int') && (vt.k === 'bit' || vt.k === 'int') ? ` (cast it: (${typeName(tt)})…)` : '';
        cx.error(s.value.span, `cannot assign ${typeName(vt)} to ${typeName(tt)}${hint}`);
      }
      return;
    }
    case 'call': {
      const t = checkExpr(cx, s.call);
      const info = cx.calls.get(s.call);
      if (info?.kind === 'table-apply') return;
      if (t.k !== 'void' && t.k !== 'unknown' && info?.kind !== 'extern-method') cx.diags.warning(s.span, `the result of this call (${typeName(t)}) is ignored`);
      return;
    }
    case 'if': {
      const ct = checkExpr(cx, s.cond, BOOL);
      if (ct.k !== 'bool' && ct.k !== 'unknown') cx.error(s.cond.span, `an if condition must be bool, not ${typeName(ct)} (compare it: x != 0)`);
      cx.nested(() => checkStatement(cx, s.then));
      if (s.else) cx.nested(() => checkStatement(cx, s.else!));
      return;
    }
    case 'block':
      cx.nested(() => {
        for (const x of s.body) checkStatement(cx, x);
      });
      return;
    case 'switch':
      checkSwitch(cx, s);
      return;
    case 'exit':
      if (cx.where.blockKind === 'parser') cx.error(s.span, "'exit' is not allowed in a parser");
      return;
    case 'return':
      if (s.value) {
        if (!cx.where.inFunction) cx.error(s.value.span, 'only functions return a value');
        checkExpr(cx, s.value);
      }
      if (cx.where.blockKind === 'parser') cx.error(s.span, "'return' is not allowed in a parser");
      return;
    case 'empty':
      return;
    case 'varDecl':
    case 'constDecl':
      checkDeclInBlock(cx, s.decl);
      return;
  }
}

function checkSwitch(cx: Checker, s: ast.Stmt & { kind: 'switch' }): void {
  const t = checkExpr(cx, s.subject);
  const isActionRun = s.subject.kind === 'member' && s.subject.member === 'action_run' && cx.calls.get(s.subject.object)?.kind === 'table-apply';
  if (!isActionRun) {
    if (t.k !== 'bit' && t.k !== 'int' && t.k !== 'enum' && t.k !== 'error' && t.k !== 'unknown') {
      cx.error(s.subject.span, `switch needs a table's apply().action_run or a bit<W>/enum value, not ${typeName(t)}`);
      return;
    }
  }
  const seen = new Set<string>();
  let sawDefault = false;
  for (const c of s.cases) {
    for (const label of c.labels) {
      if (label.kind === 'default') {
        if (sawDefault) cx.error(label.span, 'switch has two default labels');
        sawDefault = true;
        continue;
      }
      if (sawDefault) cx.error(label.span, 'the default label must be the last one');
      let key: string;
      if (isActionRun && t.k === 'enum') {
        const actions = t.members;
        const name = label.kind === 'name' ? label.name : '';
        if (!actions.includes(name)) {
          cx.error(label.span, `'${name || 'this label'}' is not an action of this table (actions: ${actions.join(', ')})`);
          continue;
        }
        key = name;
      } else {
        const lt = checkExpr(cx, label, t);
        if (!assignable(cx, label, lt, t)) cx.error(label.span, `a switch label must be ${typeName(t)}, not ${typeName(lt)}`);
        const v = cx.consts.get(label);
        if (v === undefined && lt.k !== 'unknown') {
          cx.error(label.span, 'a switch label must be a compile-time constant');
          continue;
        }
        key = typeof v === 'object' ? `${v.of}.${v.member}` : String(v);
      }
      if (seen.has(key)) cx.error(label.span, `label '${key}' appears twice in this switch`);
      seen.add(key);
    }
    if (c.body) cx.nested(() => checkStatement(cx, c.body!));
  }
}

export function checkParserStates(cx: Checker, d: ast.Decl & { kind: 'parser' }): void {
  const names = new Set(d.states.map((s) => s.name));
  for (const s of d.states) cx.scope.define({ kind: 'state', name: s.name });
  if (!names.has('start')) cx.error(d.span, `parser ${d.name} has no 'start' state`);
  for (const st of d.states) {
    if (st.name === 'accept' || st.name === 'reject') cx.error(st.span, `'${st.name}' is a built-in state and cannot be declared`);
    cx.nested(() => {
      for (const s of st.body) {
        if (s.kind === 'switch') cx.diags.unsupported(s.span, `'switch' in a parser state (use transition select)`);
        checkStatement(cx, s);
      }
      const tr = st.transition;
      if (!tr) return;
      const target = (name: string, span: ast.Span) => {
        if (name !== 'accept' && name !== 'reject' && !names.has(name)) cx.error(span, `unknown parser state '${name}'`);
      };
      if (tr.kind === 'direct') return target(tr.target, tr.span);
      const keyTypes = tr.keys.map((k) => {
        const t = checkExpr(cx, k);
        if (t.k !== 'bit' && t.k !== 'int' && t.k !== 'bool' && t.k !== 'enum' && t.k !== 'unknown') {
          cx.error(k.span, `select keys must be bit<W>, int<W>, bool or enums, not ${typeName(t)}`);
          return UNKNOWN;
        }
        return t;
      });
      for (const c of tr.cases) {
        checkKeyset(cx, c.keyset, keyTypes, 'select case');
        target(c.target, c.span);
      }
    });
  }
}

/** A keyset of a select case or a table entry: one element per key, each a value, mask, range, default or `_`. */
export function checkKeyset(cx: Checker, ks: ast.Expr, keyTypes: Type[], what: string): void {
  if (ks.kind === 'default' || ks.kind === 'dontcare') return;
  if (ks.kind === 'name' && keyTypes.length >= 1) {
    const sym = cx.scope.lookup(ks.name);
    if (sym?.kind === 'valueSet') {
      cx.syms.set(ks, sym);
      cx.types.set(ks, sym.type);
      const keyType: Type = keyTypes.length === 1 ? keyTypes[0]! : { k: 'tuple', elems: keyTypes };
      const fields = sym.type.k === 'struct' ? sym.type.fields.map((f) => f.type) : undefined;
      const setType: Type = !fields ? sym.type : fields.length === 1 ? fields[0]! : { k: 'tuple', elems: fields };
      if (!sameType(setType, keyType)) cx.error(ks.span, `value_set ${ks.name} holds ${typeName(sym.type)} but the select key is ${typeName(keyType)}`);
      return;
    }
  }
  const elems = ks.kind === 'list' && (keyTypes.length !== 1 || ks.elements.length === 1) ? ks.elements : [ks];
  if (elems.length !== keyTypes.length) {
    cx.error(ks.span, `this ${what} has ${elems.length} value(s) but there are ${keyTypes.length} key(s)`);
    return;
  }
  elems.forEach((el, i) => checkKeysetElement(cx, el, keyTypes[i]!, what));
}

function checkKeysetElement(cx: Checker, el: ast.Expr, t: Type, what: string): void {
  if (el.kind === 'default' || el.kind === 'dontcare') return;
  if (el.kind === 'name' && cx.scope.lookup(el.name)?.kind === 'valueSet') {
    cx.diags.unsupported(el.span, `a value_set as one element of a keyset (match the whole key with it)`);
    return;
  }
  if (el.kind === 'binary' && (el.op === '&&&' || el.op === '..')) {
    checkKeysetElement(cx, el.left, t, what);
    // A mask of a serializable-enum key is a plain bit string.
    checkKeysetElement(cx, el.right, el.op === '&&&' && t.k === 'enum' && t.underlying ? t.underlying : t, what);
    cx.types.set(el, t);
    return;
  }
  const vt = checkExpr(cx, el, t);
  if (!assignable(cx, el, vt, t)) cx.error(el.span, `${what} value must be ${typeName(t)}, not ${typeName(vt)}`);
  else if (cx.consts.get(el) === undefined && vt.k !== 'unknown') cx.error(el.span, `${what} values must be compile-time constants`);
}
