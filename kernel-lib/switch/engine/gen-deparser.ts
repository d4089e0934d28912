// Generates the deparser (valid headers written in order in front of the
// payload, in place) and the checksum update that runs before it.
import type { Bmv2Deparser } from '../../bmv2/json-format.js';
import { ExprGen } from './expr.js';
import type { GenContext } from './gen-context.js';
import type { HeaderInfo } from './layout.js';

export function genDeparser(ctx: GenContext, dep: Bmv2Deparser, path: string, writers: (typeName: string) => string): string {
  const L = ctx.layout;
  const hs = dep.order.map((name, i) => L.header(name, `${path}.order[${i}]`));
  const bytes = (h: HeaderInfo) => (h.varbit ? `(${h.bytes} + (F[${h.varbit.lenSlot}] >>> 3))` : String(h.bytes));
  const size = hs.map((h) => `(V[${h.index}] === 1 ? ${bytes(h)} : 0)`).join(' + ') || '0';
  const writes = hs.map((h) => `if (V[${h.index}] === 1) { ${writers(h.typeName)}(F, buf, o, ${h.base}); o += ${bytes(h)}; }`);
  // Returns the new length, or -1 when the packet would outgrow its buffer.
  return `function deparse(p) {
  const F = p.F, V = p.V, buf = p.buf;
  const hb = ${size};
  const payload = p.len - p.off;
  if (hb + payload > buf.length) return -1;
  if (p.off !== hb) buf.copyWithin(hb, p.off, p.len);
  let o = 0;
  ${writes.join('\n  ')}
  p.off = hb;
  p.len = hb + payload;
  return p.len;
}`;
}

export function genUpdate(ctx: GenContext): string {
  const eg = new ExprGen(ctx.layout);
  const lines = ctx.json.checksums.map((c, i) => {
    if (!c.update) return '';
    const path = `checksums[${i}]`;
    const calc = ctx.ref('calculation', c.calculation, `${path}.calculation`);
    const t = eg.target({ type: 'field', value: c.target }, `${path}.target`);
    const cond = c.if_cond ? eg.bool(eg.value(c.if_cond, `${path}.if_cond`), `${path}.if_cond`) : 'true';
    return `if (${cond}) ${eg.assign(t, { kind: 'num', js: `calc${calc}(p)`, bits: 53, neg: false })}`;
  });
  return `function updateChecksums(p) { const F = p.F, V = p.V, N = p.N; ${lines.join(' ')} }`;
}
