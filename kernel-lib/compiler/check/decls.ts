// Declarations: types, constants, externs, actions, parsers, controls and
// instantiations, checked in source order (P4 declares before use).
import type * as ast from '../ast.js';
import { Checker } from './checker.js';
import { assignable, checkExpr, constInt } from './expr.js';
import { externConstructor } from './calls.js';
import { checkStatement, checkParserStates } from './stmt.js';
import { checkTable } from './table.js';
import { MATCH_KIND, UNKNOWN, type FieldType, type Type, typeName } from './types.js';
import type { Diagnostics } from '../diagnostics.js';
import type { CheckedProgram, ControlDecl } from './model.js';

export function checkProgram(program: ast.Program, diags: Diagnostics): CheckedProgram {
  const cx = new Checker(program, diags);
  for (const d of program.decls) checkDecl(cx, d);
  qualifySubControls(cx);
  return cx.result();
}

/**
 * Objects of a control instantiated inside another are named by the instance
 * path, as p4c names them (`MyIngress.sub.t`), not by the declaration (`Sub.t`).
 */
function qualifySubControls(cx: Checker): void {
  const paths = new Map<ast.Decl, string>();
  const pathOf = (decl: ControlDecl): string => {
    const known = paths.get(decl);
    if (known !== undefined) return known;
    const use = cx.subControls.get(decl);
    const path = use ? `${pathOf(use.parent)}.${use.instance.name}` : cx.qualify(decl.name, decl.annotations);
    paths.set(decl, path);
    return path;
  };
  for (const decl of cx.subControls.keys()) {
    const from = `${cx.qualify(decl.name, decl.annotations)}.`;
    const to = `${pathOf(decl)}.`;
    for (const sym of cx.blockScopes.get(decl)?.symbols() ?? []) {
      if (!('qname' in sym) || !sym.qname.startsWith(from)) continue;
      sym.qname = to + sym.qname.slice(from.length);
      if ('decl' in sym) cx.qnames.set(sym.decl, sym.qname);
    }
  }
}

