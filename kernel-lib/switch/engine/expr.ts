// Generates JavaScript for BMv2 expressions. BMv2 evaluates in infinite
// precision and truncates at assignment; we track an upper bound on each
// value's bit length and pick plain int32 ops (≤ 32 bits), exact double
// arithmetic (≤ 53 bits), or BigInt only beyond that.
import { bitLength, hexToBig } from './bits.js';
import type { FieldInfo, HeaderInfo, Layout, StackInfo } from './layout.js';
import { fail } from './validate.js';

/** Where a value wider than 53 bits sits: consecutive word slots of array `arr`. */
export interface WideRef {
  arr: 'F' | 'd';
  slot: string;
  words: number;
  width: number;
}

export type Code =
  | { kind: 'num'; js: string; bits: number; neg: boolean; constant?: bigint }
  | { kind: 'bool'; js: string }
  | { kind: 'big'; js: string; wide?: WideRef; constant?: bigint }
  | { kind: 'header'; js: string; header?: HeaderInfo; stack?: StackInfo; elem?: string };

/** Slot expression and width of a field destination. */
export interface FieldTarget {
  slot: string;
  width: number;
  words: number;
  signed: boolean;
  arr: 'F';
}

export interface ParamSlot {
  offset: number;
  width: number;
  words: number;
}

export class ExprGen {
  constructor(
    readonly layout: Layout,
    readonly params: ParamSlot[] = [],
  ) {}

  value(v: unknown, path: string): Code {
    if (typeof v !== 'object' || v === null) fail(path, `expected a {type, value} object, found ${JSON.stringify(v)}`);
    const { type, value } = v as { type: string; value: unknown };
    switch (type) {
      case 'field': {
        const [h, f] = value as [string, string];
        if (f === '$valid$') {
          const hi = this.layout.header(h, `${path}.value[0]`);
          return { kind: 'num', js: `V[${hi.index}]`, bits: 1, neg: false };
        }
        return this.readField(this.layout.field(value, `${path}.value`));
      }
      case 'hexstr': {
        if (typeof value !== 'string' || !/^-?0x[0-9a-fA-F]+$/.test(value)) fail(`${path}.value`, `bad hexstr ${JSON.stringify(value)}`);
        return this.constant(hexToBig(value));
      }
      case 'bool':
        return { kind: 'bool', js: value ? 'true' : 'false' };
      case 'header': {
        const h = this.layout.header(value as string, `${path}.value`);
        return { kind: 'header', js: String(h.index), header: h };
      }
      case 'header_union':
        if (!this.layout.unions.has(value as string)) fail(`${path}.value`, `unknown header union "${String(value)}"`);
        return { kind: 'header', js: JSON.stringify(value) };
      case 'stack_field': {
        const [sn, fn] = value as [string, string];
        const s = this.layout.stack(sn, `${path}.value[0]`);
        return this.readField(this.stackField(s, `(N[${s.index}] > 0 ? N[${s.index}] - 1 : 0)`, fn, `${path}.value[1]`));
      }
      case 'lookahead': {
        const [off, width] = value as [number, number];
        if (!Number.isInteger(off) || !Number.isInteger(width) || off < 0 || width < 1) fail(`${path}.value`, 'lookahead needs [bit offset, width] as whole numbers');
        if (width > 53) fail(path, 'lookahead wider than 53 bits is not supported', 'look ahead at a narrower slice');
        return { kind: 'num', js: `(p.off * 8 + ${off + width} <= p.len * 8 ? readBits(p.buf, p.off * 8 + ${off}, ${width}) : 0)`, bits: width, neg: false };
      }
      case 'runtime_data':
      case 'local': {
        const p = this.params[value as number];
        if (!p) fail(`${path}.value`, `action has no parameter ${String(value)}`);
        if (p.words > 1) {
          return { kind: 'big', js: `wideToBig(d, ${p.offset}, ${p.words})`, wide: { arr: 'd', slot: String(p.offset), words: p.words, width: p.width } };
        }
        return { kind: 'num', js: `d[${p.offset}]`, bits: p.width, neg: false };
      }
      case 'expression':
        return this.expression(value, `${path}.value`);
      default:
        fail(`${path}.type`, `unexpected value type "${type}" here`);
    }
  }

  constant(c: bigint): Code {
    const bits = bitLength(c);
    if (bits > 53) return { kind: 'big', js: `${c}n`, constant: c };
    return { kind: 'num', js: c < 0n ? `(${c})` : String(c), bits, neg: c < 0n, constant: c };
  }

  readField(f: FieldTarget | FieldInfo): Code {
    const slot = typeof f.slot === 'number' ? String(f.slot) : f.slot;
    if (f.words > 1) return { kind: 'big', js: `wideToBig(F, ${slot}, ${f.words})`, wide: { arr: 'F', slot, words: f.words, width: f.width } };
    if (f.signed) return { kind: 'num', js: `signed(F[${slot}], ${f.width})`, bits: f.width, neg: true };
    return { kind: 'num', js: `F[${slot}]`, bits: f.width, neg: false };
  }

