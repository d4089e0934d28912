// Times the whole compiler (front end, checker, lowering, P4Info with text
// and binary encoding) on every program in p4/: one warm-up run, then the
// median and worst of N warm runs. Target: under 300 ms warm for each program.
// Run after the build: node dist/bench/compile.js [N]
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { bmv2JsonText, compileP4, p4infoToBinary, p4infoToText } from '../kernel-lib/compiler/index.js';

const RUNS = Number(process.argv[2] ?? 20);
const p4Dir = fileURLToPath(new URL('../../p4/', import.meta.url));

function timeOnce(file: string, text: string): number {
  const t0 = process.hrtime.bigint();
  const r = compileP4(text, { file });
  if (!r.ok) throw new Error(`${file} does not compile:\n${r.formatted}`);
  bmv2JsonText(r.bmv2);
  p4infoToText(r.p4info);
  p4infoToBinary(r.p4info);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

console.log(`compile (parse + check + lower + P4Info text/binary), ${RUNS} warm runs after one warm-up`);
console.log('program                      first ms  median ms  max ms');
for (const name of readdirSync(p4Dir).filter((f) => f.endsWith('.p4')).sort()) {
  const file = path.join(p4Dir, name);
  const text = readFileSync(file, 'utf8');
  const first = timeOnce(file, text);
  const warm = Array.from({ length: RUNS }, () => timeOnce(file, text)).sort((a, b) => a - b);
  const median = warm[RUNS >> 1]!;
  const max = warm[RUNS - 1]!;
  console.log(`${name.padEnd(28)} ${first.toFixed(1).padStart(8)}  ${median.toFixed(2).padStart(9)}  ${max.toFixed(2).padStart(6)}${max > 300 ? '  over the 300 ms target' : ''}`);
}
