// User tables → BMv2 tables (keys, actions, default entry, const entries,
// direct resources) plus the P4-level facts P4Info needs.
import type * as ast from '../ast.js';
import type { Bmv2EntryKey, Bmv2Primitive, Bmv2Table, Bmv2TableEntry, Bmv2TableKey } from '../../bmv2/json-format.js';
import type { MatchType } from '../../p4info/types.js';
import type { ActionDecl, TableDecl } from '../check/model.js';
import { exprText } from './text.js';
import { hexstr, mask } from './emitter.js';
import type { ActionTable } from './actions.js';
import { type ExprLowering, isPath, param } from './expr.js';
import type { Externs } from './externs.js';
import type { Env } from './layout.js';
import { storageWidth } from './layout.js';
import type { TableModel } from './model.js';

interface KeyInfo {
  json: Bmv2TableKey;
  width: number;
  matchKind: string;
}

export class TableLowering {
  constructor(private readonly ex: ExprLowering, private readonly actions: ActionTable, private readonly externs: Externs) {}

  private get em() {
    return this.ex.em;
  }

  /** Build a user table; `next_tables` and `base_default_next` are filled in by the caller. */
  table(decl: TableDecl, qname: string, pipeline: string, env: Env): TableModel {
    const prop = (name: string) => decl.properties.find((p) => p.name === name);
    const keyPrelude: Bmv2Primitive[] = [];
    const keys = this.keys(prop('key'), env, keyPrelude);
    const actionsProp = prop('actions');
    const listed = actionsProp?.value.kind === 'actions' ? actionsProp.value.actions : [];
    const refs: Array<{ decl: ActionDecl | undefined; annotations: ast.Annotation[]; args?: ast.Argument[] }> = listed.map((a) => ({
      decl: this.actionDecl(a.call),
      annotations: a.annotations,
      ...(a.call.kind === 'call' ? { args: a.call.args } : {}),
    }));
    // As p4c: a table without default_action gets `default_action = NoAction()`, listing NoAction as @defaultonly if it is missing.
    const noAction = this.em.cp.top.lookup('NoAction');
    if (!prop('default_action') && noAction?.kind === 'action' && !refs.some((r) => r.decl === noAction.decl)) {
      refs.push({ decl: noAction.decl, annotations: [{ name: 'defaultonly', args: [], span: decl.span }] });
    }
    const actionNames: string[] = [];
    const actionIds: number[] = [];
    for (const r of refs) {
      if (!r.decl) continue;
      const a = this.actions.user(r.decl, r.args);
      actionNames.push(a.name);
      actionIds.push(a.id);
    }
    const sizeProp = prop('size');
    const size = sizeProp?.value.kind === 'expr' ? Number(this.em.cp.consts.get(sizeProp.value.expr) ?? 1024n) : 1024;
    const kinds = keys.map((k) => k.matchKind);
    const matchType = kinds.includes('range') ? 'range' : kinds.some((k) => k === 'ternary' || k === 'optional') ? 'ternary' : kinds.includes('lpm') ? 'lpm' : 'exact';
    const timeoutProp = prop('support_timeout');
    const idleTimeout = timeoutProp?.value.kind === 'expr' && this.em.cp.consts.get(timeoutProp.value.expr) === true;
    const json: Bmv2Table = {
      name: qname,
      id: 0,
      key: keys.map((k) => k.json),
      match_type: matchType,
      type: 'simple',
      max_size: size,
      with_counters: false,
      support_timeout: idleTimeout,
      direct_meters: null,
      action_ids: actionIds,
      actions: actionNames,
      base_default_next: null,
      next_tables: {},
    };
    const model: TableModel = {
      json,
      pipeline,
      order: decl.span.start,
      hidden: false,
      annotations: decl.annotations,
      keyPrelude,
      keys: keys.map((k) => ({ name: k.json.name, bitwidth: k.width, matchType: k.matchKind.toUpperCase() as MatchType, annotations: [] })),
      actionRefs: refs.flatMap((r) => {
        if (!r.decl) return [];
        const names = r.annotations.map((a) => a.name);
        const scope = names.includes('tableonly') ? 'TABLE_ONLY' : names.includes('defaultonly') ? 'DEFAULT_ONLY' : 'TABLE_AND_DEFAULT';
        return [{ action: this.actions.user(r.decl).name, scope, annotations: r.annotations.filter((a) => a.name === 'tableonly' || a.name === 'defaultonly').map((a) => `@${a.name}`) }] as TableModel['actionRefs'];
      }),
      size,
      isConst: prop('entries')?.isConst ?? false,
      hasInitialEntries: prop('entries') !== undefined,
      idleTimeout,
    };
    this.defaultEntry(prop('default_action'), model, refs);
    const largest = prop('largest_priority_wins');
    const delta = prop('priority_delta');
    const largestWins = largest?.value.kind === 'expr' ? this.em.cp.consts.get(largest.value.expr) !== false : true;
    const step = delta?.value.kind === 'expr' ? ((this.em.cp.consts.get(delta.value.expr) as bigint | undefined) ?? 1n) : 1n;
    this.entries(prop('entries'), model, keys, largestWins, step);
    this.directResources(prop('counters'), prop('meters'), model);
    return model;
  }

