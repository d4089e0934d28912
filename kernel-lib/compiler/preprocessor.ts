// The P4 preprocessor, working on tokens rather than text so that every token
// keeps the position it has in its original file: #include splices the
// included file's tokens in, and a macro's expansion takes the position of
// the macro's use. Supported: #include "f" / <f> (each file once), object-like
// and function-like #define (without # and ##) / #undef, #if / #ifdef / #ifndef / #elif / #else / #endif, #error,
// #warning, #pragma once.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span } from './ast.js';
import { Diagnostics, type SourceFiles } from './diagnostics.js';
import { lex, type Token } from './lexer.js';

/** p4lab's own core.p4 and v1model.p4; next to this module in both kernel-lib/ and dist/. */
export const BUILTIN_INCLUDE_DIR = fileURLToPath(new URL('./include/', import.meta.url));

export interface PreprocessOptions {
  /** Searched for `#include <f>`, and for `#include "f"` after the including file's directory. */
  includeDirs?: string[];
  /** Object-like macros defined before the first line, as with `-D NAME=VALUE`. */
  defines?: Record<string, string>;
  /** Reads a file; undefined when it does not exist. Defaults to the file system. */
  readFile?: (path: string) => string | undefined;
}

export interface PreprocessResult {
  tokens: Token[]; // ends with one eof token
  files: string[]; // every file read, in include order
}

interface Macro {
  name: string;
  params?: string[]; // function-like: NAME(a, b) …
  body: Token[];
}

interface Conditional {
  span: Span;
  directive: string;
  active: boolean; // the branch being read is taken
  taken: boolean; // some branch of this #if was taken
  parentActive: boolean;
  sawElse: boolean;
}

const DEFINES_FILE = '<command line>';