  /** A field of element `elem` (a JS index expression) of a header stack. */
  stackField(s: StackInfo, elem: string, fieldName: string, path: string): FieldTarget {
    const first = this.layout.headers[s.headers[0]!]!;
    const f = first.byName.get(fieldName);
    if (!f) fail(path, `header stack "${s.name}" has no field "${fieldName}"`);
    return { slot: `SB${s.index}[${elem}] + ${f.offset}`, width: f.width, words: f.words, signed: f.signed, arr: 'F' };
  }

  /** A destination: a field, a stack field, or an access_field expression. */
  target(v: unknown, path: string): FieldTarget {
    const { type, value } = (v ?? {}) as { type: string; value: unknown };
    if (type === 'field') {
      const f = this.layout.field(value, `${path}.value`);
      return { slot: String(f.slot), width: f.width, words: f.words, signed: f.signed, arr: 'F' };
    }
    if (type === 'stack_field') {
      const [sn, fn] = value as [string, string];
      const s = this.layout.stack(sn, `${path}.value[0]`);
      return this.stackField(s, `(N[${s.index}] > 0 ? N[${s.index}] - 1 : 0)`, fn, `${path}.value[1]`);
    }
    if (type === 'expression') {
      const e = value as { op: string; left: unknown; right: unknown };
      if (e.op === 'access_field') return this.accessField(e, `${path}.value`);
    }
    fail(path, `cannot assign to a value of type "${type}"`);
  }

  private accessField(e: { left: unknown; right: unknown }, path: string): FieldTarget {
    const h = this.value(e.left, `${path}.left`);
    if (h.kind !== 'header') fail(`${path}.left`, 'access_field needs a header');
    const index = typeof e.right === 'number' ? e.right : Number((e.right as { value?: unknown })?.value);
    if (h.header) {
      const f = h.header.fields[index];
      if (!f) fail(`${path}.right`, `header "${h.header.name}" has no field ${index}`);
      return { slot: String(f.slot), width: f.width, words: f.words, signed: f.signed, arr: 'F' };
    }
    if (h.stack && h.elem) {
      const first = this.layout.headers[h.stack.headers[0]!]!;
      const f = first.fields[index];
      if (!f) fail(`${path}.right`, `header stack "${h.stack.name}" has no field ${index}`);
      return { slot: `SB${h.stack.index}[${h.elem}] + ${f.offset}`, width: f.width, words: f.words, signed: f.signed, arr: 'F' };
    }
    fail(`${path}.left`, 'access_field on a header union is not supported');
  }