  private actionDecl(e: ast.Expr): ActionDecl | undefined {
    const callee = e.kind === 'call' ? e.callee : e;
    const sym = this.em.cp.syms.get(callee);
    return sym?.kind === 'action' ? sym.decl : undefined;
  }

  private keys(prop: ast.TableProperty | undefined, env: Env, prelude: Bmv2Primitive[]): KeyInfo[] {
    if (prop?.value.kind !== 'key') return [];
    const out: KeyInfo[] = [];
    for (const el of prop.value.elements) {
      const nameAnn = el.annotations.find((a) => a.name === 'name')?.args[0];
      const name = nameAnn?.kind === 'string' ? nameAnn.value : exprText(el.expr);
      const t = this.ex.typeOf(el.expr);
      const width = storageWidth(t) ?? 0;
      const target = this.keyTarget(el.expr, env, prelude);
      const mt = el.matchKind === 'optional' ? 'optional' : (el.matchKind as Bmv2TableKey['match_type']);
      out.push({ json: { match_type: mt, name, target: target.field, mask: target.mask === undefined ? null : hexstr(target.mask, target.width) }, width, matchKind: el.matchKind });
    }
    return out;
  }

  /**
   * A key BMv2 matches directly: a field, a header's validity, a field under a
   * constant mask. Any other expression is computed into a `scalars.key…`
   * field just before the table (the primitives go to `prelude`).
   */
  private keyTarget(e: ast.Expr, env: Env, prelude: Bmv2Primitive[]): { field: [string, string]; mask?: bigint; width?: number } {
    if (e.kind === 'call' && e.callee.kind === 'member' && e.callee.member === 'isValid' && isPath(e.callee.object)) {
      const l = this.ex.loc(e.callee.object, env);
      if (l?.k === 'header') return { field: [l.name, '$valid$'] };
    }
    if (e.kind === 'binary' && e.op === '&' && isPath(e.left)) {
      const m = this.em.cp.consts.get(e.right);
      const l = this.ex.loc(e.left, env);
      if (l?.k === 'field' && typeof m === 'bigint') return { field: l.value, mask: m, width: storageWidth(l.type) };
    }
    if (isPath(e)) {
      const l = this.ex.loc(e, env);
      if (l?.k === 'field') return { field: l.value };
    }
    const t = this.ex.typeOf(e);
    const tmp = this.em.scalar('key', storageWidth(t) ?? 0, t.k === 'int');
    prelude.push({ op: 'assign', parameters: [tmp, param(this.ex.data(e, env))] });
    return { field: tmp.value };
  }

  private actionData(call: ast.Expr, decl: ActionDecl): string[] {
    const args = call.kind === 'call' ? call.args : [];
    const data: string[] = [];
    decl.params.forEach((p, i) => {
      if (p.direction !== 'none') return;
      const a = args[i]?.value;
      const v = a ? this.em.cp.consts.get(a) : undefined;
      const t = this.em.cp.typeRefs.get(p.type);
      const w = t ? storageWidth(t) : undefined;
      data.push(hexstr(typeof v === 'bigint' ? v : v === true ? 1n : 0n, w));
    });
    return data;
  }

  private defaultEntry(prop: ast.TableProperty | undefined, model: TableModel, refs: Array<{ decl: ActionDecl | undefined }>): void {
    let call: ast.Expr | undefined;
    let decl: ActionDecl | undefined;
    if (prop?.value.kind === 'expr') {
      call = prop.value.expr;
      decl = this.actionDecl(call);
    } else {
      decl = refs.find((r) => r.decl?.name === 'NoAction')?.decl;
    }
    if (!decl) return;
    const action = this.actions.user(decl);
    const isConst = prop?.isConst ?? false;
    const data = call ? this.actionData(call, decl) : [];
    model.json.default_entry = { action_id: action.id, action_const: isConst, action_data: data, action_entry_const: isConst };
    model.defaultAction = { action: action.name, args: data.map((d) => BigInt(d)) };
    if (isConst) model.constDefaultAction = action.name;
  }

