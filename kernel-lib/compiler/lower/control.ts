// A control's apply block → a BMv2 pipeline: tables and conditionals chained by
// their next pointers. Lowered back to front, so every node knows its successor.
// Runs of plain statements become hidden actions run by hidden tables, direct
// action calls become `tbl_<action>`, as p4c does.
import type * as ast from '../ast.js';
import type { Bmv2Action, Bmv2Conditional, Bmv2Pipeline, Bmv2Primitive, Bmv2Table } from '../../bmv2/json-format.js';
import type { ControlDecl, TableDecl } from '../check/model.js';
import type { ActionTable } from './actions.js';
import { hexstr } from './emitter.js';
import type { ExprLowering } from './expr.js';
import type { Env } from './layout.js';
import type { TableModel } from './model.js';
import type { PrimitiveLowering } from './primitives.js';
import type { TableLowering } from './tables.js';

type Next = string | null;

export class ControlLowering {
  private readonly conditionals: Array<Bmv2Conditional & { order: number }> = [];
  private readonly tables: TableModel[] = [];
  private readonly applyCalls = new Set<ast.Expr>(); // the one application of each table
  // Names and actions allocated in source order by prepare(), used by the back-to-front pass.
  private readonly runs = new Map<ast.Stmt, { action: Bmv2Action; table: string }>();
  private readonly callTables = new Map<ast.Expr, string>();
  private readonly condNames = new Map<object, string>();
  private readonly bodies = new Map<ControlDecl, ast.Stmt[]>();
  private readonly inlined = new Set<ControlDecl>();
  private readonly notInlined = new Set<ast.Expr>(); // second applications, reported
  private readonly order = new Map<object, number>(); // source order of nodes, inlined controls included
  /** Where `return` goes: the end of the pipeline, or after the inlined control being lowered. */
  private end: Next = null;
  private readonly env: Env = { params: new Map() };

  constructor(
    private readonly ex: ExprLowering,
    private readonly actions: ActionTable,
    private readonly tableLowering: TableLowering,
    private readonly prims: PrimitiveLowering,
    private readonly pipeline: string,
  ) {}

  private get em() {
    return this.ex.em;
  }

  lower(decl: ControlDecl, nextId: () => number): Bmv2Pipeline {
    const body = this.body(decl);
    this.findApplications(body);
    this.prepare(body);
    const init = this.block(body, null);
    for (const t of this.tables) t.json.id = 0;
    const tables = [...this.tables].sort((a, b) => a.order - b.order);
    for (const t of tables) t.json.id = nextId();
    const conditionals = [...this.conditionals].sort((a, b) => a.order - b.order).map(({ order: _order, ...c }, id) => ({ ...c, id }));
    this.em.tables.push(...tables);
    return {
      name: this.pipeline,
      id: 0,
      init_table: init,
      action_profiles: [],
      tables: tables.map((t) => t.json),
      conditionals,
    };
  }

  /** Lower a statement list whose successor is `next`; returns the entry node. */
  private block(stmts: ast.Stmt[], next: Next): Next {
    const { groups, returns } = this.groups(stmts);
    let cur = returns ? this.end : next;
    for (let i = groups.length - 1; i >= 0; i--) {
      const g = groups[i]!;
      cur = Array.isArray(g) ? this.hiddenRun(g, cur) : this.stmt(g, cur);
    }
    return cur;
  }

  /**
   * A statement list as runs of plain statements (one hidden action each) and
   * control statements. Nothing after `return` or `exit` runs; `return` leaves the control.
   */
  private groups(stmts: ast.Stmt[]): { groups: Array<ast.Stmt[] | ast.Stmt>; returns: boolean } {
    let list = stmts;
    let returns = false;
    const stop = list.findIndex((s) => s.kind === 'return' || s.kind === 'exit');
    if (stop >= 0) {
      returns = list[stop]!.kind === 'return';
      list = list.slice(0, returns ? stop : stop + 1);
    }
    const groups: Array<ast.Stmt[] | ast.Stmt> = [];
    for (const s of list) {
      const last = groups.at(-1);
      if (!this.isPlain(s)) groups.push(s);
      else if (Array.isArray(last)) last.push(s);
      else groups.push([s]);
    }
    return { groups, returns };
  }