function checkDecl(cx: Checker, d: ast.Decl): void {
  switch (d.kind) {
    case 'header':
    case 'struct':
    case 'header_union': {
      if (d.typeParams.length) {
        cx.diags.unsupported(d.span, `generic ${d.kind} types`);
        return;
      }
      const fields: FieldType[] = [];
      const t = { k: d.kind === 'header_union' ? 'union' : d.kind, name: d.name, fields, annotations: d.annotations, span: d.span } as Type;
      for (const f of d.fields) {
        const ft = cx.resolveType(f.type);
        if (fields.some((x) => x.name === f.name)) cx.error(f.span, `field '${f.name}' is declared twice in ${d.name}`);
        const flat = (t: typeof ft): boolean => (t.k === 'struct' ? t.fields.every((x) => flat(x.type)) : ['bit', 'int', 'bool', 'enum', 'unknown'].includes(t.k));
        if (d.kind === 'header' && ft.k === 'struct') {
          if (!flat(ft)) cx.error(f.type.span, `a struct in a header may hold only bit<W>, int<W>, bool, serializable enums and such structs (${typeName(ft)} does not)`);
        } else if (d.kind === 'header' && !['bit', 'int', 'varbit', 'bool', 'enum', 'unknown'].includes(ft.k)) {
          cx.error(f.type.span, `header fields must be bit<W>, int<W>, varbit<W>, bool or serializable enums, not ${typeName(ft)}`);
        }
        if (d.kind === 'header_union' && ft.k !== 'header' && ft.k !== 'unknown') cx.error(f.type.span, 'header union members must be headers');
        if (ft.k === 'varbit' && (d.kind !== 'header' || f !== d.fields[d.fields.length - 1])) cx.diags.unsupported(f.type.span, 'a varbit field that is not the last field of a header');
        fields.push({ name: f.name, type: ft, annotations: f.annotations });
      }
      cx.define({ kind: 'type', name: d.name, type: t }, d.span);
      return;
    }
    case 'typedef':
    case 'type':
      cx.define({ kind: 'type', name: d.name, type: cx.resolveType(d.type) }, d.span);
      return;
    case 'enum': {
      let underlying: { k: 'bit' | 'int'; w: number } | undefined;
      let values: Map<string, bigint> | undefined;
      if (d.underlying) {
        const u = cx.resolveType(d.underlying);
        if (u.k !== 'bit' && u.k !== 'int') {
          if (u.k !== 'unknown') cx.error(d.underlying.span, `a serializable enum needs a bit<W> or int<W> type, not ${typeName(u)}`);
        } else {
          underlying = { k: u.k, w: u.w };
          values = new Map();
          for (const m of d.members) {
            if (!m.value) {
              cx.error(m.span, `member '${m.name}' of serializable enum ${d.name} needs a value`);
              continue;
            }
            checkExpr(cx, m.value, u);
            const v = cx.consts.get(m.value);
            if (typeof v !== 'bigint') cx.error(m.value.span, 'an enum value must be a compile-time integer constant');
            else values.set(m.name, v);
          }
        }
      }
      const t: Type & { k: 'enum' } = { k: 'enum', name: d.name, members: d.members.map((m) => m.name), underlying, values };
      cx.enums.push(t);
      cx.define({ kind: 'type', name: d.name, type: t }, d.span);
      return;
    }
    case 'error':
      for (const m of d.members) {
        if (cx.errorMembers.includes(m.name)) cx.error(m.span, `error.${m.name} is declared twice`);
        else cx.errorMembers.push(m.name);
      }
      return;
    case 'match_kind':
      for (const m of d.members) {
        cx.matchKinds.push(m.name);
        cx.define({ kind: 'const', name: m.name, type: MATCH_KIND, value: { member: m.name, of: 'match_kind' } }, m.span);
      }
      return;
    case 'const': {
      const t = cx.resolveType(d.type);
      const vt = checkExpr(cx, d.value, t);
      if (!assignable(cx, d.value, vt, t)) cx.error(d.value.span, `constant '${d.name}' is ${typeName(t)} but its value is ${typeName(vt)}`);
      const value = cx.consts.get(d.value);
      if (value === undefined && vt.k !== 'unknown') cx.error(d.value.span, `the value of constant '${d.name}' must be known at compile time`);
      cx.define({ kind: 'const', name: d.name, type: t, value }, d.span);
      return;
    }
    case 'var': {
      const t = cx.resolveType(d.type);
      if (!cx.where.block) cx.error(d.span, 'variables can only be declared inside parsers, controls and actions');
      if (d.init) {
        const vt = checkExpr(cx, d.init, t);
        if (!assignable(cx, d.init, vt, t)) cx.error(d.init.span, `'${d.name}' is ${typeName(t)} but is initialised with ${typeName(vt)}`);
      }
      cx.define({ kind: 'var', name: d.name, type: t, decl: d }, d.span);
      return;
    }
    case 'instance':
      checkInstance(cx, d);
      return;
    case 'action':
      checkAction(cx, d);
      return;
    case 'function':
      cx.define({ kind: 'function', name: d.name, decl: d }, d.span);
      cx.nested(() => {
        const vars = new Set(d.typeParams);
        d.params.forEach((p) => {
          cx.scope.define({ kind: 'param', name: p.name, type: cx.resolveType(p.type, vars), param: p, owner: 'function' });
        });
        checkStatement(cx, d.body);
      }, { inFunction: true });
      return;
    case 'table':
      checkTable(cx, d);
      return;
    case 'parser':
    case 'control':
      checkBlock(cx, d);
      return;
    case 'parserType':
    case 'controlType':
    case 'packageType':
      cx.define({ kind: 'type', name: d.name, type: { k: 'block', name: d.name, decl: d } }, d.span);
      return;
    case 'extern': {
      cx.define({ kind: 'type', name: d.name, type: { k: 'extern', name: d.name, decl: d, args: [] } }, d.span);
      return;
    }
    case 'externFunction': {
      const prev = cx.scope.own(d.name);
      if (prev?.kind === 'externFunction') prev.decls.push(d);
      else cx.define({ kind: 'externFunction', name: d.name, decls: [d] }, d.span);
      return;
    }
    case 'valueSet': {
      const t = cx.resolveType(d.elementType);
      constInt(cx, d.size, 'the size of a value_set');
      cx.define({ kind: 'valueSet', name: d.name, decl: d, type: t, qname: cx.qualify(d.name, d.annotations) }, d.span);
      return;
    }
  }
}