function readFromDisk(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function preprocess(
  input: { file: string; text: string },
  options: PreprocessOptions,
  diags: Diagnostics,
  sources: SourceFiles,
): PreprocessResult {
  return new Preprocessor(options, diags, sources).run(input);
}

class Preprocessor {
  private readonly macros = new Map<string, Macro>();
  private readonly included = new Set<string>(); // resolved paths, so ./a and a are one file
  private readonly files: string[] = [];
  private readonly out: Token[] = [];
  private readonly readUser: (path: string) => string | undefined;

  constructor(
    private readonly options: PreprocessOptions,
    private readonly diags: Diagnostics,
    private readonly sources: SourceFiles,
  ) {
    this.readUser = options.readFile ?? readFromDisk;
  }

  run(input: { file: string; text: string }): PreprocessResult {
    this.defineFromOptions();
    const eof = this.processFile(input.file, input.text);
    this.out.push(eof);
    return { tokens: this.out, files: this.files };
  }

  private defineFromOptions(): void {
    const entries = Object.entries(this.options.defines ?? {});
    if (entries.length === 0) return;
    const text = entries.map(([k, v]) => `${k} ${v}`).join('\n');
    this.sources.set(DEFINES_FILE, text);
    const tokens = lex(DEFINES_FILE, text, this.diags);
    for (const line of splitLines(tokens)) {
      const [name, ...body] = line;
      if (name) this.macros.set(name.text, { name: name.text, body });
    }
  }

  /** Appends the file's tokens to the output; returns its eof token. */
  private processFile(file: string, text: string): Token {
    this.included.add(resolve(file));
    this.files.push(file);
    this.sources.set(file, text);
    // Lexical errors inside skipped #if branches are not errors (as in C).
    const lexical = new Diagnostics();
    const tokens = lex(file, text, lexical);
    const skipped: Array<[number, number]> = [];
    let skipFrom = -1;
    const conds: Conditional[] = [];
    const active = (): boolean => conds.length === 0 || conds[conds.length - 1]!.active;
    let i = 0;
    while (tokens[i]!.kind !== 'eof') {
      const tok = tokens[i]!;
      if (tok.text === '#' && tok.kind === 'punct' && tok.lineStart) {
        let end = i + 1;
        while (!tokens[end]!.lineStart) end++;
        const wasActive = active();
        this.directive(file, tok, tokens.slice(i + 1, end), conds, wasActive);
        if (wasActive && !active()) skipFrom = tokens[end - 1]!.span.end;
        if (!wasActive && active()) skipped.push([skipFrom, tok.span.start]);
        i = end;
        continue;
      }
      if (active()) {
        // a function-like macro's arguments may run on over several lines
        const end = this.isCall(tokens, i) ? this.callEnd(tokens, i + 1) : i;
        if (end < 0) {
          this.diags.error(tok.span, `the arguments of macro '${tok.text}' have no closing ')'`);
          i++;
          continue;
        }
        this.expand(tokens.slice(i, end + 1), new Set(), this.out);
        i = end + 1;
        continue;
      }
      i++;
    }
    if (!active()) skipped.push([skipFrom, text.length]);
    for (const d of lexical.list) {
      if (!skipped.some(([from, to]) => d.span.start >= from && d.span.start < to)) this.diags.add(d);
    }
    for (const c of conds) this.diags.error(c.span, `unterminated #${c.directive}: add a matching #endif`);
    return tokens[i]!;
  }

  private directive(file: string, hash: Token, line: Token[], conds: Conditional[], active: boolean): void {
    const nameTok = line[0];
    if (!nameTok) return; // a lone '#' is a null directive
    const name = nameTok.text;
    const args = line.slice(1);
    const top = conds[conds.length - 1];
    const at = spanOf(hash, nameTok);
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let value = false;
        if (active) {
          if (name === 'if') value = this.evaluate(args, at);
          else value = (this.definedName(args, at, name) !== '') === (name === 'ifdef');
        }
        conds.push({ span: at, directive: name, active: active && value, taken: active && value, parentActive: active, sawElse: false });
        return;
      }
      case 'elif':
      case 'else': {
        if (!top) return this.diags.error(at, `#${name} without #if`);
        if (top.sawElse) return this.diags.error(at, `#${name} after #else`);
        if (name === 'else') {
          top.sawElse = true;
          top.active = top.parentActive && !top.taken;
        } else {
          top.active = top.parentActive && !top.taken && this.evaluate(args, at);
        }
        top.taken ||= top.active;
        return;
      }
      case 'endif':
        if (!conds.pop()) this.diags.error(at, '#endif without #if');
        return;
    }
    if (!active) return;
    switch (name) {
      case 'include':
        return this.include(file, args, at);
      case 'define':
        return this.define(args, at);
      case 'undef': {
        const id = this.definedName(args, at, 'undef');
        if (id) this.macros.delete(id);
        return;
      }
      case 'error':
      case 'warning': {
        const message = this.restOfLine(file, nameTok, args) || `#${name}`;
        if (name === 'error') this.diags.error(at, message);
        else this.diags.warning(at, message);
        return;
      }
      case 'pragma':
        if (args.length === 1 && args[0]!.text === 'once') return; // every file is read once anyway
        return this.diags.unsupported(at, `#pragma ${args[0]?.text ?? ''}`.trim());
      case 'line':
        return this.diags.unsupported(at, '#line');
      default:
        this.diags.error(at, `unknown preprocessor directive '#${name}'`);
    }
  }

  private include(file: string, args: Token[], at: Span): void {
    const target = this.includeTarget(file, args);
    if (!target) {
      return this.diags.error(at, 'expected a file name after #include: write #include "file.p4" or #include <core.p4>');
    }
    const candidates = target.system
      ? [...(this.options.includeDirs ?? []).map((d) => join(d, target.name)), join(BUILTIN_INCLUDE_DIR, target.name)]
      : [join(dirname(file), target.name), ...(this.options.includeDirs ?? []).map((d) => join(d, target.name)), join(BUILTIN_INCLUDE_DIR, target.name)];
    for (const path of candidates) {
      if (this.included.has(resolve(path))) return;
      const builtin = path.startsWith(BUILTIN_INCLUDE_DIR);
      const text = builtin ? readFromDisk(path) : this.readUser(path);
      if (text === undefined) continue;
      this.processFile(path, text);
      return;
    }
    const where = target.system ? 'in the include directories' : `next to ${file} or in the include directories`;
    this.diags.error(at, `cannot find include file '${target.name}': looked ${where}`);
  }

  private includeTarget(file: string, args: Token[]): { name: string; system: boolean } | undefined {
    const first = args[0];
    if (!first) return undefined;
    if (first.kind === 'string' && args.length === 1) return { name: first.text, system: false };
    const last = args[args.length - 1]!;
    if (first.text === '<' && last.text === '>' && args.length > 2) {
      const text = this.sources.get(file)!;
      return { name: text.slice(first.span.end, last.span.start).trim(), system: true };
    }
    return undefined;
  }

  private define(args: Token[], at: Span): void {
    const name = args[0];
    if (!name || (name.kind !== 'ident' && name.kind !== 'keyword')) {
      return this.diags.error(at, 'expected a macro name after #define');
    }
    const next = args[1];
    let params: string[] | undefined;
    let body = args.slice(1);
    if (next && next.text === '(' && next.span.start === name.span.end) {
      const close = args.findIndex((t) => t.text === ')');
      const list = close < 0 ? [] : args.slice(2, close);
      const names = list.filter((_, k) => k % 2 === 0);
      const wellFormed = close > 0 && list.every((t, k) => (k % 2 === 0 ? t.kind === 'ident' : t.text === ',')) && (list.length === 0 || list.length % 2 === 1);
      if (!wellFormed) return this.diags.error(spanOf(name, args[Math.max(close, 1)]!), `#define ${name.text}(…): the parameters must be names separated by commas, then ')'`);
      params = names.map((t) => t.text);
      body = args.slice(close + 1);
      const hash = body.find((t) => t.text === '#');
      if (hash) return this.diags.unsupported(hash.span, "'#' and '##' in macro bodies");
    }
    const existing = this.macros.get(name.text);
    if (existing && (!sameTokens(existing.body, body) || existing.params?.join() !== params?.join())) {
      this.diags.warning(name.span, `macro '${name.text}' redefined`);
    }
    this.macros.set(name.text, params ? { name: name.text, params, body } : { name: name.text, body });
  }

  private definedName(args: Token[], at: Span, directive: string): string {
    const id = args[0];
    if (!id || args.length !== 1 || (id.kind !== 'ident' && id.kind !== 'keyword')) {
      this.diags.error(at, `expected one macro name after #${directive}`);
      return '';
    }
    return directive === 'undef' ? id.text : this.macros.has(id.text) ? id.text : '';
  }

  /** Whether tokens[i] starts a call of a function-like macro. */
  private isCall(tokens: Token[], i: number): boolean {
    const t = tokens[i]!;
    return t.kind === 'ident' && this.macros.get(t.text)?.params !== undefined && tokens[i + 1]?.text === '(';
  }

  /** The index of the ')' closing the '(' at tokens[open], or -1. */
  private callEnd(tokens: Token[], open: number): number {
    let depth = 0;
    for (let k = open; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === 'eof' || (t.text === '#' && t.lineStart)) return -1;
      if (t.text === '(') depth++;
      else if (t.text === ')' && --depth === 0) return k;
    }
    return -1;
  }

  /**
   * Appends `tokens` to `out` with their macros expanded (a function-like
   * macro's arguments first, as in C). `hidden` stops a macro expanding
   * inside itself; an expansion takes the position of the macro's use.
   */
  private expand(tokens: Token[], hidden: Set<string>, out: Token[], site?: Token): void {
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      const macro = tok.kind === 'ident' ? this.macros.get(tok.text) : undefined;
      const call = macro?.params && !hidden.has(macro.name) && this.isCall(tokens, i);
      if (!macro || hidden.has(macro.name) || (macro.params && !call)) {
        out.push(site ? { ...tok, span: site.span, lineStart: false } : tok);
        continue;
      }
      const use = site ?? tok;
      const inner = new Set(hidden).add(macro.name);
      if (!macro.params) {
        this.expand(macro.body, inner, out, use);
        continue;
      }
      const end = this.callEnd(tokens, i + 1);
      if (end < 0) {
        this.diags.error(tok.span, `the arguments of macro '${tok.text}' have no closing ')'`);
        return;
      }
      const args = splitArguments(tokens.slice(i + 2, end)).map((a) => {
        const expanded: Token[] = [];
        this.expand(a, hidden, expanded);
        return expanded;
      });
      const none = macro.params.length === 0 && args.length === 1 && args[0]!.length === 0;
      if (!none && args.length !== macro.params.length) {
        this.diags.error(tok.span, `macro '${macro.name}' takes ${macro.params.length} argument${macro.params.length === 1 ? '' : 's'}, got ${args.length}`);
        // left as written, so that parsing goes on without errors of its own
        for (const t of tokens.slice(i, end + 1)) out.push(site ? { ...t, span: site.span, lineStart: false } : t);
      } else {
        const body = macro.body.flatMap((b) => {
          const k = b.kind === 'ident' ? macro.params!.indexOf(b.text) : -1;
          return k >= 0 ? args[k]! : [b];
        });
        this.expand(body, inner, out, use);
      }
      i = end;
    }
  }

  private expandForCondition(args: Token[], hidden: Set<string> = new Set()): Token[] {
    const result: Token[] = [];
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!;
      if (t.text === 'defined' && t.kind === 'ident') {
        const paren = args[i + 1]?.text === '(';
        const id = args[i + (paren ? 2 : 1)];
        const known = id !== undefined && this.macros.has(id.text);
        result.push({ ...t, kind: 'int', text: known ? '1' : '0', value: known ? 1n : 0n });
        i += paren ? 3 : 1;
        continue;
      }
      const macro = t.kind === 'ident' ? this.macros.get(t.text) : undefined;
      if (macro && !hidden.has(macro.name)) {
        const body = this.expandForCondition(macro.body, new Set(hidden).add(macro.name));
        result.push(...body.map((b) => ({ ...b, span: t.span })));
        continue;
      }
      result.push(t);
    }
    return result;
  }

  private evaluate(args: Token[], at: Span): boolean {
    if (args.length === 0) {
      this.diags.error(at, 'expected an expression after #if');
      return false;
    }
    const tokens = this.expandForCondition(args);
    const ev = new ConditionEvaluator(tokens);
    const value = ev.parse();
    if (typeof value === 'string') {
      this.diags.error(ev.errorSpan ?? at, value);
      return false;
    }
    return value !== 0n;
  }

  private restOfLine(file: string, after: Token, args: Token[]): string {
    if (args.length === 0) return '';
    const text = this.sources.get(file)!;
    return text.slice(after.span.end, args[args.length - 1]!.span.end).trim();
  }
}

