// The compiler's entry points: P4-16 source → BMv2 JSON + P4Info, or
// positioned diagnostics. Never throws for bad input.
import { readFileSync } from 'node:fs';
import { P4labError } from '../errors.js';
import type { Bmv2Json } from '../bmv2/json-format.js';
import type { P4Info } from '../p4info/types.js';
import { buildP4Info } from '../p4info/build.js';
import { checkProgram } from './check/decls.js';
import { type Diagnostic, formatDiagnostics } from './diagnostics.js';
import { lowerProgram } from './lower/index.js';
import { parseP4 } from './parser.js';

export interface CompileOptions {
  file?: string; // the name diagnostics and `program` use; default "<input>.p4"
  includeDirs?: string[];
  defines?: Record<string, string>;
  /** Reads included files (undefined when absent); defaults to the file system. */
  readFile?: (path: string) => string | undefined;
}

export type CompileResult =
  | { ok: true; bmv2: Bmv2Json; p4info: P4Info; diagnostics: Diagnostic[]; formatted: string }
  | { ok: false; diagnostics: Diagnostic[]; formatted: string };

export function compileP4(source: string, options: CompileOptions = {}): CompileResult {
  const file = options.file ?? '<input>.p4';
  const { program, diagnostics, sources } = parseP4({ file, text: source }, { includeDirs: options.includeDirs, defines: options.defines, readFile: options.readFile });
  const done = (extra?: { bmv2: Bmv2Json; p4info: P4Info }): CompileResult => {
    // Lowering works back to front; report in source order.
    const fileOrder = (f: string) => {
      const i = program.files.indexOf(f);
      return i < 0 ? program.files.length : i;
    };
    const list = [...diagnostics.list].sort((a, b) => fileOrder(a.span.file) - fileOrder(b.span.file) || a.span.start - b.span.start);
    let formatted = formatDiagnostics(list, sources);
    if (diagnostics.droppedCount) formatted += `\n(${diagnostics.droppedCount} more diagnostics not shown)`;
    if (!extra || diagnostics.hasErrors) return { ok: false, diagnostics: list, formatted };
    return { ok: true, ...extra, diagnostics: list, formatted };
  };
  if (diagnostics.hasErrors) return done();
  try {
    const checked = checkProgram(program, diagnostics);
    if (diagnostics.hasErrors) return done();
    const lowered = lowerProgram(checked, diagnostics, file);
    if (!lowered || diagnostics.hasErrors) return done();
    return done({ bmv2: lowered.bmv2, p4info: buildP4Info(lowered.model) });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const at = program.decls[0]?.span ?? { file, line: 1, col: 1, start: 0, end: 0 };
    diagnostics.error(at, `internal error in p4lab's compiler (please report it with this program): ${reason}`);
    return done();
  }
}

export function compileP4File(path: string, options: Omit<CompileOptions, 'file'> = {}): CompileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new P4labError(`cannot read ${path}${code ? ` (${code})` : ''}`, 'check the path of the P4 program');
  }
  return compileP4(text, { ...options, file: path });
}

/** The BMv2 JSON as p4c writes it: two-space indentation, newline at the end. */
export function bmv2JsonText(json: Bmv2Json): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}

export { p4infoToBinary, p4infoToText, p4infoFromBinary } from '../p4info/format.js';
export type { Diagnostic } from './diagnostics.js';
