// Expected vs sent packets, port by port and in order. A pattern matches a
// packet when every given nibble equals the packet's (`*` matches any) and
// the packet is at least as long, or exactly as long when the line ends in `$`.
import type { StfCommand } from './parse.js';

export interface StfPacket {
  port: number;
  index: number; // its position among the packets of its port
  data: Uint8Array;
}

export interface StfExpectationResult {
  file: string;
  line: number;
  port: number;
  index: number; // which packet of the port it is checked against
  expected: string | undefined; // hex nibbles and `*`; undefined: any packet
  exact: boolean;
  got: Uint8Array | undefined; // undefined: the port sent fewer packets
  ok: boolean;
  /** Why not: the first differing byte, a length problem or a missing packet. */
  problem?: string;
  firstDifferingByte?: number;
}

type Expect = Extract<StfCommand, { kind: 'expect' }>;

export function compareExpectations(expects: Expect[], sent: Map<number, StfPacket[]>, ports: Set<number>): { expectations: StfExpectationResult[]; unexpected: StfPacket[] } {
  const expectations: StfExpectationResult[] = [];
  const seen = new Map<number, number>();
  for (const e of expects) {
    const index = seen.get(e.port) ?? 0;
    seen.set(e.port, index + 1);
    const got = sent.get(e.port)?.[index]?.data;
    expectations.push({ file: e.file, line: e.line, port: e.port, index, expected: e.pattern, exact: e.exact, got, ...judge(e, got) });
  }
  const unexpected = [...ports].flatMap((port) => (sent.get(port) ?? []).slice(seen.get(port) ?? 0));
  return { expectations, unexpected };
}

function judge(e: Expect, got: Uint8Array | undefined): { ok: boolean; problem?: string; firstDifferingByte?: number } {
  if (!got) return { ok: false, problem: 'no packet' };
  const pattern = e.pattern;
  if (pattern === undefined) return { ok: true };
  const hex = Buffer.from(got).toString('hex').toUpperCase();
  for (let i = 0; i < pattern.length; i++) {
    if (i >= hex.length) return { ok: false, problem: `packet too short: ${got.length} bytes, expected ${Math.ceil(pattern.length / 2)}`, firstDifferingByte: got.length };
    if (pattern[i] !== '*' && pattern[i] !== hex[i]) return { ok: false, problem: `byte ${i >> 1} differs`, firstDifferingByte: i >> 1 };
  }
  if (e.exact && hex.length > pattern.length) return { ok: false, problem: `packet too long: ${got.length} bytes, expected exactly ${pattern.length / 2}`, firstDifferingByte: pattern.length >> 1 };
  return { ok: true };
}