  /** Allocate hidden actions, hidden tables and conditional names in source order, as p4c numbers them. */
  private prepare(stmts: ast.Stmt[]): void {
    for (const g of this.groups(stmts).groups) {
      if (Array.isArray(g)) {
        const action = this.actions.anonymous(g, this.env);
        this.runs.set(g[0]!, { action, table: this.em.unique('table', `tbl_${action.name}`) });
        this.order.set(g[0]!, this.order.size);
        continue;
      }
      switch (g.kind) {
        case 'block':
          this.prepare(g.body);
          break;
        case 'call': {
          const sub = this.subControl(g.call);
          if (sub) {
            this.bindParams(sub, g.call);
            this.prepare(this.body(sub));
          } else this.prepareCall(g.call);
          break;
        }
        case 'if': {
          const hm = this.hitMiss(g.cond);
          if (hm) this.prepareCall(hm.call);
          else if (typeof this.em.cp.consts.get(g.cond) !== 'boolean') {
            this.condNames.set(g, `node_${this.em.nextNodeId()}`);
            this.order.set(g, this.order.size);
          }
          this.prepare(g.then.kind === 'block' ? g.then.body : [g.then]);
          if (g.else) this.prepare(g.else.kind === 'block' ? g.else.body : [g.else]);
          break;
        }
        case 'switch': {
          const subj = g.subject;
          if (subj.kind === 'member' && subj.object.kind === 'call' && this.em.cp.calls.get(subj.object)?.kind === 'table-apply') this.prepareCall(subj.object);
          else {
            for (const c of g.cases) {
              if (!c.labels.some((l) => l.kind !== 'default')) continue;
              this.condNames.set(c, `node_${this.em.nextNodeId()}`);
              this.order.set(c, this.order.size);
            }
          }
          for (const c of g.cases) if (c.body) this.prepare(c.body.body);
          break;
        }
        default:
          break;
      }
    }
  }

  private prepareCall(call: ast.Expr & { kind: 'call' }): void {
    this.order.set(call, this.order.size);
    const info = this.em.cp.calls.get(call);
    const sym = info?.kind === 'table-apply' && call.callee.kind === 'member' ? this.em.cp.syms.get(call.callee.object) : call.callee.kind === 'name' ? this.em.cp.syms.get(call.callee) : undefined;
    if (sym?.kind === 'table') {
      const listed = sym.decl.properties.find((p) => p.name === 'actions');
      for (const a of listed?.value.kind === 'actions' ? listed.value.actions : []) {
        const s = this.em.cp.syms.get(a.call.kind === 'call' ? a.call.callee : a.call);
        if (s?.kind === 'action') this.actions.user(s.decl, a.call.kind === 'call' ? a.call.args : undefined);
      }
    } else if (sym?.kind === 'action') {
      const action = this.actions.user(sym.decl);
      this.callTables.set(call, this.em.unique('table', `tbl_${action.name.split('.').pop()!}`));
    }
  }

  private isPlain(s: ast.Stmt): boolean {
    switch (s.kind) {
      case 'assign':
      case 'varDecl':
      case 'constDecl':
      case 'empty':
      case 'exit':
        return true;
      case 'call': {
        const info = this.em.cp.calls.get(s.call);
        if (info?.kind === 'table-apply' || info?.kind === 'control-apply') return false;
        if (info?.kind === 'action') return !this.constActionCall(s.call);
        return true;
      }
      default:
        return false;
    }
  }

  /** A direct call whose arguments are all constants runs the action itself from a hidden table. */
  private constActionCall(e: ast.Expr & { kind: 'call' }): boolean {
    const sym = e.callee.kind === 'name' ? this.em.cp.syms.get(e.callee) : undefined;
    if (sym?.kind !== 'action') return false;
    return sym.decl.params.every((p, i) => {
      const a = e.args[i]?.value;
      return p.direction === 'none' && a !== undefined && this.em.cp.consts.get(a) !== undefined;
    });
  }

