// Statements: assignment, method call, if/else, switch, block, exit, return,
// empty, and local declarations (variables, constants, instantiations).

import type { Annotation, BinaryOp, ConstDecl, Expr, InstantiationDecl, Span, Stmt, SwitchCase, TypeRef, VariableDecl } from './ast.js';
import type { Token } from './lexer.js';
import { AnnotationParser } from './parser-annotations.js';

type Block = Stmt & { kind: 'block' };

const LOOP_WORDS: ReadonlySet<string> = new Set(['for', 'break', 'continue']);
const COMPOUND_OPS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '<<', '|+|', '|-|']);

function spanBetween(a: Token, b: Token): Span {
  return { ...a.span, end: b.span.end };
}

export abstract class StatementParser extends AnnotationParser {
  protected parseBlock(annotations: Annotation[] = []): Block {
    const start = this.expect('{').span;
    const body: Stmt[] = [];
    this.list(() => this.at('}'), () => {
      body.push(this.parseStatement());
    });
    this.expect('}', 'to close the block');
    return { kind: 'block', body, annotations, span: this.spanFrom(start) };
  }

  protected parseStatement(): Stmt {
    const t = this.peek();
    const start = t.span;
    const annotations = this.at('@') ? this.parseAnnotations() : [];
    if (this.at('{')) return this.parseBlock(annotations);
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'if': {
          this.next();
          this.expect('(', "after 'if'");
          const cond = this.parseExpression();
          this.expect(')', 'to close the condition');
          const then = this.parseStatement();
          const otherwise = this.accept('else') ? this.parseStatement() : undefined;
          return { kind: 'if', cond, then, ...(otherwise ? { else: otherwise } : {}), span: this.spanFrom(start) };
        }
        case 'switch':
          return this.parseSwitch();
        case 'exit':
          this.next();
          this.expect(';', "after 'exit'");
          return { kind: 'exit', span: this.spanFrom(start) };
        case 'return': {
          this.next();
          const value = this.at(';') ? undefined : this.parseExpression();
          this.expect(';', 'after the return statement');
          return { kind: 'return', ...(value ? { value } : {}), span: this.spanFrom(start) };
        }
        case 'const': {
          const decl = this.parseConstDecl(annotations, start);
          return { kind: 'constDecl', decl, span: decl.span };
        }
      }
    }
    if (this.accept(';')) return { kind: 'empty', span: start };
    // `counter = 0;`: a variable may share its name with a type (here v1model's extern).
    if (this.isTypeStart() && !(this.peek().kind === 'ident' && this.at('=', 1))) {
      const decl = this.parseVariableOrInstance(annotations, start);
      return decl.kind === 'var' ? { kind: 'varDecl', decl, span: decl.span } : this.localInstance(decl);
    }
    return this.parseAssignmentOrCall(start);
  }

  private localInstance(decl: InstantiationDecl): Stmt {
    // Instantiations inside blocks are legal P4 but have no Stmt form in the AST.
    this.diags.unsupported(decl.span, 'instantiations inside a block; declare the instance among the control or parser locals');
    return { kind: 'empty', span: decl.span };
  }

  private parseAssignmentOrCall(start: Span): Stmt {
    if (this.peek().kind === 'ident' && LOOP_WORDS.has(this.peek().text) && (this.at('(', 1) || this.at(';', 1))) {
      this.diags.unsupported(this.peek().span, `'${this.peek().text}' (P4 loops); unroll the loop`);
      this.next();
      if (this.at('(')) this.skipBalanced();
      if (this.at('{')) this.skipBalanced();
      else this.recover();
      return { kind: 'empty', span: this.spanFrom(start) };
    }
    const target = this.parsePostfix(this.parsePrimary());
    const op = this.peek();
    const eq = this.peek(1);
    // `>` is always a token of its own, so `>>=` arrives as `>` `>` `=`.
    const shiftRight = op.text === '>' && eq.text === '>' && eq.span.start === op.span.end && this.peek(2).text === '=' && this.peek(2).span.start === eq.span.end;
    if (shiftRight || (op.kind === 'punct' && COMPOUND_OPS.has(op.text) && eq.text === '=' && eq.span.start === op.span.end)) {
      // x op= y is x = x op (y)
      this.next();
      this.next();
      if (shiftRight) this.next();
      const right = this.parseExpression();
      this.expect(';', 'after the assignment');
      const binary = (shiftRight ? '>>' : op.text) as BinaryOp;
      // the target is evaluated once in P4: with a call in it, reading it twice would call twice
      if (hasCall(target)) this.diags.unsupported(target.span, `a call in the target of '${binary}='; assign the call's result to a variable first`);
      return { kind: 'assign', target, value: { kind: 'binary', op: binary, left: target, right, span: spanBetween(op, eq) }, span: this.spanFrom(start) };
    }
    if (this.accept('=')) {
      const value = this.parseExpression();
      this.expect(';', 'after the assignment');
      return { kind: 'assign', target, value, span: this.spanFrom(start) };
    }
    if (target.kind === 'call') {
      this.expect(';', 'after the call');
      return { kind: 'call', call: target, span: this.spanFrom(start) };
    }
    if (target.kind === 'name' && this.isName()) return this.fail(this.peek(-1), `unknown type '${target.name}'`);
    return this.fail(this.peek(), `expected '=' or '(' after ${describeTarget(target)}, found ${this.peek().kind === 'eof' ? 'end of file' : `'${this.peek().text}'`}`);
  }

  private parseSwitch(): Stmt {
    const start = this.next().span;
    this.expect('(', "after 'switch'");
    const subject = this.parseExpression();
    this.expect(')', 'to close the switch subject');
    this.expect('{', 'to open the switch cases');
    const cases: SwitchCase[] = [];
    this.list(() => this.at('}'), () => {
      const labelStart = this.peek().span;
      const label: Expr = this.at('default') ? { kind: 'default', span: this.next().span } : this.parseExpression();
      this.expect(':', 'after the switch label');
      const body = this.at('{') ? this.parseBlock() : undefined;
      const previous = cases[cases.length - 1];
      // Consecutive labels without a body share the next body (fall-through).
      if (previous && !previous.body) {
        previous.labels.push(label);
        if (body) previous.body = body;
        previous.span = this.spanFrom(previous.span);
      } else {
        cases.push({ labels: [label], ...(body ? { body } : {}), span: this.spanFrom(labelStart) });
      }
    });
    this.expect('}', 'to close the switch');
    return { kind: 'switch', subject, cases, span: this.spanFrom(start) };
  }

  /** `const T name = value;` (the cursor is on `const`). */
  protected parseConstDecl(annotations: Annotation[], start: Span): ConstDecl {
    this.expect('const');
    const type = this.parseType();
    const name = this.expectName('a constant name').text;
    this.expect('=', 'in the constant declaration (a constant needs a value)');
    const value = this.parseExpression();
    this.expect(';', 'after the constant declaration');
    return { kind: 'const', name, annotations, type, value, span: this.spanFrom(start) };
  }

  /** `T name [= init];` or `T(args) name;` (the cursor is on the type). */
  protected parseVariableOrInstance(annotations: Annotation[], start: Span): VariableDecl | InstantiationDecl {
    const type: TypeRef = this.parseType();
    if (this.at('(')) {
      const args = this.parseArguments();
      const name = this.expectName('an instance name').text;
      if (this.at('=') && this.at('{', 1)) {
        this.diags.unsupported(this.peek().span, 'implementing abstract extern methods in an instantiation');
        this.next();
        this.skipBalanced();
      }
      this.expect(';', 'after the instantiation');
      return { kind: 'instance', name, annotations, type, args, span: this.spanFrom(start) };
    }
    const name = this.expectName('a variable name').text;
    const init = this.accept('=') ? this.parseExpression() : undefined;
    this.expect(';', 'after the variable declaration');
    return { kind: 'var', name, annotations, type, ...(init ? { init } : {}), span: this.spanFrom(start) };
  }
}

function describeTarget(e: Expr): string {
  return e.kind === 'name' ? `'${e.name}'` : e.kind === 'member' ? `'.${e.member}'` : 'the expression';
}

function hasCall(e: Expr): boolean {
  if (e.kind === 'call') return true;
  if (e.kind === 'member') return hasCall(e.object);
  if (e.kind === 'slice') return hasCall(e.object) || hasCall(e.hi) || hasCall(e.lo);
  if (e.kind === 'index') return hasCall(e.object) || hasCall(e.index);
  if (e.kind === 'binary') return hasCall(e.left) || hasCall(e.right);
  if (e.kind === 'ternary') return hasCall(e.cond) || hasCall(e.then) || hasCall(e.else);
  if (e.kind === 'unary') return hasCall(e.operand);
  return e.kind === 'cast' ? hasCall(e.expr) : false;
}
