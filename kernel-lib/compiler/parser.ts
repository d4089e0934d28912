// Front-end entry point: P4-16 source → preprocessed tokens → Program.
// Never throws: syntax errors and even internal failures become diagnostics.

import type { Program } from './ast.js';
import { Diagnostics, SourceFiles } from './diagnostics.js';
import { preprocess, type PreprocessOptions } from './preprocessor.js';
import { DeclarationParser } from './parser-declarations.js';
import { TypeNames } from './parser-base.js';

export type ParseOptions = PreprocessOptions;

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostics;
  sources: SourceFiles;
}

export function parseP4(input: { file: string; text: string }, options: ParseOptions = {}): ParseResult {
  const diagnostics = new Diagnostics();
  const sources = new SourceFiles();
  sources.set(input.file, input.text);
  const program: Program = { files: [input.file], decls: [] };
  let parser: DeclarationParser | undefined;
  try {
    const { tokens, files } = preprocess(input, options, diagnostics, sources);
    program.files = files;
    parser = new DeclarationParser(tokens, diagnostics, sources, new TypeNames());
    program.decls = parser.parseProgram();
  } catch (e) {
    const where = parser?.currentSpan() ?? { file: input.file, line: 1, col: 1, start: 0, end: 0 };
    const reason = e instanceof Error ? e.message : String(e);
    diagnostics.error(where, `internal error in p4lab's parser (please report it with this program): ${reason}`);
  }
  diagnostics.sortBy(program.files);
  return { program, diagnostics, sources };
}
