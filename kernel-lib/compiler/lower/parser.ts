// The parser → BMv2 parse states (extract, set, verify, advance, primitive
// ops; select keys and masked transitions), and the deparser's emit order.
import type * as ast from '../ast.js';
import type { Bmv2ParseState, Bmv2ParserOp, Bmv2Parser, Bmv2Primitive, Bmv2Transition, Bmv2Value } from '../../bmv2/json-format.js';
import type { ControlDecl, ParserDecl } from '../check/model.js';
import { hex, mask } from './emitter.js';
import type { ExprLowering } from './expr.js';
import { type Env, type Loc, storageWidth } from './layout.js';
import { widthOf } from '../check/types.js';
import type { PrimitiveLowering } from './primitives.js';

export class ParserLowering {
  private readonly env: Env = { params: new Map() };
  private needsReject = false;
  private readonly usedNames = new Set<string>(['accept', 'reject']);

  constructor(private readonly ex: ExprLowering, private readonly prims: PrimitiveLowering) {}

  private get em() {
    return this.ex.em;
  }

  lower(decl: ParserDecl): Bmv2Parser {
    const states: Bmv2ParseState[] = [];
    const localInits: ast.Stmt[] = decl.locals.filter((l): l is ast.VariableDecl => l.kind === 'var' && l.init !== undefined).map((l) => ({ kind: 'varDecl', decl: l, span: l.span }));
    for (const l of decl.locals) {
      if (l.kind === 'instance') this.em.unsupported(l.span, 'extern instances declared in a parser (declare them in a control)');
    }
    for (const st of decl.states) this.usedNames.add(st.name);
    for (const st of decl.states) this.state(st.name, st.name === 'start' ? [...localInits, ...st.body] : st.body, st.transition, states);
    if (this.needsReject) {
      // `reject` stops parsing with parser_error unchanged: verify(false, error.NoError).
      states.push({
        name: 'reject',
        id: states.length,
        parser_ops: [{ op: 'verify', parameters: [{ type: 'bool', value: false }, hex(0n, 32)] }],
        transition_key: [],
        transitions: [{ type: 'default', value: null, mask: null, next_state: null }],
      });
    }
    return { name: 'parser', id: 0, init_state: 'start', parse_states: states };
  }

  /**
   * One P4 state as BMv2 states: an `if` splits it, as p4c does, into a state
   * that selects on the condition, one state per branch, and a join state
   * holding the rest and the original transition.
   */
  private state(name: string, stmts: ast.Stmt[], tr: ast.Transition | undefined, states: Bmv2ParseState[]): void {
    const body = this.flatten(stmts);
    const split = body.findIndex((s) => s.kind === 'if');
    const ops: Bmv2ParserOp[] = [];
    if (split < 0) {
      this.ops(body, ops);
      const { key, transitions } = this.transition(tr, ops);
      states.push({ name, id: states.length, parser_ops: ops, transition_key: key, transitions });
      return;
    }
    const branch = body[split] as ast.Stmt & { kind: 'if' };
    this.ops(body.slice(0, split), ops);
    const cond = this.em.temp(1);
    ops.push({ op: 'set', parameters: [cond, this.ex.toData(this.ex.value(branch.cond, this.env))] });
    const [yes, no, join] = ['true', 'false', 'join'].map((suffix) => this.fresh(`${name}_${suffix}`));
    const goTo = (target: string): ast.Transition => ({ kind: 'direct', target, span: branch.span });
    states.push({
      name,
      id: states.length,
      parser_ops: ops,
      transition_key: [cond],
      transitions: [
        { type: 'hexstr', value: '0x01', mask: null, next_state: yes! },
        { type: 'default', value: null, mask: null, next_state: no! },
      ],
    });
    this.state(yes!, [branch.then], goTo(join!), states);
    this.state(no!, branch.else ? [branch.else] : [], goTo(join!), states);
    this.state(join!, body.slice(split + 1), tr, states);
  }