  expression(e: unknown, path: string): Code {
    if (typeof e !== 'object' || e === null) fail(path, 'expected an expression object');
    const { op, left, right, cond } = e as { op: string; left: unknown; right: unknown; cond?: unknown };
    // a primitive parameter may wrap a value once more
    if (op === undefined && (e as { type?: string }).type) return this.value(e, path);
    const L = () => this.value(left, `${path}.left`);
    const R = () => this.value(right, `${path}.right`);
    switch (op) {
      case '+': case '-': case '*': case '<<': case '>>': case '&': case '|': case '^':
        return this.arith(op, L(), R());
      case '==': case '!=': case '<': case '<=': case '>': case '>=':
        return this.compare(op, L(), R());
      case '~': {
        const a = R();
        if (a.kind === 'big') return { kind: 'big', js: `(~${a.js})` };
        const n = this.num(a, `${path}.right`);
        if (n.bits <= 32) return { kind: 'num', js: `(~${n.js})`, bits: 32, neg: true };
        return { kind: 'num', js: `(-${n.js} - 1)`, bits: n.bits, neg: true };
      }
      case 'not':
        return { kind: 'bool', js: `(!${this.bool(R(), `${path}.right`)})` };
      case 'and':
        return { kind: 'bool', js: `(${this.bool(L(), `${path}.left`)} && ${this.bool(R(), `${path}.right`)})` };
      case 'or':
        return { kind: 'bool', js: `(${this.bool(L(), `${path}.left`)} || ${this.bool(R(), `${path}.right`)})` };
      case 'd2b':
        return { kind: 'bool', js: this.bool(R(), `${path}.right`) };
      case 'b2d':
        return { kind: 'num', js: `(${this.bool(R(), `${path}.right`)} ? 1 : 0)`, bits: 1, neg: false };
      case 'valid':
      case 'valid_union': {
        const h = R();
        if (h.kind !== 'header') fail(`${path}.right`, `${op} needs a header`);
        if (!h.header && !h.stack) {
          const members = this.layout.unions.get(JSON.parse(h.js) as string)!;
          return { kind: 'bool', js: `(${members.map((m) => `V[${m}] === 1`).join(' || ') || 'false'})` };
        }
        return { kind: 'bool', js: `(V[${h.js}] === 1)` };
      }
      case '?': {
        const c = this.bool(this.value(cond, `${path}.cond`), `${path}.cond`);
        const a = L();
        const b = R();
        if (a.kind === 'bool' && b.kind === 'bool') return { kind: 'bool', js: `(${c} ? ${a.js} : ${b.js})` };
        if (a.kind === 'big' || b.kind === 'big') return { kind: 'big', js: `(${c} ? ${this.big(a)} : ${this.big(b)})` };
        const x = this.num(a, `${path}.left`);
        const y = this.num(b, `${path}.right`);
        return { kind: 'num', js: `(${c} ? ${x.js} : ${y.js})`, bits: Math.max(x.bits, y.bits), neg: x.neg || y.neg };
      }
      case 'two_comp_mod': case 'sat_cast': case 'usat_cast': {
        const w = Number(this.constantOf(R(), `${path}.right`));
        const a = L();
        const fn = op === 'two_comp_mod' ? 'twoCompMod' : op === 'sat_cast' ? 'satCast' : 'usatCast';
        if (a.kind === 'big' || w > 52) fail(path, `${op} wider than 52 bits is not supported`);
        return { kind: 'num', js: `${fn}(${this.num(a, `${path}.left`).js}, ${w})`, bits: w, neg: op !== 'usat_cast' };
      }
      case 'dereference_header_stack': {
        const sv = left as { type: string; value: string };
        const s = this.layout.stack(sv?.value, `${path}.left.value`);
        const idx = this.num(R(), `${path}.right`).js;
        return { kind: 'header', js: `SH${s.index}[${idx}]`, stack: s, elem: idx };
      }
      case 'last_stack_index': {
        const s = this.layout.stack((right as { value: string })?.value, `${path}.right.value`);
        return { kind: 'num', js: `(N[${s.index}] - 1)`, bits: 32, neg: true };
      }
      case 'size_stack': {
        const s = this.layout.stack((right as { value: string })?.value, `${path}.right.value`);
        return { kind: 'num', js: `N[${s.index}]`, bits: 32, neg: false };
      }
      case 'access_field':
        return this.readField(this.accessField({ left, right }, path));
      default:
        fail(`${path}.op`, `unknown operator "${String(op)}"`);
    }
  }

  constantOf(c: Code, path: string): bigint {
    if ((c.kind === 'num' || c.kind === 'big') && c.constant !== undefined) return c.constant;
    fail(path, 'expected a constant');
  }

  private arith(op: string, a: Code, b: Code): Code {
    if (a.kind === 'num' && b.kind === 'num') {
      const r = this.numArith(op, a, b);
      if (r) return r;
    }
    const A = this.big(a);
    const B = this.big(b);
    if (op === '<<') return { kind: 'big', js: `shlBig(${A}, ${B})` };
    return { kind: 'big', js: `(${A} ${op} ${B})` };
  }

  private numArith(op: string, a: Extract<Code, { kind: 'num' }>, b: Extract<Code, { kind: 'num' }>): Code | undefined {
    const neg = a.neg || b.neg;
    const max = Math.max(a.bits, b.bits);
    switch (op) {
      case '+':
        return max + 1 <= 53 ? { kind: 'num', js: `(${a.js} + ${b.js})`, bits: max + 1, neg } : undefined;
      case '-':
        return max + 1 <= 53 ? { kind: 'num', js: `(${a.js} - ${b.js})`, bits: max + 1, neg: true } : undefined;
      case '*':
        return a.bits + b.bits <= 53 ? { kind: 'num', js: `(${a.js} * ${b.js})`, bits: a.bits + b.bits, neg } : undefined;
      case '<<': {
        if (b.constant === undefined) return undefined;
        const c = Number(b.constant);
        return a.bits + c <= 53 ? { kind: 'num', js: `(${a.js} * ${2 ** c})`, bits: a.bits + c, neg: a.neg } : undefined;
      }
      case '>>':
        if (b.constant !== undefined) {
          const c = Number(b.constant);
          if (c >= 53) return { kind: 'num', js: a.neg ? `(${a.js} < 0 ? -1 : 0)` : '0', bits: 0, neg: a.neg };
          if (a.bits <= 32 && !a.neg) return { kind: 'num', js: `(${a.js} >>> ${c})`, bits: Math.max(a.bits - c, 0), neg: false };
          return { kind: 'num', js: `Math.floor(${a.js} / ${2 ** c})`, bits: Math.max(a.bits - c, 0), neg: a.neg };
        }
        return { kind: 'num', js: `Math.floor(${a.js} / 2 ** ${b.js})`, bits: a.bits, neg: a.neg };
      case '&': {
        // with a non-negative operand of ≤ 32 bits, JS's ToInt32 reduction keeps exactly the bits that matter
        const aSmall = !a.neg && a.bits <= 32;
        const bSmall = !b.neg && b.bits <= 32;
        if (aSmall || bSmall) {
          const bits = aSmall && bSmall ? Math.min(a.bits, b.bits) : aSmall ? a.bits : b.bits;
          return { kind: 'num', js: `((${a.js} & ${b.js}) >>> 0)`, bits, neg: false };
        }
        const both = a.neg && b.neg;
        const bits = both ? max : a.neg ? b.bits : b.neg ? a.bits : Math.min(a.bits, b.bits);
        if (max <= 32) return { kind: 'num', js: `(${a.js} & ${b.js})`, bits, neg: both };
        return { kind: 'num', js: `and53(${a.js}, ${b.js})`, bits, neg: both };
      }
      case '|':
      case '^': {
        const fn = op === '|' ? 'or53' : 'xor53';
        if (max <= 32) return { kind: 'num', js: neg ? `(${a.js} ${op} ${b.js})` : `((${a.js} ${op} ${b.js}) >>> 0)`, bits: max, neg };
        return { kind: 'num', js: `${fn}(${a.js}, ${b.js})`, bits: max, neg };
      }
    }
    return undefined;
  }

