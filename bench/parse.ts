// Times the front end (preprocess + lex + parse, includes read from disk) on
// every program in p4/: the first (cold) run, then the median of warm runs.
// Run after the build: node dist/bench/parse.js
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseP4 } from '../kernel-lib/compiler/parser.js';

const WARM_RUNS = 30;
const p4Dir = fileURLToPath(new URL('../../p4/', import.meta.url));

function timeOnce(file: string, text: string): number {
  const t0 = process.hrtime.bigint();
  const { diagnostics } = parseP4({ file, text });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (diagnostics.hasErrors) throw new Error(`${file} does not parse`);
  return ms;
}

console.log('program                      main KiB       cold ms  warm median ms');
for (const name of readdirSync(p4Dir).filter((f) => f.endsWith('.p4')).sort()) {
  const file = path.join(p4Dir, name);
  const text = readFileSync(file, 'utf8');
  const cold = timeOnce(file, text);
  const warm = Array.from({ length: WARM_RUNS }, () => timeOnce(file, text)).sort((a, b) => a - b);
  const kib = (text.length / 1024).toFixed(1);
  console.log(`${name.padEnd(28)} ${kib.padStart(13)}  ${cold.toFixed(2).padStart(7)}  ${warm[WARM_RUNS >> 1]!.toFixed(2).padStart(14)}`);
}
