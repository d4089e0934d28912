// Types: bit<W>, int<W>, varbit<W>, bool, error, match_kind, string, void,
// int, named and specialised types (register<bit<32>>), tuples and stacks.

import type { Expr, TypeRef } from './ast.js';
import { ParserBase } from './parser-base.js';

const BASE_TYPE_KEYWORDS: ReadonlySet<string> = new Set(['bit', 'int', 'varbit', 'bool', 'error', 'match_kind', 'string', 'void', 'tuple']);

export abstract class TypeParser extends ParserBase {
  protected abstract parseExpression(): Expr;
  /** A width or size inside `<...>`: operators that cannot be confused with the closing `>`. */
  protected abstract parseWidthExpression(): Expr;

  /**
   * A type begins at token `k`: a base-type keyword, or a known type name not
   * followed by `.` (`E.A` and `error.X` are expressions).
   */
  protected isTypeStart(k = 0): boolean {
    const t = this.peek(k);
    if (t.kind === 'keyword' && BASE_TYPE_KEYWORDS.has(t.text)) return !(t.text === 'error' && this.at('.', k + 1));
    if (t.kind === 'punct' && t.text === '.') return this.peek(k + 1).kind === 'ident' && this.types.has(this.peek(k + 1).text);
    return t.kind === 'ident' && this.types.has(t.text) && !this.at('.', k + 1);
  }

  /**
   * A type reference. With `lenient`, an unknown identifier is taken as a
   * named type: return types may name type parameters declared after them
   * (`T get<T>()`).
   */
  protected parseType(lenient = false): TypeRef {
    let type = this.parseUnstackedType(lenient);
    while (this.at('[')) {
      this.next();
      const size = this.parseExpression();
      this.expect(']', 'to close the header stack size');
      type = { kind: 'stack', element: type, size, span: this.spanFrom(type.span) };
    }
    return type;
  }

  private parseUnstackedType(lenient: boolean): TypeRef {
    const t = this.peek();
    const start = t.span;
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'bit':
        case 'varbit': {
          this.next();
          if (!this.at('<')) {
            if (t.text === 'bit') return { kind: 'bit', width: { kind: 'int', value: 1n, text: '1', span: start }, span: start };
            return this.fail(this.peek(), "expected '<' after varbit: write varbit<W>");
          }
          const width = this.parseWidth();
          return { kind: t.text, width, span: this.spanFrom(start) };
        }
        case 'int': {
          this.next();
          if (!this.at('<')) return { kind: 'infint', span: start };
          const width = this.parseWidth();
          return { kind: 'int', width, span: this.spanFrom(start) };
        }
        case 'bool':
        case 'error':
        case 'match_kind':
        case 'string':
        case 'void':
          this.next();
          return { kind: t.text, span: start };
        case 'tuple': {
          this.next();
          this.expect('<', 'after tuple');
          const elements = this.accept('>') ? [] : this.parseTypeArgs();
          return { kind: 'tuple', elements, span: this.spanFrom(start) };
        }
      }
    }
    if (t.kind === 'ident' && t.text === '_') {
      this.next();
      return { kind: 'dontcare', span: start };
    }
    this.accept('.');
    if (this.peek().kind === 'ident' && (lenient || this.types.has(this.peek().text))) {
      const name = this.next().text;
      let args: TypeRef[] = [];
      if (this.at('<') && (lenient || this.typeArgsFollow())) {
        this.next();
        args = this.parseTypeArgs(lenient);
      }
      return { kind: 'named', name, args, span: this.spanFrom(start) };
    }
    if (this.peek().kind === 'ident') return this.fail(this.peek(), `unknown type '${this.peek().text}'`);
    return this.fail(this.peek(), `expected a type, found '${this.peek().text || 'end of file'}'`);
  }

  /** `<W>` of bit/int/varbit: `8`, `W`, `(W + 1)`, `2 + 2`. */
  private parseWidth(): Expr {
    this.expect('<');
    const width = this.parseWidthExpression();
    this.expect('>', 'to close the width');
    return width;
  }

  /** Type arguments after the opening `<`, through the closing `>`. */
  protected parseTypeArgs(lenient = false): TypeRef[] {
    const args: TypeRef[] = [this.parseType(lenient)];
    while (this.accept(',')) args.push(this.parseType(lenient));
    this.expect('>', 'to close the type arguments');
    return args;
  }

  /** At a `<`: it opens type arguments (rather than being less-than) when a type follows. */
  protected typeArgsFollow(): boolean {
    const t = this.peek(1);
    if (t.kind === 'ident' && t.text === '_') return this.at(',', 2) || this.at('>', 2);
    return this.isTypeStart(1);
  }

  /** `<T, U>` type parameters of a generic declaration (names, not types). */
  protected parseTypeParams(): string[] {
    if (!this.accept('<')) return [];
    const names = [this.expectName('a type parameter name').text];
    while (this.accept(',')) names.push(this.expectName('a type parameter name').text);
    this.expect('>', 'to close the type parameters');
    return names;
  }
}