  private compare(op: string, a: Code, b: Code): Code {
    const jsOp = op === '==' ? '===' : op === '!=' ? '!==' : op;
    if (a.kind === 'bool' && b.kind === 'bool') return { kind: 'bool', js: `(${a.js} ${jsOp} ${b.js})` };
    if (a.kind === 'big' || b.kind === 'big') {
      if ((op === '==' || op === '!=') && a.kind === 'big' && b.kind === 'big' && a.wide && b.wide && a.wide.words === b.wide.words) {
        const eq = `wideEq(${a.wide.arr}, ${a.wide.slot}, ${b.wide.arr}, ${b.wide.slot}, ${a.wide.words})`;
        return { kind: 'bool', js: op === '==' ? eq : `(!${eq})` };
      }
      return { kind: 'bool', js: `(${this.big(a)} ${jsOp} ${this.big(b)})` };
    }
    return { kind: 'bool', js: `(${this.num(a, '').js} ${jsOp} ${this.num(b, '').js})` };
  }

  bool(c: Code, path: string): string {
    if (c.kind === 'bool') return c.js;
    if (c.kind === 'num') return `(${c.js} !== 0)`;
    if (c.kind === 'big') return `(${c.js} !== 0n)`;
    fail(path, 'expected a boolean, found a header');
  }

  num(c: Code, path: string): Extract<Code, { kind: 'num' }> {
    if (c.kind === 'num') return c;
    if (c.kind === 'bool') return { kind: 'num', js: `(${c.js} ? 1 : 0)`, bits: 1, neg: false };
    fail(path, c.kind === 'big' ? 'a value wider than 53 bits cannot be used here' : 'expected a number, found a header');
  }

  big(c: Code): string {
    if (c.kind === 'big') return c.js;
    if (c.kind === 'bool') return `(${c.js} ? 1n : 0n)`;
    if (c.kind === 'num') return c.constant !== undefined ? `${c.constant}n` : `BigInt(${c.js})`;
    return `BigInt(${c.js})`;
  }

  /** JS statement storing `c` into `t`, truncated to its width as BMv2 does at assignment. */
  assign(t: FieldTarget, c: Code): string {
    if (t.words > 1) {
      if (c.kind === 'big' && c.wide && c.wide.words === t.words) {
        const parts: string[] = [];
        for (let i = 0; i < t.words; i++) parts.push(`F[${t.slot} + ${i}] = ${c.wide.arr}[${c.wide.slot} + ${i}];`);
        return parts.join(' ');
      }
      if (c.kind === 'num' || c.kind === 'bool') return `numToWide(F, ${t.slot}, ${t.words}, ${t.width}, ${this.num(c, '').js});`;
      return `bigToWide(F, ${t.slot}, ${t.words}, ${t.width}, ${this.big(c)});`;
    }
    return `F[${t.slot}] = ${this.truncated(t.width, c)};`;
  }

  truncated(width: number, c: Code): string {
    if (c.kind === 'big') return `Number(BigInt.asUintN(${width}, ${c.js}))`;
    const n = this.num(c, '');
    if (n.constant !== undefined) return String(BigInt.asUintN(width, n.constant));
    if (!n.neg && n.bits <= width) return n.js;
    if (width < 32) return `(${n.js} & ${2 ** width - 1})`;
    if (width === 32) return `(${n.js} >>> 0)`;
    return `trunc(${n.js}, ${2 ** width})`;
  }
}
