// The preprocessor: includes (quoted, system, include dirs, once only),
// object-like macros, conditionals, #error; positions stay in the original
// files; unsupported features are reported, not ignored.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Diagnostics, SourceFiles, formatDiagnostics } from '../../kernel-lib/compiler/diagnostics.js';
import { BUILTIN_INCLUDE_DIR, preprocess, type PreprocessOptions } from '../../kernel-lib/compiler/preprocessor.js';

function run(text: string, files: Record<string, string> = {}, options: PreprocessOptions = {}) {
  const diags = new Diagnostics();
  const sources = new SourceFiles();
  const result = preprocess({ file: 'main.p4', text }, { readFile: (p) => files[p], ...options }, diags, sources);
  const toks = result.tokens.slice(0, -1);
  return {
    text: toks.map((t) => t.text).join(' '),
    tokens: toks,
    files: result.files,
    errors: formatDiagnostics(diags.list, sources),
    diags,
  };
}

describe('preprocessor', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('passes plain text through with original positions', () => {
    const r = run('const bit<8> X = 1;\n  const bit<8> Y = 2;');
    expect(r.text).toBe('const bit < 8 > X = 1 ; const bit < 8 > Y = 2 ;');
    expect(r.tokens[9]!.span).toMatchObject({ file: 'main.p4', line: 2, col: 3, start: 22 });
  });

  it('object-like macros expand (also nested and from options); #undef removes them', () => {
    const r = run('#define A B + 1\n#define B 2\nx = A;\n#undef A\ny = A; z = C;', {}, { defines: { C: '7' } });
    expect(r.errors).toBe('');
    expect(r.text).toBe('x = 2 + 1 ; y = A ; z = 7 ;');
    // Every token of an expansion sits at the macro's use.
    expect(r.tokens.slice(2, 5).map((t) => `${t.span.line}:${t.span.col}`)).toEqual(['3:5', '3:5', '3:5']);
  });

  it('a self-referencing macro expands once', () => {
    expect(run('#define X X + 1\nX').text).toBe('X + 1');
  });

  it('conditionals: #ifdef, #ifndef, #if with defined/!/&&/||/comparisons, #elif, #else, nesting', () => {
    const r = run(`#define ONE 1
#ifdef ONE
a
#else
b
#endif
#ifndef ONE
c
#elif defined(ONE) && !defined(TWO) && ONE == 1 && (2 > 1 || 0)
d
#else
e
#endif
#if 0
#if 1
f
#endif
#elif ONE + 1 >= 2
g
#endif
#if UNDEFINED_NAME
h
#endif`);
    expect(r.errors).toBe('');
    expect(r.text).toBe('a d g');
  });

  it('include guards and once-only includes read each file once', () => {
    const lib = '#ifndef LIB\n#define LIB\nconst bit<8> L = 1;\n#endif\n';
    const r = run('#include "lib.p4"\n#include "./lib.p4"\n#include "other.p4"\n', { 'lib.p4': lib, 'other.p4': '#include "lib.p4"\nconst bit<8> O = 2;\n' });
    expect(r.errors).toBe('');
    expect(r.text).toBe('const bit < 8 > L = 1 ; const bit < 8 > O = 2 ;');
    expect(r.files).toEqual(['main.p4', 'lib.p4', 'other.p4']);
  });

  it('quoted includes resolve next to the including file, then in include dirs; <...> in include dirs, then built-ins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'p4lab-pp-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'sub'));
    mkdirSync(join(dir, 'incs'));
    writeFileSync(join(dir, 'sub', 'a.p4'), '#include "b.p4"\n#include "c.p4"\n');
    writeFileSync(join(dir, 'sub', 'b.p4'), 'from_b\n');
    writeFileSync(join(dir, 'incs', 'c.p4'), 'from_c\n');
    writeFileSync(join(dir, 'incs', 'sys.p4'), 'from_sys\n');
    const diags = new Diagnostics();
    const sources = new SourceFiles();
    const result = preprocess(
      { file: join(dir, 'main.p4'), text: '#include "sub/a.p4"\n#include <sys.p4>\n#include <core.p4>\n' },
      { includeDirs: [join(dir, 'incs')] },
      diags,
      sources,
    );
    expect(formatDiagnostics(diags.list, sources)).toBe('');
    expect(result.tokens.slice(0, 3).map((t) => t.text)).toEqual(['from_b', 'from_c', 'from_sys']);
    expect(result.files).toEqual([
      join(dir, 'main.p4'), join(dir, 'sub/a.p4'), join(dir, 'sub/b.p4'), join(dir, 'incs/c.p4'), join(dir, 'incs/sys.p4'),
      join(BUILTIN_INCLUDE_DIR, 'core.p4'),
    ]);
    expect(sources.get(join(dir, 'sub/b.p4'))).toBe('from_b\n');
  });

  it('lexical errors in skipped branches are not reported', () => {
    expect(run("#if 0\nit's 0x\n#endif\nok").errors).toBe('');
  });

  it('reports problems at the directive, with a fix', () => {
    const cases: Array<[string, string]> = [
      ['#include "gone.p4"', "main.p4:1:1: error: cannot find include file 'gone.p4': looked next to main.p4 or in the include directories\n#include \"gone.p4\"\n^~~~~~~~"],
      ['#include <gone.p4>', "main.p4:1:1: error: cannot find include file 'gone.p4': looked in the include directories\n#include <gone.p4>\n^~~~~~~~"],
      ['#include gone', 'main.p4:1:1: error: expected a file name after #include: write #include "file.p4" or #include <core.p4>\n#include gone\n^~~~~~~~'],
      ['#define F(x) #x', "main.p4:1:14: error: not supported by p4lab yet: '#' and '##' in macro bodies\n#define F(x) #x\n             ^"],
      ['#define F(x y) x', "main.p4:1:9: error: #define F(…): the parameters must be names separated by commas, then ')'\n#define F(x y) x\n        ^~~~~~"],
      ['#define F(x) x\nF(1, 2)', "main.p4:2:1: error: macro 'F' takes 1 argument, got 2\nF(1, 2)\n^"],
      ['#define F(x) x\nF((1)', "main.p4:2:1: error: the arguments of macro 'F' have no closing ')'\nF((1)\n^"],
      ['#if 1\nx', 'main.p4:1:1: error: unterminated #if: add a matching #endif\n#if 1\n^~~'],
      ['#endif', 'main.p4:1:1: error: #endif without #if\n#endif\n^~~~~~'],
      ['#if 1\n#else\n#else\n#endif', 'main.p4:3:1: error: #else after #else\n#else\n^~~~~'],
      ['#error stop here', 'main.p4:1:1: error: stop here\n#error stop here\n^~~~~~'],
      ['#if (1\n#endif', "main.p4:1:6: error: expected ')' in #if expression\n#if (1\n     ^"],
      ['#if 1 / 0\n#endif', 'main.p4:1:9: error: division by zero in #if expression\n#if 1 / 0\n        ^'],
      ['#frobnicate', "main.p4:1:1: error: unknown preprocessor directive '#frobnicate'\n#frobnicate\n^~~~~~~~~~~"],
      ['#line 5', 'main.p4:1:1: error: not supported by p4lab yet: #line\n#line 5\n^~~~~'],
    ];
    for (const [text, expected] of cases) expect(run(text).errors, text).toBe(expected);
  });

  it('expands function-like macros: arguments first, over several lines, nested, at the position of the use', () => {
    const r = run('#define N 4\n#define SQ(x) ((x) * (x))\n#define MAX(a, b) (a > b ? a : b)\n#define NONE() 7\nMAX(SQ(N),\n  f(1, 2)) NONE() SQ SQ (N)');
    expect(r.errors).toBe('');
    expect(r.tokens.map((t) => t.text).join(' ')).toBe('( ( ( 4 ) * ( 4 ) ) > f ( 1 , 2 ) ? ( ( 4 ) * ( 4 ) ) : f ( 1 , 2 ) ) 7 SQ ( ( 4 ) * ( 4 ) )');
    expect(new Set(r.tokens.slice(0, 26).map((t) => t.span.start)).size).toBe(1);
  });

  it('#warning and macro redefinition are warnings; #pragma once is accepted', () => {
    const r = run('#pragma once\n#warning careful\n#define A 1\n#define A 2\n#define A 2\nA');
    expect(r.diags.hasErrors).toBe(false);
    expect(r.diags.list.map((d) => `${d.severity} ${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      'warning 2:1 careful',
      "warning 4:9 macro 'A' redefined",
    ]);
    expect(r.text).toBe('2');
  });
});
