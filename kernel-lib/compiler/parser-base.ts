// Token cursor, error reporting and recovery shared by the parser layers
// (types → expressions → statements → declarations), and the table of type
// names that resolves P4's `<` ambiguity (generic arguments vs less-than).

import type { Span } from './ast.js';
import type { Diagnostics, SourceFiles } from './diagnostics.js';
import type { Token } from './lexer.js';

/** Thrown after a syntax error has been reported; caught where the parser can resynchronise. */
export class SyntaxErrorSignal extends Error {
  constructor() {
    super('syntax error (already reported)');
  }
}

/** Keywords the grammar also accepts as ordinary names (P4's nonTypeName). */
const SOFT_KEYWORDS: ReadonlySet<string> = new Set(['apply', 'key', 'actions', 'state', 'entries', 'type', 'priority']);

/** Scopes of names known to denote types; shared with sub-parsers (annotation bodies). */
export class TypeNames {
  private readonly scopes: Array<Set<string>> = [new Set()];

  has(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i]!.has(name)) return true;
    return false;
  }

  declare(name: string): void {
    this.scopes[this.scopes.length - 1]!.add(name);
  }

  /** Runs `f` with the type parameters `params` in scope. */
  within<T>(params: string[], f: () => T): T {
    this.scopes.push(new Set(params));
    try {
      return f();
    } finally {
      this.scopes.pop();
    }
  }
}

export class ParserBase {
  protected pos = 0;

  constructor(
    protected readonly tokens: Token[],
    protected readonly diags: Diagnostics,
    protected readonly sources: SourceFiles,
    protected readonly types: TypeNames,
  ) {}

  /** Where the parser is: for reporting failures from outside. */
  currentSpan(): Span {
    return this.peek().span;
  }

  protected peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  protected get atEof(): boolean {
    return this.peek().kind === 'eof';
  }

  /** The current token is punctuation or a keyword spelled `text`. */
  protected at(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.text === text && (t.kind === 'punct' || t.kind === 'keyword');
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  protected accept(text: string): Token | undefined {
    return this.at(text) ? this.next() : undefined;
  }

  protected expect(text: string, context?: string): Token {
    if (this.at(text)) return this.next();
    const message = `expected '${text}'${context ? ` ${context}` : ''}, found ${describe(this.peek())}`;
    // A missing ';' belongs at the end of what it should have ended, as compilers report it.
    const prev = this.pos > 0 ? this.tokens[this.pos - 1] : undefined;
    if (text === ';' && prev) {
      const { span } = prev;
      this.diags.error({ ...span, col: span.col + (span.end - span.start), start: span.end, end: span.end + 1 }, message);
      throw new SyntaxErrorSignal();
    }
    return this.fail(this.peek(), message);
  }

  protected isName(k = 0): boolean {
    const t = this.peek(k);
    return (t.kind === 'ident' && t.text !== '_') || (t.kind === 'keyword' && SOFT_KEYWORDS.has(t.text));
  }

  protected expectName(what = 'a name'): Token {
    if (this.isName()) return this.next();
    return this.fail(this.peek(), `expected ${what}, found ${describe(this.peek())}`);
  }

  protected fail(tok: Token, message: string): never {
    // Running out of input after an earlier error is that error's echo (e.g. an unterminated string).
    if (!(tok.kind === 'eof' && this.diags.hasErrors)) this.diags.error(tok.span, message);
    throw new SyntaxErrorSignal();
  }

  /** Span from the current token through the token `k` ahead. */
  protected spanThrough(k: number): Span {
    return { ...this.peek().span, end: this.peek(k).span.end };
  }

  /** Span from `start` to the end of the last consumed token. */
  protected spanFrom(start: Span): Span {
    const last = this.tokens[Math.max(this.pos - 1, 0)]!;
    const end = last.span.file === start.file && last.span.end >= start.start ? last.span.end : start.end;
    return { ...start, end };
  }

  /**
   * Skips to a point where parsing can resume: past the next `;` or the end
   * of a `{...}` block begun while skipping, or before a `}` that closes an
   * enclosing block.
   */
  protected recover(): void {
    let depth = 0;
    while (!this.atEof) {
      const t = this.peek();
      if (t.kind === 'punct') {
        if (t.text === '{') depth++;
        else if (t.text === '}') {
          if (depth === 0) return;
          depth--;
          this.next();
          if (depth === 0) return;
          continue;
        } else if (t.text === ';' && depth === 0) {
          this.next();
          return;
        }
      }
      this.next();
    }
  }

  /** Skips a bracketed group, from its opening bracket through the matching close. */
  protected skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) depth++;
      else if (t.kind === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}')) depth--;
    } while (depth > 0 && !this.atEof);
  }

  /**
   * Parses items until `done()`, recovering from syntax errors in any one of
   * them so that several errors are reported per run.
   */
  protected list(done: () => boolean, item: () => void): void {
    while (!done() && !this.atEof) {
      const before = this.pos;
      try {
        item();
      } catch (e) {
        if (!(e instanceof SyntaxErrorSignal)) throw e;
        this.recover();
      }
      if (this.pos === before) {
        // No progress (e.g. a stray `}`): report it once and step over it.
        if (!(this.diags.list.at(-1)?.span.start === this.peek().span.start)) {
          this.diags.error(this.peek().span, `unexpected ${describe(this.peek())}`);
        }
        this.next();
      }
    }
  }

  /** Raw source text from `first` to `last` (one file), or their texts joined. */
  protected rawText(first: Token, last: Token): string {
    const text = this.sources.get(first.span.file);
    if (text !== undefined && first.span.file === last.span.file && last.span.end >= first.span.start) {
      return text.slice(first.span.start, last.span.end);
    }
    return this.tokens.slice(this.tokens.indexOf(first), this.tokens.indexOf(last) + 1).map((t) => t.text).join(' ');
  }
}

export function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  if (t.kind === 'string') return 'a string';
  return `'${t.text}'`;
}
