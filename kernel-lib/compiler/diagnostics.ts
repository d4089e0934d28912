// Compiler diagnostics: a bag of positioned errors and warnings, and their
// formatting as `file:line:col: error: message` + source line + caret line.
// Spans always refer to the ORIGINAL files (the preprocessor keeps token
// positions through #include and macro expansion), so formatting only needs
// the original texts.

import type { Span } from './ast.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  message: string;
  span: Span;
}

/** How many diagnostics a run reports before it stops collecting (a cascade helps nobody). */
export const DEFAULT_DIAGNOSTIC_LIMIT = 50;

export class Diagnostics {
  private readonly items: Diagnostic[] = [];
  private errors = 0;
  private dropped = 0;

  constructor(readonly limit: number = DEFAULT_DIAGNOSTIC_LIMIT) {}

  error(span: Span, message: string): void {
    this.add({ severity: 'error', message, span });
  }

  warning(span: Span, message: string): void {
    this.add({ severity: 'warning', message, span });
  }

  /** A construct the language has but p4lab does not implement: never miscompile it silently. */
  unsupported(span: Span, what: string): void {
    this.error(span, `not supported by p4lab yet: ${what}`);
  }

  add(d: Diagnostic): void {
    if (d.severity === 'error') this.errors++;
    if (this.items.length >= this.limit) {
      this.dropped++;
      return;
    }
    // The same message at the same place twice is noise (e.g. after recovery).
    if (this.items.some((x) => x.span.start === d.span.start && x.span.file === d.span.file && x.message === d.message)) return;
    this.items.push(d);
  }

  /** Reported diagnostics, in the order they were found. */
  get list(): readonly Diagnostic[] {
    return this.items;
  }

  get hasErrors(): boolean {
    return this.errors > 0;
  }

  get errorCount(): number {
    return this.errors;
  }

  /** Orders the kept diagnostics by file (in `files` order, others last) and position. */
  sortBy(files: readonly string[]): void {
    const rank = (f: string): number => {
      const i = files.indexOf(f);
      return i < 0 ? files.length : i;
    };
    this.items.sort((a, b) => rank(a.span.file) - rank(b.span.file) || a.span.start - b.span.start);
  }

  /** Diagnostics found beyond the limit and not kept. */
  get droppedCount(): number {
    return this.dropped;
  }
}

/** The original text of every file the front end read, by the name used in spans. */
export class SourceFiles {
  private readonly texts = new Map<string, string>();
  private readonly lineStarts = new Map<string, number[]>();

  set(file: string, text: string): void {
    this.texts.set(file, text);
    this.lineStarts.delete(file);
  }

  get(file: string): string | undefined {
    return this.texts.get(file);
  }

  has(file: string): boolean {
    return this.texts.has(file);
  }

  get files(): string[] {
    return [...this.texts.keys()];
  }

  /** The text of 1-based line `line` of `file`, without its line terminator. */
  line(file: string, line: number): string | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    const starts = this.starts(file, text);
    if (line < 1 || line > starts.length) return undefined;
    const from = starts[line - 1]!;
    let to = line < starts.length ? starts[line]! - 1 : text.length;
    if (to > from && text.charCodeAt(to - 1) === 13) to--; // CRLF
    return text.slice(from, to);
  }

  /** Offset of the first character of 1-based `line`. */
  lineStart(file: string, line: number): number | undefined {
    const text = this.texts.get(file);
    if (text === undefined) return undefined;
    return this.starts(file, text)[line - 1];
  }

  private starts(file: string, text: string): number[] {
    let starts = this.lineStarts.get(file);
    if (!starts) {
      starts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts.set(file, starts);
    }
    return starts;
  }
}

/**
 * `file:line:col: error: message`, then the source line and a caret line:
 * `^` under the first character, `~` under the rest of the span while it
 * stays on that line.
 */
export function formatDiagnostic(d: Diagnostic, sources: SourceFiles): string {
  const { file, line, col } = d.span;
  const head = `${file}:${line}:${col}: ${d.severity}: ${d.message}`;
  const src = sources.line(file, line);
  if (src === undefined) return head;
  const startCol = Math.min(Math.max(col - 1, 0), src.length);
  let width = d.span.end - d.span.start;
  if (!(width >= 1)) width = 1;
  width = Math.max(1, Math.min(width, src.length - startCol));
  // Keep tabs from the source so the caret lines up however tabs render.
  const pad = src.slice(0, startCol).replace(/[^\t]/g, ' ');
  return `${head}\n${src}\n${pad}^${'~'.repeat(width - 1)}`;
}

export function formatDiagnostics(list: readonly Diagnostic[], sources: SourceFiles): string {
  return list.map((d) => formatDiagnostic(d, sources)).join('\n');
}
