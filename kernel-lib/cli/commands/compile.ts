// `p4lab compile`: P4-16 → BMv2 JSON + P4Info (text and binary), with p4lab's
// own compiler or, on request, the real p4c when it is installed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, delimiter, extname, join } from 'node:path';
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';

interface CompileOpts {
  outputDir: string;
  include?: string[];
  define?: string[];
  use: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .summary('compile a P4-16 program to BMv2 JSON and P4Info')
    .description(
      'Compile a P4-16 program for the v1model architecture. Writes <name>.json (BMv2 JSON, loadable by `p4lab switch` and simple_switch), ' +
        '<name>.p4info.txt (P4Info, protobuf text format) and <name>.p4info.binpb (binary P4Info). Errors and warnings go to stderr as ' +
        'file:line:col with the source line; the exit code is 1 when the program has errors.',
    )
    .argument('<program>', 'the P4-16 source file (.p4)')
    .option('-o, --output-dir <dir>', 'directory for the outputs', '.')
    .option('-I, --include <dir>', 'also search this directory for #include (repeatable)', collect)
    .option('-D, --define <name[=value]>', 'define a preprocessor macro (repeatable)', collect)
    .option('--use <compiler>', 'p4lab (built in) or p4c (the real toolchain, when it is on PATH)', 'p4lab')
    // The compiler is loaded only when it runs: every other command starts without it.
    .action(async (file: string, opts: CompileOpts) => {
      const { bmv2JsonText, compileP4File, p4infoToBinary, p4infoToText } = await import('../../compiler/index.js');
      const base = basename(file, extname(file));
      mkdirSync(opts.outputDir, { recursive: true });
      const out = (suffix: string) => join(opts.outputDir, `${base}${suffix}`);
      if (opts.use === 'p4c') return runP4c(file, opts, out);
      if (opts.use !== 'p4lab') throw new P4labError(`unknown compiler '${opts.use}'`, 'use --use p4lab or --use p4c');
      const result = compileP4File(file, { includeDirs: opts.include ?? [], defines: parseDefines(opts.define ?? []) });
      if (result.formatted) process.stderr.write(`${result.formatted}\n`);
      if (!result.ok) {
        const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
        process.stderr.write(`p4lab: ${file}: ${errors} error${errors === 1 ? '' : 's'}, nothing written\n`);
        process.exitCode = 1;
        return;
      }
      writeFileSync(out('.json'), bmv2JsonText(result.bmv2));
      writeFileSync(out('.p4info.txt'), p4infoToText(result.p4info));
      writeFileSync(out('.p4info.binpb'), p4infoToBinary(result.p4info));
      process.stderr.write(`wrote ${out('.json')}, ${out('.p4info.txt')}, ${out('.p4info.binpb')}\n`);
    });
}

function parseDefines(list: string[]): Record<string, string> {
  const defines: Record<string, string> = {};
  for (const d of list) {
    const eq = d.indexOf('=');
    const name = eq < 0 ? d : d.slice(0, eq);
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new P4labError(`-D ${d}: '${name}' is not a macro name`, 'write -D NAME or -D NAME=VALUE');
    defines[name] = eq < 0 ? '1' : d.slice(eq + 1);
  }
  return defines;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function runP4c(file: string, opts: CompileOpts, out: (suffix: string) => string): void {
  const p4c = onPath('p4c');
  if (!p4c) throw new P4labError('p4c is not on PATH', 'install p4c (p4lang/p4c) or use the built-in compiler: --use p4lab');
  // p4c picks the P4Info format from the extension: .txt is text, .bin binary.
  const args = [
    '--target', 'bmv2', '--arch', 'v1model', '-o', opts.outputDir,
    '--p4runtime-files', `${out('.p4info.txt')},${out('.p4info.bin')}`,
    ...(opts.include ?? []).flatMap((d) => ['-I', d]),
    ...(opts.define ?? []).flatMap((d) => ['-D', d]),
    file,
  ];
  const r = spawnSync(p4c, args, { stdio: 'inherit' });
  if (r.error) throw new P4labError(`could not run ${p4c}: ${r.error.message}`, 'check the p4c installation');
  if (r.status !== 0) {
    process.exitCode = 1;
    return;
  }
  renameSync(out('.p4info.bin'), out('.p4info.binpb'));
}
