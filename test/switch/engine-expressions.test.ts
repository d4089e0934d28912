// Expression semantics against BigInt arithmetic: infinite precision, then
// truncation at assignment; 32-bit, 48-bit and 64-bit operands; signed fields;
// casts; the conditional operator; jumps inside an action.
import { describe, expect, it } from 'vitest';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, mac } from './engine-packets.js';

const IN: Array<[string, number]> = [['a', 32], ['b', 32], ['c', 16], ['s', 8], ['m', 48], ['n', 48], ['x', 64], ['y', 64], ['sh', 8]];
const OUT: Array<[string, number]> = [['r_add', 32], ['r_sub', 16], ['r_mul', 32], ['r_shl', 32], ['r_shr', 32], ['r_not', 16], ['r_neg', 8],
  ['r_m_and', 48], ['r_m_or', 48], ['r_m_xor', 48], ['r_m_add', 48], ['r_m_shr', 48], ['r_m_not', 48],
  ['r_x_add', 64], ['r_x_eq', 8], ['r_x_xor', 64], ['r_tcm', 8], ['r_sat', 8], ['r_usat', 8], ['r_lt', 8], ['r_cond', 16], ['r_jmp', 8], ['r_mask', 16]];

type Values = Record<string, bigint>;

function pack(v: Values): Uint8Array {
  let acc = 0n;
  let bits = 0;
  for (const [name, w] of [...IN, ...OUT]) {
    acc = (acc << BigInt(w)) | (v[name] ?? 0n);
    bits += w;
  }
  const bytes = Buffer.from(acc.toString(16).padStart(bits / 4, '0'), 'hex');
  return Uint8Array.from([...mac('00:00:00:00:00:01'), ...mac('00:00:00:00:00:02'), 0x88, 0xb6, ...bytes]);
}

function unpack(data: Uint8Array): Values {
  const fields = [...IN, ...OUT];
  let acc = BigInt('0x' + Buffer.from(data.subarray(14)).toString('hex'));
  const out: Values = {};
  for (let i = fields.length - 1; i >= 0; i--) {
    const [name, w] = fields[i]!;
    out[name] = acc & ((1n << BigInt(w)) - 1n);
    acc >>= BigInt(w);
  }
  return out;
}

const u = (v: bigint, w: number) => BigInt.asUintN(w, v);
const sgn = (v: bigint, w: number) => BigInt.asIntN(w, v);
const clamp = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);

function expected(i: Values): Values {
  const s = sgn(i.s!, 8);
  return {
    r_add: u(i.a! + i.b!, 32),
    r_sub: u(i.c! - i.a!, 16),
    r_mul: u(i.a! * i.b!, 32),
    r_shl: u(i.a! << i.sh!, 32),
    r_shr: i.a! >> i.sh!,
    r_not: u(~i.c!, 16),
    r_neg: u(-s, 8),
    r_m_and: i.m! & i.n!,
    r_m_or: i.m! | i.n!,
    r_m_xor: i.m! ^ i.n!,
    r_m_add: u(i.m! + i.n!, 48),
    r_m_shr: i.m! >> 4n,
    r_m_not: u(~i.m!, 48),
    r_x_add: u(i.x! + i.y!, 64),
    r_x_eq: i.x === i.y ? 1n : 0n,
    r_x_xor: i.x! ^ i.y!,
    r_tcm: u(sgn(i.a!, 8), 8),
    r_sat: u(clamp(s + 100n, -128n, 127n), 8),
    r_usat: clamp(i.c!, 0n, 255n),
    r_lt: s < 0n ? 1n : 2n,
    r_cond: i.a! > i.b! ? i.c! : 7n,
    r_jmp: i.a! > i.b! ? 1n : 2n,
    r_mask: 0xf00fn | (i.c! & 0x0ff0n),
  };
}

const CASES: Values[] = [
  { a: 0xffffffffn, b: 1n, c: 0x8000n, s: 0x80n, m: 0xffffffffffffn, n: 1n, x: 0xffffffffffffffffn, y: 2n, sh: 31n },
  { a: 0x12345678n, b: 0x9abcdef0n, c: 5n, s: 0x7fn, m: 0x0123456789abn, n: 0xfedcba987654n, x: 0x1n << 63n, y: 0x1n << 63n, sh: 0n },
  { a: 3n, b: 0xfffffffen, c: 300n, s: 0xf6n, m: 0x800000000000n, n: 0x800000000000n, x: 0xdeadbeefcafef00dn, y: 0x0123456789abcdefn, sh: 40n },
  { a: 0n, b: 0n, c: 0n, s: 0n, m: 0n, n: 0n, x: 0n, y: 0n, sh: 7n },
];

describe('engine: expressions (expressions fixture)', () => {
  it('computes like infinite-precision BigInt arithmetic truncated at assignment', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('expressions'));
    const out = capture(dp);
    for (const input of CASES) dp.receive(1, pack(input));
    expect(out).toHaveLength(CASES.length);
    out.forEach((o, k) => {
      const got = unpack(o.data);
      const want = expected(CASES[k]!);
      for (const [name] of OUT) expect({ case: k, name, value: got[name] }).toEqual({ case: k, name, value: want[name] });
    });
  });
});
