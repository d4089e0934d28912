// Generates the parser: one function that walks states with a switch, each
// state's ops and select as straight-line code; then checksum verification.
import type { Bmv2ParseState, Bmv2Parser } from '../../bmv2/json-format.js';
import { ExprGen, type FieldTarget } from './expr.js';
import { genPrimitive, type Primitive } from './gen-actions.js';
import type { GenContext } from './gen-context.js';
import { fail } from './validate.js';

const MAX_STEPS = 1000; // a parser loop that never consumes ends as ParserTimeout

/** Key component widths of the value sets, learnt from the states that use them. */
export type VsetWidths = Map<number, number[]>;

export function genParser(ctx: GenContext, parser: Bmv2Parser, path: string, readers: (typeName: string) => string, vsetWidths: VsetWidths): string {
  const eg = new ExprGen(ctx.layout);
  const L = ctx.layout;
  const perr = L.std.parser_error;
  const stateIndex = new Map(parser.parse_states.map((s, i) => [s.name, i]));
  const init = stateIndex.get(parser.init_state);
  if (init === undefined) fail(`${path}.init_state`, `unknown parse state "${parser.init_state}"`);
  const err = (name: string) => `{ F[${perr}] = ${L.error(name)}; return; }`;

  const cases = parser.parse_states.map((state, si) => {
    const sp = `${path}.parse_states[${si}]`;
    const ops = (state.parser_ops ?? []).map((op, oi) => `${lookaheadCheck(op.parameters, err('PacketTooShort'))}${genOp(op, `${sp}.parser_ops[${oi}]`)}`);
    return `case ${si}: { ${ops.join(' ')} ${genSelect(ctx, eg, state, sp, stateIndex, vsetWidths, err('NoMatch'), err('PacketTooShort'))} break; }`;
  });

  function genOp(op: Bmv2ParseState['parser_ops'][number], opPath: string): string {
    const P = (op.parameters ?? []) as Array<{ type: string; value: unknown; op?: string; parameters?: unknown[] }>;
    switch (op.op) {
      case 'extract': {
        const target = P[0];
        if (!target) fail(`${opPath}.parameters`, 'extract needs a header');
        if (target.type === 'regular') {
          const h = L.header(target.value as string, `${opPath}.parameters[0].value`);
          if (h.varbit) fail(`${opPath}.op`, `header "${h.name}" has a varbit field: extract it with extract_VL`);
          return `if (p.off + ${h.bytes} > p.len) ${err('PacketTooShort')} ${readers(h.typeName)}(p, ${h.base}); ${L.setValid(h.index)} p.off += ${h.bytes};`;
        }
        if (target.type === 'stack') {
          const s = L.stack(target.value as string, `${opPath}.parameters[0].value`);
          const h = L.headers[s.headers[0]!]!;
          return `{ const i = N[${s.index}]; if (i >= ${s.headers.length}) ${err('StackOutOfBounds')} if (p.off + ${h.bytes} > p.len) ${err('PacketTooShort')} ${readers(h.typeName)}(p, SB${s.index}[i]); V[SH${s.index}[i]] = 1; N[${s.index}] = i + 1; p.off += ${h.bytes}; }`;
        }
        fail(`${opPath}.parameters[0].type`, `extract into "${target.type}" is not supported by this switch yet`);
        break;
      }
      case 'extract_VL': {
        const h = L.header((P[0]?.value as string) ?? '', `${opPath}.parameters[0].value`);
        const v = h.varbit;
        if (!v) fail(`${opPath}.parameters[0].value`, `header "${h.name}" has no varbit field`);
        const bits = eg.num(eg.value(P[1], `${opPath}.parameters[1]`), `${opPath}.parameters[1]`).js;
        // As BMv2: a length that is not whole bytes is a bad argument; one past the field's maximum, a header too short.
        return `{ const nb = ${bits}; if ((nb & 7) !== 0) ${err('ParserInvalidArgument')} if (nb < 0 || nb > ${v.maxBytes * 8}) ${err('HeaderTooShort')} if (p.off + ${h.bytes} + (nb >>> 3) > p.len) ${err('PacketTooShort')} F[${v.lenSlot}] = nb; ${readers(h.typeName)}(p, ${h.base}); ${L.setValid(h.index)} p.off += ${h.bytes} + (nb >>> 3); }`;
      }
      case 'set': {
        const t = eg.target(P[0], `${opPath}.parameters[0]`);
        const wide = P[1]?.type === 'lookahead' && (P[1].value as number[])[1]! > 53;
        return wide ? wideLookahead(t, P[1]!.value as number[], `${opPath}.parameters[1]`) : eg.assign(t, eg.value(P[1], `${opPath}.parameters[1]`));
      }
      case 'verify': {
        const cond = eg.bool(eg.value(P[0], `${opPath}.parameters[0]`), `${opPath}.parameters[0]`);
        const code = eg.num(eg.value(P[1], `${opPath}.parameters[1]`), `${opPath}.parameters[1]`).js;
        return `if (!${cond}) { F[${perr}] = ${code}; return; }`;
      }
      case 'advance': {
        const bits = eg.num(eg.value(P[0], `${opPath}.parameters[0]`), `${opPath}.parameters[0]`).js;
        return `{ const nb = ${bits}; if (p.off * 8 + nb > p.len * 8) ${err('PacketTooShort')} p.off += nb >>> 3; }`;
      }
      case 'primitive': {
        const prim = P[0] as unknown as Primitive;
        return genPrimitive(ctx, eg, prim, `${opPath}.parameters[0]`);
      }
      default:
        fail(`${opPath}.op`, `unsupported parser op "${op.op}"`);
    }
  }

  // parser_error holds NoError's number (1 in older p4c's JSON) unless parsing fails
  return `function parse(p) {
  const F = p.F, V = p.V, N = p.N;
  F[${perr}] = ${L.error('NoError')};
  let st = ${init}, steps = 0;
  for (;;) {
    if (++steps > ${MAX_STEPS}) ${err('ParserTimeout')}
    switch (st) { ${cases.join('\n')} }
    if (st < 0) return;
  }
}`;
}