  /** Blocks spliced in and constant ifs resolved, so that the ifs left are the ones to split on. */
  private flatten(stmts: ast.Stmt[]): ast.Stmt[] {
    return stmts.flatMap((s): ast.Stmt[] => {
      if (s.kind === 'block') return this.flatten(s.body);
      if (s.kind !== 'if') return [s];
      const c = this.em.cp.consts.get(s.cond);
      if (typeof c !== 'boolean') return [s];
      const taken = c ? s.then : s.else;
      return taken ? this.flatten([taken]) : [];
    });
  }

  /** A state name not used by the program or by an earlier split. */
  private fresh(base: string): string {
    let name = base;
    for (let i = 0; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  private ops(stmts: ast.Stmt[], out: Bmv2ParserOp[]): void {
    for (const s of stmts) {
      if (s.kind === 'block') {
        this.ops(s.body, out);
        continue;
      }
      if (s.kind === 'call') {
        const info = this.em.cp.calls.get(s.call);
        const args = s.call.args.map((a) => a.value);
        if (info?.externType === 'packet_in') {
          this.packetOp(s.call, info.name, args, out);
          continue;
        }
        if (info?.kind === 'extern-function' && info.name === 'verify') {
          out.push({ op: 'verify', parameters: [this.ex.value(args[0]!, this.env), this.ex.value(args[1]!, this.env)] });
          continue;
        }
      }
      if (s.kind === 'assign') {
        const v = s.value;
        const info = v.kind === 'call' ? this.em.cp.calls.get(v) : undefined;
        if (info?.externType === 'packet_in' && info.name === 'lookahead') {
          const dst = this.ex.loc(s.target, this.env);
          const w = storageWidth(this.ex.typeOf(v)) ?? 0;
          if (dst?.k === 'field') out.push({ op: 'set', parameters: [{ type: 'field', value: dst.value }, { type: 'lookahead', value: [0, w] }] });
          else this.em.unsupported(s.span, 'lookahead into a non-field target');
          continue;
        }
      }
      const prims: Bmv2Primitive[] = [];
      this.prims.stmt(s, this.env, prims);
      if (prims.some((p) => p.op === '_jump_if_zero')) this.em.unsupported(s.span, 'a call under an if inside a function called in a parser');
      for (const p of prims) {
        if (p.op === 'assign') out.push({ op: 'set', parameters: p.parameters });
        else out.push({ op: 'primitive', parameters: [p] });
      }
    }
  }

  private packetOp(call: ast.Expr & { kind: 'call' }, method: string, args: ast.Expr[], out: Bmv2ParserOp[]): void {
    if (method === 'extract') {
      const target = args[0]!;
      if (args.length === 2) {
        // extract(h, bits): the varbit field of h takes `bits` bits.
        const l = this.ex.loc(target, this.env);
        const t = l?.k === 'header' ? l.type : undefined;
        if (l?.k === 'header' && (t?.k === 'header') && t.fields.some((f) => f.type.k === 'varbit')) {
          out.push({ op: 'extract_VL', parameters: [{ type: 'regular', value: l.name }, this.ex.data(args[1]!, this.env)] });
        } else if (l) this.em.unsupported(target.span, 'extract with a size into a header without a varbit field');
        return;
      }
      if (target.kind === 'dontcare') {
        // extract<T>(_) skips a T.
        const t = this.em.cp.calls.get(call)?.typeArgs[0];
        const w = t ? widthOf(t) : undefined;
        if (w === undefined) this.em.unsupported(target.span, 'extracting into _ without a header type (write extract<T>(_))');
        else out.push({ op: 'advance', parameters: [hex(BigInt(w), 32)] });
        return;
      }
      if (target.kind === 'member' && target.member === 'next') {
        const st = this.ex.loc(target.object, this.env);
        if (st?.k === 'stack') out.push({ op: 'extract', parameters: [{ type: 'stack', value: st.name }] });
        return;
      }
      const l = this.ex.loc(target, this.env);
      if (l?.k === 'header') out.push({ op: 'extract', parameters: [{ type: 'regular', value: l.name }] });
      else if (l) this.em.unsupported(target.span, 'extracting into something that is not a header');
      return;
    }
    if (method === 'advance') {
      out.push({ op: 'advance', parameters: [this.ex.data(args[0]!, this.env)] });
      return;
    }
    if (method === 'lookahead') {
      // Unused, it still fails on a packet too short for it: read its last byte into a temporary.
      const w = widthOf(this.ex.typeOf(call));
      if (w) out.push({ op: 'set', parameters: [this.em.temp(Math.min(w, 8)), { type: 'lookahead', value: [Math.max(0, w - 8), Math.min(w, 8)] }] });
      return;
    }
    this.em.unsupported(call.span, `packet_in.${method}`);
  }

  private transition(tr: ast.Transition | undefined, ops: Bmv2ParserOp[]): { key: Bmv2Value[]; transitions: Bmv2Transition[] } {
    const target = (name: string): string | null => {
      if (name === 'accept') return null;
      if (name === 'reject') this.needsReject = true;
      return name;
    };
    if (!tr) {
      this.needsReject = true;
      return { key: [], transitions: [{ type: 'default', value: null, mask: null, next_state: 'reject' }] };
    }
    if (tr.kind === 'direct') return { key: [], transitions: [{ type: 'default', value: null, mask: null, next_state: target(tr.target) }] };
    const widths = tr.keys.map((k) => storageWidth(this.ex.typeOf(k)) ?? 0);
    const key = tr.keys.map((k, i) => this.selectKey(k, widths[i]!, ops));
    const transitions: Bmv2Transition[] = [];
    for (const c of tr.cases) {
      const next = target(c.target);
      const ks = c.keyset;
      const vset = ks.kind === 'name' ? this.em.cp.syms.get(ks) : undefined;
      if (vset?.kind === 'valueSet') {
        this.valueSet(vset.qname, widths, vset.decl.size);
        transitions.push({ type: 'parse_vset', value: vset.qname, mask: null, next_state: next });
        continue;
      }
      if (ks.kind === 'default' || ks.kind === 'dontcare') {
        transitions.push({ type: 'default', value: null, mask: null, next_state: next });
        continue;
      }
      const elems = ks.kind === 'list' && (widths.length !== 1 || ks.elements.length === 1) ? ks.elements : [ks];
      // Each element is one or more (value, mask) pairs (a range is several); the case is their product.
      let combos: Array<Array<{ v: bigint; m: bigint }>> = [[]];
      elems.forEach((el, i) => {
        const alternatives = this.elementMasks(el, widths[i]!);
        combos = combos.flatMap((c) => alternatives.map((a) => [...c, a]));
      });
      for (const combo of combos) {
        if (combo.every((x) => x.m === 0n)) {
          transitions.push({ type: 'default', value: null, mask: null, next_state: next });
          continue;
        }
        const hexOf = (pick: (x: { v: bigint; m: bigint }) => bigint) =>
          `0x${combo.map((x, i) => pick(x).toString(16).padStart(Math.max(1, Math.ceil(widths[i]! / 8)) * 2, '0')).join('')}`;
        const masked = combo.some((x, i) => x.m !== mask(widths[i]!));
        transitions.push({ type: 'hexstr', value: hexOf((x) => x.v), mask: masked ? hexOf((x) => x.m) : null, next_state: next });
      }
    }
    return { key, transitions };
  }

  /** A keyset element as (value, mask) pairs: one for a value, mask or `_`; a range needs several. */
  private elementMasks(el: ast.Expr, w: number): Array<{ v: bigint; m: bigint }> {
    const full = mask(w);
    if (el.kind === 'default' || el.kind === 'dontcare') return [{ v: 0n, m: 0n }];
    if (el.kind === 'binary' && el.op === '&&&') {
      const m = this.constOf(el.right) & full;
      return [{ v: this.constOf(el.left) & m, m }];
    }
    if (el.kind === 'binary' && el.op === '..') return rangeMasks(this.constOf(el.left) & full, this.constOf(el.right) & full, w);
    return [{ v: this.constOf(el) & full, m: full }];
  }

  private constOf(e: ast.Expr): bigint {
    const v = this.em.cp.consts.get(e);
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'object') return BigInt(Math.max(0, (v.of === 'error' ? this.em.cp.errorMembers : this.em.cp.enums.find((x) => x.name === v.of)?.members ?? []).indexOf(v.member)));
    return 0n;
  }

  /** A select key: a field, a lookahead, or any other value copied into a temporary first. */
  private selectKey(k: ast.Expr, width: number, ops: Bmv2ParserOp[]): Bmv2Value {
    const info = k.kind === 'call' ? this.em.cp.calls.get(k) : undefined;
    if (info?.externType === 'packet_in' && info.name === 'lookahead') return { type: 'lookahead', value: [0, width] };
    const peek = k.kind === 'member' ? this.ex.memberRead(k, this.env) : undefined;
    if (peek?.type === 'lookahead' || peek?.type === 'stack_field') return peek;
    const l: Loc | undefined = !peek && (k.kind === 'name' || k.kind === 'member' || k.kind === 'index') ? this.ex.loc(k, this.env) : undefined;
    if (l?.k === 'field') return { type: 'field', value: l.value };
    const tmp = this.em.temp(width);
    ops.push({ op: 'set', parameters: [tmp, this.ex.data(k, this.env)] });
    return tmp;
  }

  private valueSet(name: string, widths: number[], sizeExpr: ast.Expr): void {
    if (this.em.parseVsets.some((v) => v.name === name)) return;
    const size = this.em.cp.consts.get(sizeExpr);
    this.em.parseVsets.push({ name, id: this.em.parseVsets.length, compressed_bitwidth: widths.reduce((a, b) => a + b, 0), max_size: Number(typeof size === 'bigint' ? size : 0n) });
  }
}

/** The deparser's emit calls → the order BMv2 emits valid headers in. */
export function deparserOrder(ex: ExprLowering, decl: ControlDecl): string[] {
  const order: string[] = [];
  const env: Env = { params: new Map() };
  const emitLoc = (l: Loc | undefined) => {
    if (!l) return;
    if (l.k === 'header') order.push(l.name);
    else if (l.k === 'stack') order.push(...l.elems);
    else if (l.k === 'union') order.push(...[...l.members.values()].map((m) => m.name));
    else if (l.k === 'struct') for (const f of l.fields.values()) emitLoc(f);
  };
  const walk = (s: ast.Stmt, guardedBy?: ast.Expr): void => {
    if (s.kind === 'block') return s.body.forEach((x) => walk(x, guardedBy));
    if (s.kind === 'if' && !s.else && s.cond.kind === 'call' && s.cond.callee.kind === 'member' && s.cond.callee.member === 'isValid') {
      return walk(s.then, s.cond.callee.object);
    }
    if (s.kind === 'call') {
      const info = ex.em.cp.calls.get(s.call);
      if (info?.externType === 'packet_out' && info.name === 'emit') {
        const arg = s.call.args[0]!.value;
        // `if (h.isValid()) emit(h)` is what emit does anyway: invalid headers are skipped.
        if (guardedBy && JSON.stringify(stripSpans(guardedBy)) !== JSON.stringify(stripSpans(arg))) {
          ex.em.unsupported(s.span, 'a conditional emit other than `if (h.isValid()) emit(h)`');
          return;
        }
        return emitLoc(ex.loc(arg, env));
      }
    }
    if (s.kind === 'empty') return;
    ex.em.unsupported(s.span, 'statements other than emit in the deparser');
  };
  walk(decl.apply);
  return order;
}

function stripSpans(e: ast.Expr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v) => (k === 'span' ? undefined : typeof v === 'bigint' ? v.toString() : v)));
}

/** The fewest aligned power-of-two blocks covering [lo, hi], as (value, mask) pairs. */
export function rangeMasks(lo: bigint, hi: bigint, width: number): Array<{ v: bigint; m: bigint }> {
  const full = mask(width);
  const out: Array<{ v: bigint; m: bigint }> = [];
  while (lo <= hi) {
    let k = 0n;
    while (k < BigInt(width) && (lo & ((1n << (k + 1n)) - 1n)) === 0n && lo + (1n << (k + 1n)) - 1n <= hi) k++;
    out.push({ v: lo, m: full & ~((1n << k) - 1n) });
    lo += 1n << k;
  }
  return out;
}