  private stmt(s: ast.Stmt, next: Next): Next {
    switch (s.kind) {
      case 'block':
        return this.block(s.body, next);
      case 'call': {
        const info = this.em.cp.calls.get(s.call);
        if (info?.kind === 'table-apply') {
          const t = this.applyTable(s.call);
          if (!t) return next;
          for (const a of t.json.actions) t.json.next_tables[a] = next;
          t.json.base_default_next = next;
          return this.entry(t);
        }
        const sub = this.subControl(s.call);
        if (sub) {
          // An applied control runs inline; its `return` continues after the apply.
          const saved = this.end;
          this.end = next;
          const entry = this.block(this.body(sub), next);
          this.end = saved;
          return entry;
        }
        return this.directCall(s.call, next);
      }
      case 'if':
        return this.ifStmt(s, next);
      case 'switch':
        return this.switchStmt(s, next);
      default:
        this.em.unsupported(s.span, `'${s.kind}' in a control apply block`);
        return next;
    }
  }

  private hiddenRun(stmts: ast.Stmt[], next: Next): Next {
    const run = this.runs.get(stmts[0]!)!;
    return this.hiddenTable(run.table, run.action, [], next, this.order.get(stmts[0]!)!);
  }

  private directCall(e: ast.Expr & { kind: 'call' }, next: Next): Next {
    const sym = e.callee.kind === 'name' ? this.em.cp.syms.get(e.callee) : undefined;
    if (sym?.kind !== 'action') return next;
    const action = this.actions.user(sym.decl);
    const data = sym.decl.params.map((p, i) => {
      const t = this.em.cp.typeRefs.get(p.type);
      const v = this.em.cp.consts.get(e.args[i]!.value);
      return hexstr(typeof v === 'bigint' ? v : v === true ? 1n : 0n, t && (t.k === 'bit' || t.k === 'int') ? t.w : 1);
    });
    return this.hiddenTable(this.callTables.get(e)!, action, data, next, this.order.get(e)!);
  }

  /** A table's entry node: the table, or a hidden action computing its key expressions first. */
  private entry(t: TableModel): string {
    if (!t.keyPrelude.length) return t.json.name;
    const action = this.em.addAction(this.em.unique('action', 'act'), [], t.keyPrelude);
    return this.hiddenTable(this.em.unique('table', `tbl_${action.name}`), action, [], t.json.name, t.order - 0.5);
  }

  private hiddenTable(name: string, action: Bmv2Action, data: string[], next: Next, order: number): string {
    const json: Bmv2Table = {
      name,
      id: 0,
      key: [],
      match_type: 'exact',
      type: 'simple',
      max_size: 1024,
      with_counters: false,
      support_timeout: false,
      direct_meters: null,
      action_ids: [action.id],
      actions: [action.name],
      base_default_next: next,
      next_tables: { [action.name]: next },
      default_entry: { action_id: action.id, action_const: true, action_data: data, action_entry_const: true },
    };
    this.tables.push({ json, pipeline: this.pipeline, order, hidden: true, annotations: [], keyPrelude: [], keys: [], actionRefs: [], size: 1024, isConst: true, hasInitialEntries: false, idleTimeout: false });
    return name;
  }

  private applyTable(call: ast.Expr & { kind: 'call' }): TableModel | undefined {
    const obj = call.callee.kind === 'member' ? call.callee.object : undefined;
    const sym = obj ? this.em.cp.syms.get(obj) : undefined;
    if (sym?.kind !== 'table' || !this.applyCalls.has(call)) return undefined;
    const model = this.tableLowering.table(sym.decl, sym.qname, this.pipeline, this.env);
    model.order = this.order.get(call)!;
    this.tables.push(model);
    return model;
  }