function checkInstance(cx: Checker, d: ast.InstantiationDecl): void {
  const t = cx.resolveType(d.type);
  let inst: Type = UNKNOWN;
  if (t.k === 'extern') inst = externConstructor(cx, d, t, t.args);
  else if (t.k === 'block') {
    // `V1Switch(MyParser(), ...) main;` or a control instantiated inside another.
    const decl = t.decl;
    if (decl.kind === 'packageType') {
      for (const [i, a] of d.args.entries()) {
        const at = checkExpr(cx, a.value);
        const p = decl.params[i];
        if (!p) cx.error(a.span, `${t.name} takes ${decl.params.length} arguments, got ${d.args.length}`);
        else if (at.k !== 'block' && at.k !== 'unknown') cx.error(a.value.span, `argument '${p.name}' of ${t.name} must be a parser or control, not ${typeName(at)}`);
      }
      if (d.args.length < decl.params.length) cx.error(d.span, `${t.name} takes ${decl.params.length} arguments, got ${d.args.length}`);
    } else if (decl.kind === 'control' && decl === cx.where.blockDecl) {
      cx.error(d.span, `control ${t.name} cannot contain an instance of itself`);
    } else if (decl.kind === 'control' && cx.where.blockKind === 'control') {
      if (d.args.length) cx.diags.unsupported(d.span, 'constructor arguments of a control');
      const parent = cx.where.blockDecl as ControlDecl;
      if (cx.subControls.has(decl)) cx.diags.unsupported(d.span, `a second instance of control ${t.name} (p4lab inlines each control once)`);
      else cx.subControls.set(decl, { parent, instance: d });
    } else {
      cx.diags.unsupported(d.span, `instantiating ${t.name} here (only controls inside controls)`);
    }
    inst = t;
  } else if (t.k !== 'unknown') {
    cx.error(d.type.span, `${typeName(t)} cannot be instantiated`);
  }
  cx.define({ kind: 'instance', name: d.name, type: inst, decl: d, qname: cx.qualify(d.name, d.annotations) }, d.span);
}

function checkAction(cx: Checker, d: ast.Decl & { kind: 'action' }): void {
  const qname = cx.qualify(d.name, d.annotations);
  cx.define({ kind: 'action', name: d.name, decl: d, qname }, d.span);
  cx.nested(() => {
    let seenDirectionless = false;
    d.params.forEach((p) => {
      const t = cx.resolveType(p.type);
      if (p.direction === 'none') seenDirectionless = true;
      else if (seenDirectionless) cx.error(p.span, `directional parameter '${p.name}' must come before the action-data (directionless) parameters`);
      if (p.direction === 'none' && t.k !== 'bit' && t.k !== 'int' && t.k !== 'bool' && t.k !== 'unknown' && !(t.k === 'enum' && t.underlying)) {
        cx.error(p.type.span, `action data parameter '${p.name}' must be bit<W>, int<W> or bool, not ${typeName(t)}`);
      }
      cx.define({ kind: 'param', name: p.name, type: t, param: p, owner: 'action' }, p.span);
    });
    for (const s of d.body.body) checkStatement(cx, s);
  }, { inAction: true });
}

function checkBlock(cx: Checker, d: ast.Decl & { kind: 'parser' | 'control' }): void {
  cx.define({ kind: 'type', name: d.name, type: { k: 'block', name: d.name, decl: d } }, d.span);
  if (d.typeParams.length) cx.diags.unsupported(d.span, `generic ${d.kind}s`);
  if (d.ctorParams.length) cx.diags.unsupported(d.span, `constructor parameters on ${d.kind}s`);
  const block = cx.qualify(d.name, d.annotations);
  cx.nested((scope) => {
    cx.blockScopes.set(d, scope);
    for (const p of d.params) cx.define({ kind: 'param', name: p.name, type: cx.resolveType(p.type), param: p, owner: 'block' }, p.span);
    for (const l of d.locals) checkDecl(cx, l);
    if (d.kind === 'parser') checkParserStates(cx, d);
    else checkStatement(cx, d.apply);
  }, { block, blockKind: d.kind, blockDecl: d, inAction: false });
}