/** The furthest bit past the current offset that any lookahead inside a JSON value reads. */
function lookaheadEnd(v: unknown): number {
  if (Array.isArray(v)) return Math.max(0, ...v.map(lookaheadEnd));
  if (v === null || typeof v !== 'object') return 0;
  const o = v as { type?: unknown; value?: unknown };
  if (o.type === 'lookahead' && Array.isArray(o.value)) return Number(o.value[0]) + Number(o.value[1]);
  return Math.max(0, ...Object.values(o).map(lookaheadEnd));
}

/** BMv2 fails the parser with PacketTooShort when a lookahead reads past the packet's end. */
function lookaheadCheck(v: unknown, tooShort: string): string {
  const end = lookaheadEnd(v);
  return end > 0 ? `if (p.off * 8 + ${end} > p.len * 8) ${tooShort} ` : '';
}

/**
 * `set` of a lookahead wider than 53 bits: read it word by word straight into
 * the target's 32-bit words (big-endian, the first word holding the odd bits),
 * keeping the low bits when the target is narrower, zero-extending when wider.
 */
function wideLookahead(t: FieldTarget, [off, width]: number[], path: string): string {
  if (!Number.isInteger(off) || !Number.isInteger(width) || off! < 0) fail(`${path}.value`, 'lookahead needs [bit offset, width] as whole numbers');
  const bits = Math.min(width!, t.width);
  const start = off! + width! - bits; // the low `bits` bits of the lookahead
  const words = Math.max(t.words, 1);
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    // bit range [lo, hi) of the target that word i holds, counted from its least significant bit
    const hi = i === 0 ? t.width : t.width - (t.width - 32 * (words - 1)) - 32 * (i - 1);
    const lo = Math.max(0, hi - (i === 0 ? t.width - 32 * (words - 1) : 32));
    const take = Math.max(0, Math.min(hi, bits) - lo);
    out.push(`${t.arr}[${t.slot} + ${i}] = ${take > 0 ? `readBits(p.buf, p.off * 8 + ${start + bits - lo - take}, ${take})` : '0'};`);
  }
  return out.join(' ');
}

function keyWidth(ctx: GenContext, k: { type: string; value: unknown }, path: string): number {
  if (k.type === 'field') {
    if ((k.value as string[])[1] === '$valid$') return 1;
    return ctx.layout.field(k.value, `${path}.value`).width;
  }
  if (k.type === 'lookahead') return (k.value as number[])[1]!;
  if (k.type === 'stack_field') {
    const [sn, fn] = k.value as [string, string];
    const s = ctx.layout.stack(sn, `${path}.value[0]`);
    const f = ctx.layout.headers[s.headers[0]!]!.byName.get(fn);
    if (!f) fail(`${path}.value[1]`, `header stack "${sn}" has no field "${fn}"`);
    return f.width;
  }
  fail(`${path}.type`, `select keys of type "${k.type}" are not supported by this switch yet`);
}