  /** Each table has one place in a BMv2 pipeline: a second application is reported, in source order. */
  private findApplications(body: ast.Stmt[]): void {
    const seen = new Set<TableDecl>();
    const visitExpr = (e: ast.Expr): void => {
      if (e.kind === 'call' && this.em.cp.calls.get(e)?.kind === 'table-apply') {
        const obj = e.callee.kind === 'member' ? e.callee.object : undefined;
        const sym = obj ? this.em.cp.syms.get(obj) : undefined;
        if (sym?.kind === 'table') {
          if (seen.has(sym.decl)) this.em.unsupported(e.span, `applying table ${sym.name} more than once (BMv2 tables have one place in the pipeline)`);
          else {
            seen.add(sym.decl);
            this.applyCalls.add(e);
          }
        }
        return;
      }
      if (e.kind === 'unary') visitExpr(e.operand);
      else if (e.kind === 'binary') [e.left, e.right].forEach(visitExpr);
      else if (e.kind === 'member') visitExpr(e.object);
      else if (e.kind === 'ternary') [e.cond, e.then, e.else].forEach(visitExpr);
    };
    const visit = (s: ast.Stmt): void => {
      switch (s.kind) {
        case 'block':
          return s.body.forEach(visit);
        case 'call': {
          const sub = this.subControl(s.call);
          if (!sub) return visitExpr(s.call);
          if (this.inlined.has(sub)) {
            this.em.unsupported(s.span, `applying control ${sub.name} more than once (p4lab inlines each control once)`);
            this.notInlined.add(s.call);
            return;
          }
          this.inlined.add(sub);
          return this.body(sub).forEach(visit);
        }
        case 'if':
          visitExpr(s.cond);
          visit(s.then);
          if (s.else) visit(s.else);
          return;
        case 'switch':
          visitExpr(s.subject);
          for (const c of s.cases) if (c.body) visit(c.body);
          return;
        default:
          return;
      }
    };
    body.forEach(visit);
  }

  /** The control a `c.apply(...)` statement runs, if it is one. */
  private subControl(call: ast.Expr & { kind: 'call' }): ControlDecl | undefined {
    const c = call.callee;
    const obj = c.kind === 'member' ? c.object : c.kind === 'typeMember' ? c : undefined; // `C.apply()` on the declaration
    if (this.em.cp.calls.get(call)?.kind !== 'control-apply' || !obj || this.notInlined.has(call)) return undefined;
    const t = this.ex.typeOf(obj);
    return t.k === 'block' && t.decl.kind === 'control' ? t.decl : undefined;
  }

  /** An inlined control's parameters denote the caller's arguments. */
  private bindParams(decl: ControlDecl, call: ast.Expr & { kind: 'call' }): void {
    decl.params.forEach((p, i) => {
      const arg = call.args[i]?.value;
      if (!arg) return;
      const c = this.em.cp.consts.get(arg);
      const t = this.ex.typeOf(arg);
      const l = c !== undefined && p.direction !== 'out' && p.direction !== 'inout' ? { k: 'value' as const, value: this.ex.constant(c, t), type: t } : this.ex.loc(arg, this.env);
      if (l) this.ex.layout.roots.set(p, l);
      else this.em.unsupported(arg.span, 'a control argument that is not a variable, field or constant');
    });
  }

  /** A control's statements, after the initialisers of its control-level variables. */
  private body(decl: ControlDecl): ast.Stmt[] {
    let body = this.bodies.get(decl);
    if (!body) {
      const inits: ast.Stmt[] = decl.locals.filter((l): l is ast.VariableDecl => l.kind === 'var' && l.init !== undefined).map((l) => ({ kind: 'varDecl', decl: l, span: l.span }));
      body = [...inits, ...decl.apply.body];
      this.bodies.set(decl, body);
    }
    return body;
  }

  /** `t.apply().hit`, `t.apply().miss`, possibly negated: the table's __HIT__/__MISS__ edges. */
  private hitMiss(cond: ast.Expr): { call: ast.Expr & { kind: 'call' }; hit: boolean } | undefined {
    if (cond.kind === 'unary' && cond.op === '!') {
      const inner = this.hitMiss(cond.operand);
      return inner && { call: inner.call, hit: !inner.hit };
    }
    if (cond.kind === 'member' && (cond.member === 'hit' || cond.member === 'miss') && cond.object.kind === 'call' && this.em.cp.calls.get(cond.object)?.kind === 'table-apply') {
      return { call: cond.object, hit: cond.member === 'hit' };
    }
    return undefined;
  }

