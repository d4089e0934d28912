// Expressions with P4-16's precedence (which differs from C: the bitwise
// operators bind tighter than comparisons), keysets and argument lists.

import type { Argument, BinaryOp, Expr, Span, TypeRef } from './ast.js';
import { TypeParser } from './parser-types.js';

// Lowest to highest precedence; all left-associative.
const LEVELS: ReadonlyArray<ReadonlyArray<BinaryOp>> = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['++', '+', '-', '|+|', '|-|'],
  ['*', '/', '%'],
];
const ADDITIVE_LEVEL = LEVELS.findIndex((ops) => ops.includes('+'));

export abstract class ExpressionParser extends TypeParser {
  protected parseExpression(): Expr {
    const cond = this.parseBinary(0);
    if (!this.at('?')) return cond;
    this.next();
    const then = this.parseExpression();
    this.expect(':', "in the conditional expression 'c ? a : b'");
    const otherwise = this.parseExpression();
    return { kind: 'ternary', cond, then, else: otherwise, span: this.spanFrom(cond.span) };
  }

  protected parseWidthExpression(): Expr {
    return this.parseBinary(ADDITIVE_LEVEL);
  }

  private parseBinary(level: number): Expr {
    if (level === LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const op = this.peekBinaryOp();
      if (!op || !LEVELS[level]!.includes(op)) return left;
      this.pos += op === '>>' || op === '>=' ? 2 : 1;
      const right = this.parseBinary(level + 1);
      left = { kind: 'binary', op, left, right, span: this.spanFrom(left.span) };
    }
  }