function genSelect(ctx: GenContext, eg: ExprGen, state: Bmv2ParseState, sp: string, stateIndex: Map<string, number>, vsetWidths: VsetWidths, noMatch: string, tooShort: string): string {
  const keys = (state.transition_key ?? []) as Array<{ type: string; value: unknown }>;
  const widths = keys.map((k, i) => keyWidth(ctx, k, `${sp}.transition_key[${i}]`));
  widths.forEach((w, i) => {
    if (w > 53) fail(`${sp}.transition_key[${i}]`, `select on a ${w}-bit key is not supported (53 bits at most)`);
  });
  const bytes = widths.map((w) => Math.ceil(w / 8));
  const lines = keys.map((k, i) => `${lookaheadCheck(k, tooShort)}const k${i} = ${eg.num(eg.value(k, `${sp}.transition_key[${i}]`), `${sp}.transition_key[${i}]`).js};`);
  const next = (t: { next_state: string | null }, path: string) => {
    if (t.next_state === null) return '-1';
    const i = stateIndex.get(t.next_state);
    if (i === undefined) fail(`${path}.next_state`, `unknown parse state "${t.next_state}"`);
    return String(i);
  };
  // split a hexstr of the concatenated, byte-padded key into per-key values
  const split = (hex: string, path: string): bigint[] => {
    if (!/^0x[0-9a-fA-F]+$/.test(hex)) fail(path, `bad select value "${hex}"`);
    let v = BigInt(hex);
    const out: bigint[] = new Array(keys.length);
    for (let i = keys.length - 1; i >= 0; i--) {
      const bits = BigInt(bytes[i]! * 8);
      out[i] = v & ((1n << bits) - 1n);
      v >>= bits;
    }
    return out;
  };
  let hasDefault = false;
  (state.transitions ?? []).forEach((t, ti) => {
    const tp = `${sp}.transitions[${ti}]`;
    const type = t.type ?? (t.value === 'default' || t.value === null ? 'default' : 'hexstr');
    if (hasDefault) return; // later transitions are unreachable
    if (type === 'default') {
      hasDefault = true;
      lines.push(`st = ${next(t, tp)}; break;`);
      return;
    }
    if (type === 'parse_vset') {
      const vs = ctx.ref('value set', t.value, `${tp}.value`);
      vsetWidths.set(vs, widths);
      lines.push(`${keys.map((_, i) => `VK[${i}] = k${i};`).join(' ')} if (VS${vs}.match(VK)) { st = ${next(t, tp)}; break; }`);
      return;
    }
    if (keys.length === 0) fail(tp, 'a value transition needs a transition_key');
    const values = split(t.value as string, `${tp}.value`);
    const masks = t.mask ? split(t.mask, `${tp}.mask`) : undefined;
    const conds = values.map((v, i) => {
      const full = (1n << BigInt(widths[i]!)) - 1n;
      const m = masks ? masks[i]! & full : full;
      if (m === 0n) return 'true';
      const k = `k${i}`;
      if (m === full) return `${k} === ${v & m}`;
      return widths[i]! <= 32 ? `((${k} & ${m}) >>> 0) === ${v & m}` : `and53(${k}, ${m}) === ${v & m}`;
    });
    lines.push(`if (${conds.join(' && ')}) { st = ${next(t, tp)}; break; }`);
  });
  if (!hasDefault) lines.push(noMatch);
  return lines.join(' ');
}

/** After parsing: checksum verification, as BMv2 does in the parser. */
export function genVerify(ctx: GenContext): string {
  const eg = new ExprGen(ctx.layout);
  const lines = ctx.json.checksums.map((c, i) => {
    if (!c.verify) return '';
    const path = `checksums[${i}]`;
    const calc = ctx.ref('calculation', c.calculation, `${path}.calculation`);
    const t = eg.target({ type: 'field', value: c.target }, `${path}.target`);
    const cond = c.if_cond ? eg.bool(eg.value(c.if_cond, `${path}.if_cond`), `${path}.if_cond`) : 'true';
    return `if (${cond} && calc${calc}(p) !== F[${t.slot}]) F[${ctx.layout.std.checksum_error}] = 1;`;
  });
  return `function verifyChecksums(p) { const F = p.F, V = p.V, N = p.N; ${lines.join(' ')} }`;
}
