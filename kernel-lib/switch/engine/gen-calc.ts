// Generates the calculations (BMv2 `calculations`): the inputs packed bit by
// bit into a scratch buffer, then the hash algorithm over it. As in BMv2, the
// fields of a header that is not valid are left out.
import type { Bmv2Calculation } from '../../bmv2/json-format.js';
import type { GenContext } from './gen-context.js';
import { chunkValue, pieces, writeStmt } from './gen-fields.js';
import { HASHES } from './hash.js';
import type { FieldInfo, HeaderInfo } from './layout.js';
import { fail } from './validate.js';

export const SCRATCH_BYTES = 16384;

/** Statements writing `fields` (packed back to back) at bit `at` past byte offset `o` of S. */
function packFields(fields: FieldInfo[], at: number): string[] {
  return pieces(fields.map((f) => ({ width: f.width, words: f.words, offset: f.slot }))).map((pc) => {
    const v = pc.kind === 'word' ? `F[${pc.slot}]` : chunkValue(pc, 'F', '0');
    return `{ const v = ${v}; ${writeStmt('S', 'o', at + pc.bit, pc.width, 'v')} }`;
  });
}

export function genCalculation(ctx: GenContext, calc: Bmv2Calculation, index: number): string {
  const path = `calculations[${index}]`;
  if (!Object.hasOwn(HASHES, calc.algo)) fail(`${path}.algo`, `hash algorithm "${calc.algo}" is not supported by this switch`, `use one of ${Object.keys(HASHES).join(', ')}`);
  const L = ctx.layout;
  const lines: string[] = [];
  let bit = 0; // static bits past the dynamic byte offset `o` (which grows with optional headers)
  let payload = false;
  let varbit: HeaderInfo | undefined; // the header whose varbit field ends the input
  let group: { h: HeaderInfo; fields: FieldInfo[] } | undefined;

  const flush = () => {
    if (!group) return;
    const { h, fields } = group;
    group = undefined;
    const bits = fields.reduce((a, f) => a + f.width, 0);
    if (!h.metadata && bit % 8 === 0 && bits % 8 === 0) {
      lines.push(`if (V[${h.index}] === 1) { ${packFields(fields, bit).join(' ')} o += ${bits / 8}; }`);
    } else {
      // not byte-aligned: packed whether valid or not (p4c's inputs are whole bytes)
      lines.push(...packFields(fields, bit));
      bit += bits;
    }
  };

  calc.input.forEach((inp, i) => {
    const ip = `${path}.input[${i}]`;
    if (payload) fail(ip, 'nothing may follow the payload in a calculation');
    if (varbit) fail(ip, 'a varbit field must be the last input of a calculation here');
    switch (inp.type) {
      case 'field': {
        const [hn, fn] = inp.value as [string, string];
        const h = L.header(hn, `${ip}.value[0]`);
        if (h.varbit && h.varbit.name === fn) {
          flush();
          varbit = h;
          break;
        }
        const f = L.field(inp.value, `${ip}.value`);
        if (group && group.h !== h) flush();
        group ??= { h, fields: [] };
        group.fields.push(f);
        break;
      }
      case 'header': {
        flush();
        const h = L.header(inp.value as string, `${ip}.value`);
        group = { h, fields: h.fields };
        flush();
        if (h.varbit) varbit = h;
        break;
      }
      case 'hexstr': {
        flush();
        const width = inp.bitwidth ?? 0;
        if (!Number.isInteger(width) || width < 1) fail(`${ip}.bitwidth`, 'a constant input needs its bitwidth as a whole number');
        if (width > 53) fail(`${ip}.bitwidth`, 'constants in calculations are limited to 53 bits');
        lines.push(`writeBits(S, o * 8 + ${bit}, ${width}, ${BigInt.asUintN(width, BigInt(inp.value as string))});`);
        bit += width;
        break;
      }
      case 'payload':
        flush();
        if (bit % 8 !== 0) fail(ip, 'the payload must start on a byte boundary');
        payload = true;
        break;
      default:
        fail(`${ip}.type`, `calculation input "${inp.type}" is not supported`);
    }
  });
  flush();
  if (varbit && bit % 8 !== 0) fail(`${path}.input`, 'a varbit field must start on a byte boundary in a calculation');
  // clear the unused low bits of a last, partial byte
  const pad = bit % 8 !== 0 ? `S[o + ${Math.floor(bit / 8)}] &= ${(0xff << (8 - (bit % 8))) & 0xff};` : '';
  const vb = varbit ? `if (V[${varbit.index}] === 1) for (let i = 0, m = F[${varbit.varbit!.lenSlot}] >>> 3; i < m; i++) S[n++] = F[${varbit.varbit!.dataSlot} + i];` : '';
  const room = SCRATCH_BYTES - Math.ceil(bit / 8) - (varbit?.varbit!.maxBytes ?? 0) - L.headers.reduce((a, h) => a + h.bytes, 0);
  const pay = payload ? `const buf = p.buf, end = Math.min(p.len, p.off + ${room}); for (let i = p.off; i < end; i++) S[n++] = buf[i];` : '';
  return `function calc${index}(p) { const F = p.F, V = p.V; let o = 0; ${lines.join(' ')} ${pad} let n = o + ${Math.ceil(bit / 8)}; ${vb} ${pay} return HASH_${calc.algo}(S, n); }`;
}