  /** The binary operator at the cursor; `>>` and `>=` are two adjacent `>` `>` / `>` `=` tokens. */
  private peekBinaryOp(): BinaryOp | undefined {
    const t = this.peek();
    if (t.kind !== 'punct') return undefined;
    if (t.text === '>') {
      const n = this.peek(1);
      if (n.kind === 'punct' && n.span.start === t.span.end && n.span.file === t.span.file && (n.text === '>' || n.text === '=')) {
        return n.text === '>' ? '>>' : '>=';
      }
      return '>';
    }
    return LEVELS.some((l) => l.includes(t.text as BinaryOp)) ? (t.text as BinaryOp) : undefined;
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '!' || t.text === '~' || t.text === '-' || t.text === '+')) {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'unary', op: t.text, operand, span: this.spanFrom(t.span) };
    }
    if (t.kind === 'punct' && t.text === '(' && this.isTypeStart(1)) {
      this.next();
      const type = this.parseType();
      this.expect(')', 'to close the cast');
      const expr = this.parseUnary();
      return { kind: 'cast', type, expr, span: this.spanFrom(t.span) };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  protected parsePostfix(e: Expr): Expr {
    for (;;) {
      if (this.accept('.')) {
        const m = this.peek();
        if (m.kind !== 'ident' && m.kind !== 'keyword') this.fail(m, `expected a member name after '.', found '${m.text || 'end of file'}'`);
        this.next();
        e = { kind: 'member', object: e, member: m.text, span: this.spanFrom(e.span) };
      } else if (this.accept('[')) {
        const index = this.parseExpression();
        const plus = this.peek();
        if (this.accept('+:')) {
          // x[lo +: w] is x[lo + w - 1 : lo]
          const width = this.parseExpression();
          this.expect(']', 'to close the slice');
          const one: Expr = { kind: 'int', value: 1n, text: '1', span: plus.span };
          const hi: Expr = { kind: 'binary', op: '-', left: { kind: 'binary', op: '+', left: index, right: width, span: plus.span }, right: one, span: plus.span };
          e = { kind: 'slice', object: e, hi, lo: index, span: this.spanFrom(e.span) };
        } else if (this.accept(':')) {
          const lo = this.parseExpression();
          this.expect(']', 'to close the slice');
          e = { kind: 'slice', object: e, hi: index, lo, span: this.spanFrom(e.span) };
        } else {
          this.expect(']', 'to close the index');
          e = { kind: 'index', object: e, index, span: this.spanFrom(e.span) };
        }
      } else if (this.at('(')) {
        e = this.parseCall(e, []);
      } else if (this.at('<') && this.typeArgsFollow()) {
        this.next();
        const typeArgs = this.parseTypeArgs();
        if (!this.at('(')) this.fail(this.peek(), "expected '(' after the type arguments of a call");
        e = this.parseCall(e, typeArgs);
      } else {
        return e;
      }
    }
  }

  private parseCall(callee: Expr, typeArgs: TypeRef[]): Expr {
    const args = this.parseArguments();
    return { kind: 'call', callee, typeArgs, args, span: this.spanFrom(callee.span) };
  }

  /** `( a, name = b, _ )` */
  protected parseArguments(): Argument[] {
    this.expect('(');
    const args: Argument[] = [];
    if (!this.at(')')) {
      do {
        const start = this.peek().span;
        if (this.isName() && this.at('=', 1)) {
          const name = this.next().text;
          this.next();
          const value = this.parseExpression();
          args.push({ name, value, span: this.spanFrom(start) });
        } else {
          const value = this.parseExpression();
          args.push({ value, span: this.spanFrom(start) });
        }
      } while (this.accept(','));
    }
    this.expect(')', 'to close the argument list');
    return args;
  }

  protected parsePrimary(): Expr {
    const t = this.peek();
    const span = t.span;
    switch (t.kind) {
      case 'int':
        this.next();
        return { kind: 'int', value: t.value ?? 0n, ...(t.width !== undefined ? { width: t.width, signed: t.signed } : {}), text: t.text, span };
      case 'string':
        this.next();
        return { kind: 'string', value: t.text, span };
      case 'keyword':
        return this.parseKeywordPrimary();
      case 'ident':
        if (t.text === '_') {
          this.next();
          return { kind: 'dontcare', span };
        }
        this.next();
        if (this.types.has(t.text)) return this.parseTypeNamePrimary(t.text, span);
        return { kind: 'name', name: t.text, span };
      case 'punct':
        if (t.text === '.' && this.isName(1)) {
          this.next();
          const n = this.next();
          return { kind: 'name', name: n.text, dotPrefix: true, span: this.spanFrom(span) };
        }
        if (t.text === '(') {
          this.next();
          const e = this.parseExpression();
          this.expect(')', 'to close the parenthesis');
          return e;
        }
        if (t.text === '{' && this.at('#', 1) && this.at('}', 2)) {
          this.diags.unsupported(this.spanThrough(2), 'the invalid header expression {#}; call setInvalid() instead');
          this.pos += 3;
          return { kind: 'list', elements: [], span: this.spanFrom(span) };
        }
        if (t.text === '{') return this.parseListExpression();
        if (t.text === '...') {
          this.next();
          this.diags.unsupported(span, "default initializers '...'");
          return { kind: 'list', elements: [], span };
        }
    }
    return this.fail(t, `expected an expression, found ${t.kind === 'eof' ? 'end of file' : `'${t.text}'`}`);
  }

  private parseKeywordPrimary(): Expr {
    const t = this.next();
    const span = t.span;
    switch (t.text) {
      case 'true':
      case 'false':
        return { kind: 'bool', value: t.text === 'true', span };
      case 'default':
        return { kind: 'default', span };
      case 'error': {
        this.expect('.', "after 'error' (write error.Name)");
        const m = this.expectName('an error name');
        return { kind: 'typeMember', type: { kind: 'error', span }, member: m.text, span: this.spanFrom(span) };
      }
    }
    if (this.isName(-1)) return { kind: 'name', name: t.text, span }; // soft keywords such as `key` used as names
    this.pos--;
    return this.fail(t, `expected an expression, found '${t.text}'`);
  }

  /** A type name in an expression: `E.A`, a constructor call `P()` / `R<bit<8>>(4)`, or the name itself. */
  private parseTypeNamePrimary(name: string, span: Span): Expr {
    if (this.at('.') && this.isName(1)) {
      this.next();
      const m = this.next();
      return { kind: 'typeMember', type: { kind: 'named', name, args: [], span }, member: m.text, span: this.spanFrom(span) };
    }
    return { kind: 'name', name, span };
  }

  /** `{ a, b, c }`, or the structure-valued `{ f = a, g = b }` */
  private parseListExpression(): Expr {
    const start = this.expect('{').span;
    if (this.isName() && this.at('=', 1)) return this.parseStructInit(start);
    const elements: Expr[] = [];
    if (!this.at('}')) {
      do {
        elements.push(this.parseExpression());
      } while (this.accept(',') && !this.at('}'));
    }
    this.expect('}', 'to close the list');
    return { kind: 'list', elements, span: this.spanFrom(start) };
  }

  private parseStructInit(start: Span): Expr {
    const fields: Array<{ name: string; value: Expr; span: Span }> = [];
    do {
      if (!this.isName()) this.fail(this.peek(), 'expected a field name');
      const name = this.next();
      this.expect('=', 'after the field name');
      fields.push({ name: name.text, value: this.parseExpression(), span: name.span });
    } while (this.accept(',') && !this.at('}'));
    this.expect('}', 'to close the structure-valued expression');
    return { kind: 'structInit', fields, span: this.spanFrom(start) };
  }

  /**
   * A keyset in a select case or a table entry: `default`, `_`, `v`,
   * `v &&& mask`, `lo .. hi`, or a tuple of those in parentheses.
   */
  protected parseKeyset(): Expr {
    const inParens = this.at('(') ? this.parenthesisedKeysetAhead() : 'no';
    if (inParens === 'no') return this.parseSimpleKeyset();
    const start = this.next().span;
    const elements: Expr[] = [this.parseSimpleKeyset()];
    while (this.accept(',')) elements.push(this.parseSimpleKeyset());
    this.expect(')', 'to close the keyset tuple');
    return inParens === 'tuple' ? { kind: 'list', elements, span: this.spanFrom(start) } : elements[0]!;
  }

  private parseSimpleKeyset(): Expr {
    const left = this.parseExpression();
    if (this.at('&&&') || this.at('..')) {
      const op = this.next().text as '&&&' | '..';
      const right = this.parseExpression();
      return { kind: 'binary', op, left, right, span: this.spanFrom(left.span) };
    }
    return left;
  }

  /**
   * At `(`: whether the parentheses hold a tuple of keysets, one keyset with
   * a mask or range (`(v &&& m)`), or neither (an ordinary parenthesised
   * expression). Scans tokens only, reporting nothing.
   */
  private parenthesisedKeysetAhead(): 'tuple' | 'single' | 'no' {
    let depth = 0;
    let single = false;
    for (let k = 0; ; k++) {
      const t = this.peek(k);
      if (t.kind === 'eof') return 'no';
      if (t.kind !== 'punct') continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--;
        if (depth === 0) return single ? 'single' : 'no';
      } else if (depth === 1 && t.text === ',') return 'tuple';
      else if (depth === 1 && (t.text === '&&&' || t.text === '..')) single = true;
      else if (t.text === ';') return 'no';
    }
  }
}