  private ifStmt(s: ast.Stmt & { kind: 'if' }, next: Next): Next {
    const c = this.em.cp.consts.get(s.cond);
    if (typeof c === 'boolean') {
      const taken = c ? s.then : s.else;
      return taken ? this.stmt(taken, next) : next;
    }
    const thenEntry = this.branch(s.then, next);
    const elseEntry = s.else ? this.branch(s.else, next) : next;
    const hm = this.hitMiss(s.cond);
    if (hm) {
      const t = this.applyTable(hm.call);
      if (!t) return next;
      t.json.next_tables = { __HIT__: hm.hit ? thenEntry : elseEntry, __MISS__: hm.hit ? elseEntry : thenEntry };
      t.json.base_default_next = next;
      return this.entry(t);
    }
    if (this.containsApply(s.cond)) {
      this.em.unsupported(s.cond.span, 'a table apply inside a larger condition (test t.apply().hit on its own)');
      return next;
    }
    const name = this.condNames.get(s)!;
    // Function calls in the condition run first, in a hidden action.
    const pre: Bmv2Primitive[] = [];
    this.prims.hoist([s.cond], this.env, pre);
    this.conditionals.push({ name, id: 0, expression: this.ex.value(s.cond, this.env), true_next: thenEntry, false_next: elseEntry, order: this.order.get(s)! });
    if (!pre.length) return name;
    const action = this.em.addAction(this.em.unique('action', 'act'), [], pre);
    return this.hiddenTable(this.em.unique('table', `tbl_${action.name}`), action, [], name, this.order.get(s)! - 0.5);
  }

  private branch(s: ast.Stmt, next: Next): Next {
    return s.kind === 'block' ? this.block(s.body, next) : this.block([s], next);
  }

  private containsApply(e: ast.Expr): boolean {
    if (e.kind === 'call' && this.em.cp.calls.get(e)?.kind === 'table-apply') return true;
    switch (e.kind) {
      case 'unary':
        return this.containsApply(e.operand);
      case 'binary':
        return this.containsApply(e.left) || this.containsApply(e.right);
      case 'member':
        return this.containsApply(e.object);
      case 'ternary':
        return this.containsApply(e.cond) || this.containsApply(e.then) || this.containsApply(e.else);
      default:
        return false;
    }
  }

  private switchStmt(s: ast.Stmt & { kind: 'switch' }, next: Next): Next {
    const subj = s.subject;
    // Bodies in reverse, so a fall-through label reaches the next body.
    const entries: Next[] = new Array(s.cases.length).fill(next);
    let following: Next = next;
    for (let i = s.cases.length - 1; i >= 0; i--) {
      const c = s.cases[i]!;
      if (c.body) following = this.block(c.body.body, next);
      entries[i] = following;
    }
    const defaultIdx = s.cases.findIndex((c) => c.labels.some((l) => l.kind === 'default'));
    const fallback = defaultIdx >= 0 ? entries[defaultIdx]! : next;
    if (subj.kind === 'member' && subj.member === 'action_run' && subj.object.kind === 'call' && this.em.cp.calls.get(subj.object)?.kind === 'table-apply') {
      const t = this.applyTable(subj.object);
      if (!t) return next;
      const byAction = new Map<string, Next>();
      s.cases.forEach((c, i) => {
        for (const l of c.labels) if (l.kind === 'name') byAction.set(l.name, entries[i]!);
      });
      const tableSym = this.em.cp.syms.get((subj.object.callee as ast.Expr & { kind: 'member' }).object);
      const listed = tableSym?.kind === 'table' ? tableSym.decl.properties.find((p) => p.name === 'actions') : undefined;
      const shortNames = listed?.value.kind === 'actions' ? listed.value.actions.map((a) => (a.call.kind === 'call' ? a.call.callee : a.call)) : [];
      t.json.actions.forEach((a, i) => {
        const short = shortNames[i];
        const label = short?.kind === 'name' ? short.name : a;
        t.json.next_tables[a] = byAction.has(label) ? byAction.get(label)! : fallback;
      });
      t.json.base_default_next = next;
      return this.entry(t);
    }
    // A switch on a value: a chain of conditionals, one per case.
    let cur: Next = fallback;
    for (let i = s.cases.length - 1; i >= 0; i--) {
      const c = s.cases[i]!;
      const labels = c.labels.filter((l) => l.kind !== 'default') as ast.Expr[];
      if (!labels.length) continue;
      const subjectValue = this.ex.value(subj, this.env);
      const tests = labels.map((l) => this.ex.op('==', subjectValue, this.ex.value(l, this.env)));
      const expression = tests.reduce((a, b) => this.ex.op('or', a, b));
      const name = this.condNames.get(c)!;
      this.conditionals.push({ name, id: 0, expression, true_next: entries[i]!, false_next: cur, order: this.order.get(c)! });
      cur = name;
    }
    return cur;
  }
}
