// Generates one JavaScript function per BMv2 action, and the code of single
// primitives (also used by parser `primitive` ops).
import type { Bmv2Action } from '../../bmv2/json-format.js';
import { wordsFor } from './bits.js';
import { ExprGen, type Code, type ParamSlot } from './expr.js';
import type { GenContext } from './gen-context.js';
import { fail } from './validate.js';

export interface Primitive {
  op: string;
  parameters: unknown[];
}

/** Parameter slots of an action's runtime data (wide parameters take several words). */
export function paramSlots(action: Bmv2Action): { slots: ParamSlot[]; total: number } {
  let offset = 0;
  const slots = action.runtime_data.map((r, i) => {
    if (!(Number.isInteger(r.bitwidth) && r.bitwidth > 0)) fail(`actions[${action.id}].runtime_data[${i}].bitwidth`, `expected a positive whole number, found ${JSON.stringify(r.bitwidth)}`);
    const words = wordsFor(r.bitwidth);
    const s = { offset, width: r.bitwidth, words };
    offset += words;
    return s;
  });
  return { slots, total: offset };
}

export function genAction(ctx: GenContext, action: Bmv2Action, index: number): string {
  const path = `actions[${index}]`;
  const { slots } = paramSlots(action);
  const eg = new ExprGen(ctx.layout, slots);
  const prims = (action.primitives ?? []) as Primitive[];
  const jumps = prims.some((p) => p.op === '_jump' || p.op === '_jump_if_zero');
  prims.forEach((prim, i) => {
    if (prim.op !== '_jump' && prim.op !== '_jump_if_zero') return;
    // p4c only jumps forward; a backward jump could spin forever on a packet
    const target = prim.parameters?.[prim.op === '_jump' ? 0 : 1] as { value?: unknown } | undefined;
    const to = Number(typeof target?.value === 'string' ? BigInt(target.value) : target?.value);
    if (!(Number.isInteger(to) && to > i && to <= prims.length)) fail(`${path}.primitives[${i}]`, `jump to ${String(target?.value)}: only forward jumps within the action are allowed`);
  });
  const body: string[] = [];
  prims.forEach((prim, i) => {
    const code = genPrimitive(ctx, eg, prim, `${path}.primitives[${i}]`);
    body.push(jumps ? `case ${i}: ${code}` : code);
  });
  const inner = jumps ? `let pc = 0; for (;;) switch (pc) { ${body.join('\n')}\n default: return; }` : body.join('\n');
  return `function a${index}(p, d) { const F = p.F, V = p.V, N = p.N; ${inner} }`;
}

function num(eg: ExprGen, v: unknown, path: string): string {
  return eg.num(eg.value(v, path), path).js;
}

function header(eg: ExprGen, v: unknown, path: string): Extract<Code, { kind: 'header' }> {
  const c = eg.value(v, path);
  if (c.kind !== 'header' || (!c.header && !c.stack)) fail(path, 'expected a header');
  return c;
}

function constNumber(eg: ExprGen, v: unknown, path: string): number {
  const { type, value } = (v ?? {}) as { type?: string; value?: unknown };
  if (type === 'field_list' || type === 'hexstr') return Number(type === 'hexstr' ? BigInt(value as string) : value);
  return Number(eg.constantOf(eg.value(v, path), path));
}

/** `F[dst] = lhs OP rhs` primitives of the old simple_switch set. */
const BINARY: Record<string, string> = {
  add: '+', subtract: '-', bit_xor: '^', bit_or: '|', bit_and: '&', shift_left: '<<', shift_right: '>>',
};

