// Annotations: `@name`, `@name(expressions)`, `@name(unparsed tokens)`,
// `@name[structured]` and `@pragma name body` (to the end of the line).

import type { Annotation, Expr } from './ast.js';
import { Diagnostics } from './diagnostics.js';
import type { Token } from './lexer.js';
import { SyntaxErrorSignal } from './parser-base.js';
import { ExpressionParser } from './parser-expressions.js';

export class AnnotationParser extends ExpressionParser {
  protected parseAnnotations(): Annotation[] {
    const list: Annotation[] = [];
    while (this.at('@')) list.push(this.parseAnnotation());
    return list;
  }

  private parseAnnotation(): Annotation {
    const at = this.next();
    const nameTok = this.peek();
    if (nameTok.kind !== 'ident' && nameTok.kind !== 'keyword') this.fail(nameTok, "expected an annotation name after '@'");
    this.next();
    if (nameTok.text === 'pragma') return this.parsePragma(at);
    if (!this.at('(') && !this.at('[')) return { name: nameTok.text, args: [], span: this.spanFrom(at.span) };
    const open = this.next();
    const close = open.text === '(' ? ')' : ']';
    const body = this.balancedUntil(close);
    this.expect(close, 'to close the annotation');
    const text = body.length ? this.rawText(body[0]!, body[body.length - 1]!) : '';
    return { name: nameTok.text, args: this.annotationArgs(body, open.text === '['), body: text, span: this.spanFrom(at.span) };
  }

  /** `@pragma name body…` to the end of the line: annotation `name` with the raw body as one string. */
  private parsePragma(at: Token): Annotation {
    const name = this.peek();
    if (name.lineStart || (name.kind !== 'ident' && name.kind !== 'keyword')) this.fail(name, 'expected a pragma name after @pragma');
    this.next();
    const body: Token[] = [];
    while (!this.peek().lineStart) body.push(this.next());
    const args: Expr[] = body.length ? [{ kind: 'string', value: this.rawText(body[0]!, body[body.length - 1]!), span: this.spanFrom(body[0]!.span) }] : [];
    return { name: name.text, args, span: this.spanFrom(at.span) };
  }

  /** Tokens up to (not including) the `close` that balances the opening bracket just consumed. */
  private balancedUntil(close: string): Token[] {
    const body: Token[] = [];
    let depth = 0;
    while (!this.atEof) {
      const t = this.peek();
      if (t.kind === 'punct') {
        if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
        else if (t.text === ')' || t.text === ']' || t.text === '}') {
          if (depth === 0) {
            if (t.text === close) break;
            this.fail(t, `unbalanced '${t.text}' in annotation`);
          }
          depth--;
        }
      }
      body.push(this.next());
    }
    return body;
  }

  /**
   * A parenthesised annotation body is an expression list when it parses as
   * one; otherwise (and for structured `[...]` bodies) it is kept as raw text.
   */
  private annotationArgs(body: Token[], structured: boolean): Expr[] {
    if (body.length === 0) return [];
    if (!structured) {
      const eof: Token = { kind: 'eof', text: '', span: body[body.length - 1]!.span, lineStart: true };
      const silent = new Diagnostics();
      const exprs = new AnnotationParser([...body, eof], silent, this.sources, this.types).expressionList();
      if (exprs && !silent.hasErrors) return exprs;
    }
    return [{ kind: 'string', value: this.rawText(body[0]!, body[body.length - 1]!), span: { ...body[0]!.span, end: body[body.length - 1]!.span.end } }];
  }

  /** The whole token stream as `e, e, ...`, or undefined. */
  private expressionList(): Expr[] | undefined {
    try {
      const list = [this.parseExpression()];
      while (this.accept(',')) list.push(this.parseExpression());
      return this.atEof ? list : undefined;
    } catch (e) {
      if (e instanceof SyntaxErrorSignal) return undefined;
      throw e;
    }
  }
}