  /**
   * Initial entries with BMv2 priorities (lower wins). P4 priorities follow
   * `largest_priority_wins` (default true); entries without any are numbered
   * in order, `priority_delta` apart, the first winning. p4c's `@priority(n)`
   * annotation gives BMv2's number itself.
   */
  private entries(prop: ast.TableProperty | undefined, model: TableModel, keys: KeyInfo[], largestWins: boolean, delta: bigint): void {
    if (prop?.value.kind !== 'entries') return;
    const list = prop.value.entries;
    const given = list.map((en) => (en.priority ? (this.em.cp.consts.get(en.priority) as bigint | undefined) : undefined));
    const count = BigInt(list.length);
    // Without a priority an entry takes the next one in order: below the previous when larger wins, above when smaller does.
    const p4: bigint[] = [];
    given.forEach((g, i) => {
      const prev = p4[i - 1];
      p4.push(g ?? (prev === undefined ? (largestWins ? count * delta : 1n) : largestWins ? prev - delta : prev + delta));
    });
    const best = p4.reduce((m, p) => (largestWins ? (p > m ? p : m) : p < m ? p : m), p4[0] ?? 0n);
    const entries: Bmv2TableEntry[] = [];
    list.forEach((en, i) => {
      const decl = this.actionDecl(en.action);
      if (!decl) return;
      const ks = en.keyset;
      const elems = ks.kind === 'list' && (keys.length !== 1 || ks.elements.length === 1) ? ks.elements : [ks];
      const match_key = keys.map((k, j) => this.entryKey(elems[j], k));
      const annotated = en.annotations.find((a) => a.name === 'priority')?.args[0];
      const rank = largestWins ? best - p4[i]! : p4[i]! - best;
      const priority = annotated?.kind === 'int' ? Number(annotated.value) : Number(rank) + 1;
      entries.push({ match_key, action_entry: { action_id: this.actions.user(decl).id, action_data: this.actionData(en.action, decl) }, priority });
    });
    model.json.entries = entries;
  }

  private entryKey(el: ast.Expr | undefined, k: KeyInfo): Bmv2EntryKey {
    const w = k.width;
    const all = mask(w);
    const c = (e: ast.Expr) => {
      const v = this.em.cp.consts.get(e);
      return typeof v === 'bigint' ? v : v === true ? 1n : v === false ? 0n : typeof v === 'object' ? BigInt(Math.max(0, this.em.cp.errorMembers.indexOf(v.member))) : 0n;
    };
    const h = (v: bigint) => hexstr(v & all, w);
    const wildcard = !el || el.kind === 'default' || el.kind === 'dontcare';
    const masked = el?.kind === 'binary' && el.op === '&&&' ? { value: c(el.left), mask: c(el.right) } : undefined;
    switch (k.matchKind) {
      case 'exact':
        return { match_type: 'exact', key: h(el ? c(el) : 0n) };
      case 'lpm': {
        if (wildcard) return { match_type: 'lpm', key: h(0n), prefix_length: 0 };
        if (masked) {
          const ones = masked.mask.toString(2).replace(/0/g, '').length;
          return { match_type: 'lpm', key: h(masked.value & masked.mask), prefix_length: ones };
        }
        return { match_type: 'lpm', key: h(c(el!)), prefix_length: w };
      }
      case 'range': {
        if (wildcard) return { match_type: 'range', start: h(0n), end: h(all) };
        if (el!.kind === 'binary' && el!.op === '..') return { match_type: 'range', start: h(c(el!.left)), end: h(c(el!.right)) };
        return { match_type: 'range', start: h(c(el!)), end: h(c(el!)) };
      }
      default: {
        if (wildcard) return { match_type: 'ternary', key: h(0n), mask: h(0n) };
        if (masked) return { match_type: 'ternary', key: h(masked.value & masked.mask), mask: h(masked.mask) };
        return { match_type: 'ternary', key: h(c(el!)), mask: h(all) };
      }
    }
  }

  private directResources(counters: ast.TableProperty | undefined, meters: ast.TableProperty | undefined, model: TableModel): void {
    for (const [prop, kind] of [[counters, 'counter'], [meters, 'meter']] as const) {
      if (prop?.value.kind !== 'expr') continue;
      const sym = this.em.cp.syms.get(prop.value.expr);
      if (sym?.kind !== 'instance') continue;
      this.externs.bindDirect(sym.decl, model.json.name, model.size, prop.span);
      if (kind === 'counter') {
        model.json.with_counters = true;
        model.directCounter = sym.qname;
      } else {
        model.json.direct_meters = sym.qname;
        model.directMeter = sym.qname;
      }
    }
  }
}