export function genPrimitive(ctx: GenContext, eg: ExprGen, prim: Primitive, path: string): string {
  const P = prim.parameters ?? [];
  const pp = (i: number) => `${path}.parameters[${i}]`;
  const std = ctx.layout.std;
  const arity = (n: number) => {
    if (P.length < n) fail(`${path}.parameters`, `${prim.op} takes ${n} parameters, found ${P.length}`);
  };
  switch (prim.op) {
    case 'assign':
    case 'modify_field': {
      arity(2);
      if (P.length > 2) {
        // P4-14's masked form: dst = (dst & ~mask) | (src & mask)
        const ex = (op: string, left: unknown, right: unknown) => ({ type: 'expression', value: { op, left, right } });
        const keep = ex('&', P[0], ex('~', null, P[2]));
        return eg.assign(eg.target(P[0], pp(0)), eg.value(ex('|', keep, ex('&', P[1], P[2])), path));
      }
      return eg.assign(eg.target(P[0], pp(0)), eg.value(P[1], pp(1)));
    }
    case 'add_to_field':
    case 'subtract_from_field': {
      arity(2);
      const t = eg.target(P[0], pp(0));
      const e = { type: 'expression', value: { op: prim.op === 'add_to_field' ? '+' : '-', left: P[0], right: P[1] } };
      return eg.assign(t, eg.value(e, path));
    }
    case 'add': case 'subtract': case 'bit_xor': case 'bit_or': case 'bit_and': case 'shift_left': case 'shift_right': {
      arity(3);
      const e = { type: 'expression', value: { op: BINARY[prim.op], left: P[1], right: P[2] } };
      return eg.assign(eg.target(P[0], pp(0)), eg.value(e, path));
    }
    case 'assign_header':
    case 'copy_header': {
      arity(2);
      const d = header(eg, P[0], pp(0));
      const s = header(eg, P[1], pp(1));
      const n = sizeOf(ctx, d);
      return `{ const dh = ${d.js}, sh = ${s.js}; F.copyWithin(HB[dh], HB[sh], HB[sh] + ${n}); V[dh] = V[sh]; }`;
    }
    case 'assign_VL': {
      arity(2);
      const [dh, df] = (P[0] as { value: [string, string] }).value ?? [];
      const [sh, sf] = (P[1] as { value: [string, string] }).value ?? [];
      const d = ctx.layout.header(dh!, `${pp(0)}.value[0]`).varbit;
      const s = ctx.layout.header(sh!, `${pp(1)}.value[0]`).varbit;
      if (!d || !s || d.name !== df || s.name !== sf) fail(path, 'assign_VL needs two varbit fields');
      if (d.maxBytes < s.maxBytes) fail(path, `varbit ${dh}.${df} is smaller than ${sh}.${sf}`);
      return `F.copyWithin(${d.lenSlot}, ${s.lenSlot}, ${s.dataSlot + s.maxBytes});`;
    }
    case 'assign_union': {
      arity(2);
      const d = ctx.layout.unions.get((P[0] as { value: string }).value);
      const s = ctx.layout.unions.get((P[1] as { value: string }).value);
      if (!d || !s || d.length !== s.length) fail(path, 'assign_union needs two unions of the same type');
      return d.map((dh, i) => `F.copyWithin(${ctx.layout.headers[dh]!.base}, ${ctx.layout.headers[s[i]!]!.base}, ${ctx.layout.headers[s[i]!]!.base + slotsOf(ctx, s[i]!)}); V[${dh}] = V[${s[i]}];`).join(' ');
    }
    case 'assign_header_stack': {
      arity(2);
      const d = ctx.layout.stack((P[0] as { value: string }).value, `${pp(0)}.value`);
      const s = ctx.layout.stack((P[1] as { value: string }).value, `${pp(1)}.value`);
      const n = slotsOf(ctx, s.headers[0]!);
      return d.headers.map((dh, i) => `F.copyWithin(${ctx.layout.headers[dh]!.base}, ${ctx.layout.headers[s.headers[i]!]!.base}, ${ctx.layout.headers[s.headers[i]!]!.base + n}); V[${dh}] = V[${s.headers[i]}];`).join(' ') + ` N[${d.index}] = N[${s.index}];`;
    }
    case 'push':
    case 'pop': {
      arity(2);
      const s = ctx.layout.stack((P[0] as { value: string }).value, `${pp(0)}.value`);
      const count = num(eg, P[1], pp(1));
      return `${prim.op === 'push' ? 'stackPush' : 'stackPop'}(F, V, N, ${s.index}, SB${s.index}, SH${s.index}, ${slotsOf(ctx, s.headers[0]!)}, ${count});`;
    }
    case 'add_header': {
      arity(1);
      const h = header(eg, P[0], pp(0));
      return h.header ? ctx.layout.setValid(h.header.index) : `V[${h.js}] = 1;`;
    }
    case 'remove_header':
      arity(1);
      return `V[${header(eg, P[0], pp(0)).js}] = 0;`;
    case 'mark_to_drop':
    case 'drop':
      return `F[${std.egress_spec}] = 511; F[${std.mcast_grp}] = 0;`;
    case 'exit':
      return 'p.exit = 1; return;';
    case 'no_op':
    case 'log_msg':
    case 'assume':
      return '';
    case 'assert': {
      // BMv2 aborts the whole switch here; a lab switch drops the packet instead.
      arity(1);
      return `if (!${eg.bool(eg.value(P[0], pp(0)), pp(0))}) { F[${std.egress_spec}] = 511; F[${std.mcast_grp}] = 0; }`;
    }
    case '_jump':
      arity(1);
      return `pc = ${constNumber(eg, P[0], pp(0))}; continue;`;
    case '_jump_if_zero':
      arity(2);
      return `if (${num(eg, P[0], pp(0))} === 0) { pc = ${constNumber(eg, P[1], pp(1))}; continue; }`;
    case 'modify_field_rng_uniform': {
      arity(3);
      const t = eg.target(P[0], pp(0));
      return eg.assign(t, { kind: 'num', js: `rt.random(${num(eg, P[1], pp(1))}, ${num(eg, P[2], pp(2))})`, bits: 53, neg: false });
    }
    case 'generate_digest': {
      arity(2);
      const id = constNumber(eg, P[1], pp(1));
      if (!ctx.learnLists.has(id)) fail(pp(1), `unknown learn list ${id}`);
      return `if (p.ndig < 8) p.dig[p.ndig++] = ${id};`;
    }
    case 'clone_ingress_pkt_to_egress':
    case 'clone_egress_pkt_to_egress': {
      arity(1);
      const fl = P.length > 1 ? constNumber(eg, P[1], pp(1)) : 0;
      if (fl !== 0 && !ctx.fieldLists.has(fl)) fail(pp(1), `unknown field list ${fl}`);
      return `p.cloneKind = ${prim.op === 'clone_ingress_pkt_to_egress' ? 1 : 2}; p.cloneSession = ${num(eg, P[0], pp(0))}; p.cloneFL = ${fl};`;
    }
    case 'resubmit':
    case 'recirculate': {
      const fl = P.length > 0 ? constNumber(eg, P[0], pp(0)) : 0;
      if (fl !== 0 && !ctx.fieldLists.has(fl)) fail(pp(0), `unknown field list ${fl}`);
      return `p.${prim.op === 'resubmit' ? 'resubmitFL' : 'recircFL'} = ${fl};`;
    }
    case 'truncate':
      arity(1);
      return `p.truncLen = ${num(eg, P[0], pp(0))};`;
    case 'count': {
      arity(2);
      const c = ctx.ref('counter', (P[0] as { value: unknown }).value, `${pp(0)}.value`);
      return `C${c}.count(${num(eg, P[1], pp(1))}, p.len);`;
    }
    case 'execute_meter': {
      arity(3);
      const m = ctx.ref('meter', (P[0] as { value: unknown }).value, `${pp(0)}.value`);
      const t = eg.target(P[2], pp(2));
      return eg.assign(t, { kind: 'num', js: `M${m}.execute(${num(eg, P[1], pp(1))}, p.len, p.nowNs)`, bits: 2, neg: false });
    }
    case 'register_read': {
      arity(3);
      const r = ctx.ref('register', (P[1] as { value: unknown }).value, `${pp(1)}.value`);
      const reg = ctx.json.register_arrays[r]!;
      const t = eg.target(P[0], pp(0));
      const idx = num(eg, P[2], pp(2));
      if (reg.bitwidth > 53) {
        const w = Math.ceil(reg.bitwidth / 32);
        return eg.assign(t, { kind: 'big', js: `(${idx} < ${reg.size} ? wideToBig(R${r}.cells, (${idx}) * ${w}, ${w}) : 0n)` });
      }
      return eg.assign(t, { kind: 'num', js: `(${idx} < ${reg.size} ? R${r}.cells[${idx}] : 0)`, bits: reg.bitwidth, neg: false });
    }
    case 'register_write': {
      arity(3);
      const r = ctx.ref('register', (P[0] as { value: unknown }).value, `${pp(0)}.value`);
      const reg = ctx.json.register_arrays[r]!;
      const idx = num(eg, P[1], pp(1));
      const v = eg.value(P[2], pp(2));
      if (reg.bitwidth > 53) {
        const w = Math.ceil(reg.bitwidth / 32);
        return `{ const i = ${idx}; if (i < ${reg.size}) bigToWide(R${r}.cells, i * ${w}, ${w}, ${reg.bitwidth}, ${eg.big(v)}); }`;
      }
      return `{ const i = ${idx}; if (i < ${reg.size}) R${r}.cells[i] = ${eg.truncated(reg.bitwidth, v)}; }`;
    }
    case 'modify_field_with_hash_based_offset': {
      arity(4);
      const t = eg.target(P[0], pp(0));
      const c = ctx.ref('calculation', (P[2] as { value: unknown }).value, `${pp(2)}.value`);
      const size = num(eg, P[3], pp(3));
      const base = num(eg, P[1], pp(1));
      return eg.assign(t, { kind: 'num', js: `(${base} + calc${c}(p) % Math.max(${size}, 1))`, bits: 53, neg: false });
    }
    default:
      if (prim.op.startsWith('_')) fail(`${path}.op`, `extern method "${prim.op}" is not supported by this switch`, 'use the v1model externs (register, counter, meter, hash, digest, clone)');
      fail(`${path}.op`, `unknown primitive "${prim.op}"`);
  }
}

function slotsOf(ctx: GenContext, h: number): number {
  return ctx.layout.headers[h]!.slots;
}

function sizeOf(ctx: GenContext, c: Extract<Code, { kind: 'header' }>): number {
  const h = c.header ?? ctx.layout.headers[c.stack!.headers[0]!]!;
  return slotsOf(ctx, h.index);
}