/** Evaluates a #if expression: integers, defined(), ! ~ - unary, * / % + - << >> comparisons & ^ | && ||. */
class ConditionEvaluator {
  private pos = 0;
  errorSpan: Span | undefined;

  constructor(private readonly tokens: Token[]) {}

  parse(): bigint | string {
    try {
      const v = this.binary(0);
      if (this.pos < this.tokens.length) return this.fail(`unexpected '${this.tokens[this.pos]!.text}' in #if expression`);
      return v;
    } catch (e) {
      if (e instanceof ConditionError) return e.message;
      throw e;
    }
  }

  private static readonly LEVELS: string[][] = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  private binary(level: number): bigint {
    if (level === ConditionEvaluator.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = this.peekOp();
      if (!op || !ConditionEvaluator.LEVELS[level]!.includes(op)) return left;
      this.pos += op === '>=' || op === '>>' ? 2 : 1;
      const right = this.binary(level + 1);
      left = apply(op, left, right, () => this.fail('division by zero in #if expression'));
    }
  }

  private peekOp(): string | undefined {
    const t = this.tokens[this.pos];
    if (!t || t.kind !== 'punct') return undefined;
    const n = this.tokens[this.pos + 1];
    if (t.text === '>' && n && n.span.start === t.span.end && (n.text === '=' || n.text === '>')) return `>${n.text}`;
    return t.text;
  }

