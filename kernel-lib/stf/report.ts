// An STF result as text: one line per failed expectation with the expected
// and received hex aligned and a caret under the first differing byte.
import type { StfPacket, StfResult } from './run.js';

const spaced = (hex: string) => hex.replace(/(..)/g, '$1 ').trim();

export function formatStfResult(r: StfResult): string {
  const lines: string[] = [];
  for (const e of r.expectations) {
    if (e.ok) continue;
    lines.push(`${e.file}:${e.line}: port ${e.port}, packet ${e.index}: ${e.problem}`);
    lines.push(`  expected ${e.expected === undefined ? '(any packet)' : spaced(e.expected)}${e.exact ? ' $' : ''}`);
    if (e.got) lines.push(`  got      ${spaced(Buffer.from(e.got).toString('hex').toUpperCase())}`);
    if (e.got && e.firstDifferingByte !== undefined) lines.push(`  ${' '.repeat(9 + 3 * e.firstDifferingByte)}^`);
  }
  const pkt = (p: StfPacket) => `port ${p.port}, packet ${p.index}: ${spaced(Buffer.from(p.data).toString('hex').toUpperCase())}`;
  for (const p of r.unexpected) lines.push(`unexpected ${pkt(p)}`);
  for (const f of r.faults) lines.push(`fault: ${f}`);
  const passed = r.expectations.filter((e) => e.ok).length;
  lines.push(`${r.ok ? 'PASS' : 'FAIL'}: ${passed}/${r.expectations.length} expectations met${r.unexpected.length ? `, ${r.unexpected.length} unexpected packets` : ''}${r.unchecked.length ? ` (${r.unchecked.length} packets on ports the test does not mention, not checked)` : ''}`);
  return lines.join('\n');
}
