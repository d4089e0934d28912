// The bad-program corpus (test/compiler/bad, see its README): every `parse`
// case yields exactly its expected, positioned diagnostics, and nothing throws.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIAGNOSTIC_LIMIT, Diagnostics, SourceFiles, formatDiagnostic, formatDiagnostics } from '../../kernel-lib/compiler/diagnostics.js';
import { parseP4 } from '../../kernel-lib/compiler/parser.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bad');
const readHere = (path: string): string | undefined => {
  try {
    return readFileSync(join(dir, path), 'utf8');
  } catch {
    return undefined;
  }
};

const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.p4'))
  .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }))
  .filter((c) => c.text.startsWith('// stage: parse'));

describe('bad programs (parse stage)', () => {
  it('the corpus has parse-stage cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  for (const { file, text } of cases) {
    it(file, () => {
      const result = parseP4({ file, text }, { readFile: readHere });
      const expected = readFileSync(join(dir, file.replace(/\.p4$/, '.expected')), 'utf8');
      expect(result.diagnostics.hasErrors).toBe(true);
      expect(formatDiagnostics(result.diagnostics.list, result.sources) + '\n').toBe(expected);
    });
  }
});

describe('diagnostic formatting', () => {
  it('keeps tabs in the caret line and marks the span with ~ only while it stays on the line', () => {
    const sources = new SourceFiles();
    sources.set('t.p4', '\tx = 1 +\r\n\t\tfoo(bar);\n');
    const at = (line: number, col: number, start: number, end: number) => ({ file: 't.p4', line, col, start, end });
    expect(formatDiagnostic({ severity: 'error', message: 'm', span: at(2, 3, 12, 20) }, sources)).toBe(
      't.p4:2:3: error: m\n\t\tfoo(bar);\n\t\t^~~~~~~~',
    );
    expect(formatDiagnostic({ severity: 'warning', message: 'w', span: at(1, 6, 5, 15) }, sources)).toBe(
      't.p4:1:6: warning: w\n\tx = 1 +\n\t    ^~~',
    );
    expect(formatDiagnostic({ severity: 'error', message: 'gone', span: at(1, 1, 0, 1) }, new SourceFiles())).toBe('t.p4:1:1: error: gone');
  });

  it('caps the diagnostics kept, still counting every error', () => {
    const text = Array.from({ length: 120 }, (_, i) => `const bit<8> C${i} = ;`).join('\n');
    const { diagnostics } = parseP4({ file: 'many.p4', text });
    expect(diagnostics.list).toHaveLength(DEFAULT_DIAGNOSTIC_LIMIT);
    expect(diagnostics.errorCount).toBe(120);
    expect(diagnostics.droppedCount).toBe(120 - DEFAULT_DIAGNOSTIC_LIMIT);
  });

  it('unsupported constructs say so', () => {
    const d = new Diagnostics();
    d.unsupported({ file: 'f', line: 1, col: 1, start: 0, end: 1 }, 'varbit arithmetic');
    expect(d.list[0]?.message).toBe('not supported by p4lab yet: varbit arithmetic');
    expect(d.hasErrors).toBe(true);
  });
});