  private unary(): bigint {
    const t = this.tokens[this.pos];
    if (!t) return this.fail('#if expression ends too early');
    this.pos++;
    if (t.kind === 'int') return t.value ?? 0n;
    if (t.kind === 'ident' || t.kind === 'keyword') return t.text === 'true' ? 1n : 0n; // undefined names are 0, as in C
    if (t.text === '!') return this.unary() === 0n ? 1n : 0n;
    if (t.text === '-') return -this.unary();
    if (t.text === '+') return this.unary();
    if (t.text === '~') return ~this.unary();
    if (t.text === '(') {
      const v = this.binary(0);
      if (this.tokens[this.pos]?.text !== ')') return this.fail("expected ')' in #if expression");
      this.pos++;
      return v;
    }
    this.pos--;
    return this.fail(`unexpected '${t.text}' in #if expression`);
  }

  private fail(message: string): never {
    this.errorSpan = (this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1])?.span;
    throw new ConditionError(message);
  }
}

class ConditionError extends Error {}

function apply(op: string, a: bigint, b: bigint, divByZero: () => never): bigint {
  const bool = (x: boolean): bigint => (x ? 1n : 0n);
  switch (op) {
    case '||': return bool(a !== 0n || b !== 0n);
    case '&&': return bool(a !== 0n && b !== 0n);
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? divByZero() : a / b;
    default: return b === 0n ? divByZero() : a % b;
  }
}

/** Groups tokens into lines (by the lineStart flag), dropping eof. */
function splitLines(tokens: Token[]): Token[][] {
  const lines: Token[][] = [];
  for (const t of tokens) {
    if (t.kind === 'eof') break;
    if (t.lineStart || lines.length === 0) lines.push([]);
    lines[lines.length - 1]!.push(t);
  }
  return lines;
}

function sameTokens(a: Token[], b: Token[]): boolean {
  return a.length === b.length && a.every((t, i) => t.text === b[i]!.text && t.kind === b[i]!.kind);
}

/** A span from the start of `a` to the end of `b` (both on one line of one file). */
function spanOf(a: Token, b: Token): Span {
  return { ...a.span, end: b.span.end };
}

/** A macro call's argument tokens split at the commas outside parentheses. */
function splitArguments(tokens: Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    if (t.text === ',' && depth === 0) args.push([]);
    else args[args.length - 1]!.push(t);
  }
  return args;
}
