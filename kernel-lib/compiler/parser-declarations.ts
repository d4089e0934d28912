// Declarations: types, constants, externs, parsers, controls, packages,
// actions, functions, instantiations (tables: parser-tables.ts).

import type { Annotation, Decl, Direction, Expr, ExternMethod, Param, ParserState, SelectCase, Span, StructField, Transition } from './ast.js';
import { TableParser } from './parser-tables.js';

export class DeclarationParser extends TableParser {
  parseProgram(): Decl[] {
    const decls: Decl[] = [];
    this.list(() => false, () => {
      if (this.accept(';')) return;
      const d = this.parseDeclaration('top');
      if (d) decls.push(d);
    });
    return decls;
  }

  /** One declaration at top level, or among a control's or parser's locals. */
  private parseDeclaration(where: 'top' | 'control' | 'parser'): Decl | undefined {
    const start = this.peek().span;
    const annotations = this.parseAnnotations();
    const t = this.peek();
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'header':
        case 'struct':
        case 'header_union':
          return this.parseStructLike(t.text, annotations, start);
        case 'enum':
          return this.parseEnum(annotations, start);
        case 'typedef':
        case 'type':
          return this.parseTypedef(t.text, annotations, start);
        case 'error':
        case 'match_kind':
          if (this.at('{', 1)) return this.parseIdentifierListDecl(t.text, start);
          break;
        case 'const':
          return this.parseConstDecl(annotations, start);
        case 'extern':
          return this.parseExtern(annotations, start);
        case 'parser':
        case 'control':
          return this.parseParserOrControl(t.text, annotations, start);
        case 'package':
          return this.parsePackage(annotations, start);
        case 'action':
          return this.parseAction(annotations, start);
        case 'table':
          if (where === 'control') return this.parseTable(annotations, start);
          return this.fail(t, 'a table must be declared inside a control');
        case 'value_set':
          if (where === 'parser') return this.parseValueSet(annotations, start);
          return this.fail(t, 'a value_set must be declared inside a parser');
      }
    }
    if (this.isTypeStart() || (where === 'top' && t.kind === 'ident' && this.isName(1))) {
      if (where === 'top' && this.functionAhead()) return this.parseFunction(annotations, start);
      return this.parseVariableOrInstance(annotations, start);
    }
    if (t.kind === 'ident' && !this.types.has(t.text) && (this.isName(1) || this.at('(', 1) || this.at('<', 1))) {
      return this.fail(t, `unknown type '${t.text}'`);
    }
    return this.fail(t, `expected a declaration, found ${t.kind === 'eof' ? 'end of file' : `'${t.text}'`}`);
  }

  /** After a return type: `name (` or `name <` begins a function declaration. */
  private functionAhead(): boolean {
    let k = 0;
    // Skip the type: a name or keyword, then balanced <...>, then [..] suffixes.
    if (this.at('.', k)) k++;
    k++;
    if (this.at('<', k)) {
      let depth = 0;
      for (;; k++) {
        const t = this.peek(k);
        if (t.kind === 'eof' || this.at(';', k) || this.at('{', k)) return false;
        if (this.at('<', k)) depth++;
        if (this.at('>', k) && --depth === 0) {
          k++;
          break;
        }
      }
    }
    return this.isName(k) && (this.at('(', k + 1) || this.at('<', k + 1));
  }

  // ---------- type declarations ----------

  private parseStructLike(kind: 'header' | 'struct' | 'header_union', annotations: Annotation[], start: Span): Decl {
    this.next();
    const name = this.expectName(`a ${kind} name`).text;
    const typeParams = this.parseTypeParams();
    this.types.declare(name);
    const fields: StructField[] = [];
    this.types.within(typeParams, () => {
      this.expect('{', `to open the ${kind} fields`);
      this.list(() => this.at('}'), () => {
        const fieldStart = this.peek().span;
        const fieldAnnotations = this.parseAnnotations();
        const type = this.parseType();
        const fieldName = this.expectName('a field name').text;
        this.expect(';', 'after the field');
        fields.push({ annotations: fieldAnnotations, type, name: fieldName, span: this.spanFrom(fieldStart) });
      });
      this.expect('}', `to close the ${kind}`);
    });
    return { kind, name, annotations, typeParams, fields, span: this.spanFrom(start) };
  }

  private parseEnum(annotations: Annotation[], start: Span): Decl {
    this.next();
    const underlying = this.at('{', 1) ? undefined : this.parseType();
    const name = this.expectName('an enum name').text;
    this.types.declare(name);
    this.expect('{', 'to open the enum members');
    const members: Array<{ name: string; value?: Expr; span: Span }> = [];
    if (!this.at('}')) {
      do {
        const m = this.expectName('an enum member name');
        if (underlying) {
          this.expect('=', 'after the member of a serializable enum (each needs a value)');
          const value = this.parseExpression();
          members.push({ name: m.text, value, span: this.spanFrom(m.span) });
        } else {
          members.push({ name: m.text, span: m.span });
        }
      } while (this.accept(',') && !this.at('}'));
    }
    this.expect('}', 'to close the enum');
    return { kind: 'enum', name, annotations, ...(underlying ? { underlying } : {}), members, span: this.spanFrom(start) };
  }

  private parseTypedef(kind: 'typedef' | 'type', annotations: Annotation[], start: Span): Decl {
    this.next();
    if (this.at('header') || this.at('struct') || this.at('header_union') || this.at('enum')) {
      return this.fail(this.peek(), `declare the ${this.peek().text} first, then write '${kind} <its name> <new name>;'`);
    }
    const type = this.parseType();
    const name = this.expectName('a type name').text;
    this.expect(';', `after the ${kind} declaration`);
    this.types.declare(name);
    return { kind, name, annotations, type, span: this.spanFrom(start) };
  }

  private parseIdentifierListDecl(kind: 'error' | 'match_kind', start: Span): Decl {
    this.next();
    this.expect('{');
    const members: Array<{ name: string; span: Span }> = [];
    if (!this.at('}')) {
      do {
        const m = this.expectName(kind === 'error' ? 'an error name' : 'a match kind name');
        members.push({ name: m.text, span: m.span });
      } while (this.accept(',') && !this.at('}'));
    }
    this.expect('}', `to close the ${kind} declaration`);
    return { kind, members, span: this.spanFrom(start) };
  }

  // ---------- externs, packages, parameters ----------

  private parseExtern(annotations: Annotation[], start: Span): Decl {
    this.next();
    if (this.objectExternAhead()) {
      const name = this.next().text;
      const typeParams = this.parseTypeParams();
      this.types.declare(name);
      const methods: ExternMethod[] = [];
      this.types.within(typeParams, () => {
        this.expect('{', 'to open the extern methods');
        this.list(() => this.at('}'), () => {
          methods.push(this.parseExternMethod(name));
        });
        this.expect('}', 'to close the extern');
      });
      return { kind: 'extern', name, annotations, typeParams, methods, span: this.spanFrom(start) };
    }
    const returnType = this.parseType(true);
    const name = this.expectName('a function name').text;
    const typeParams = this.parseTypeParams();
    const params = this.types.within(typeParams, () => this.parseParams());
    this.expect(';', 'after the extern function declaration');
    return { kind: 'externFunction', name, annotations, returnType, typeParams, params, span: this.spanFrom(start) };
  }

  /** After `extern`: `Name {` or `Name<T, ...> {` declares an extern object. */
  private objectExternAhead(): boolean {
    if (!this.isName()) return false;
    if (this.at('{', 1)) return true;
    if (!this.at('<', 1)) return false;
    for (let k = 2; ; k += 2) {
      if (!this.isName(k)) return false;
      if (this.at('>', k + 1)) return this.at('{', k + 2);
      if (!this.at(',', k + 1)) return false;
    }
  }

  private parseExternMethod(externName: string): ExternMethod {
    const start = this.peek().span;
    const annotations = this.parseAnnotations();
    if (this.peek().text === externName && this.at('(', 1)) {
      this.next();
      const params = this.parseParams();
      this.expect(';', 'after the constructor');
      return { name: externName, annotations, typeParams: [], params, isAbstract: false, span: this.spanFrom(start) };
    }
    const isAbstract = !!this.accept('abstract');
    const returnType = this.parseType(true);
    const name = this.expectName('a method name').text;
    const typeParams = this.parseTypeParams();
    const params = this.types.within(typeParams, () => this.parseParams());
    this.expect(';', 'after the method');
    return { name, annotations, returnType, typeParams, params, isAbstract, span: this.spanFrom(start) };
  }

  private parsePackage(annotations: Annotation[], start: Span): Decl {
    this.next();
    const name = this.expectName('a package name').text;
    const typeParams = this.parseTypeParams();
    this.types.declare(name);
    const params = this.types.within(typeParams, () => this.parseParams());
    this.expect(';', 'after the package declaration');
    return { kind: 'packageType', name, annotations, typeParams, params, span: this.spanFrom(start) };
  }

  /** `( [annotations] [in|out|inout] T name [= default], ... )` */
  protected parseParams(): Param[] {
    this.expect('(', 'to open the parameter list');
    const params: Param[] = [];
    if (!this.at(')')) {
      do {
        const start = this.peek().span;
        const annotations = this.parseAnnotations();
        let direction: Direction = 'none';
        if (this.at('in') || this.at('out') || this.at('inout')) direction = this.next().text as Direction;
        const type = this.parseType();
        const name = this.expectName('a parameter name').text;
        const defaultValue = this.accept('=') ? this.parseExpression() : undefined;
        params.push({ annotations, direction, type, name, ...(defaultValue ? { defaultValue } : {}), span: this.spanFrom(start) });
      } while (this.accept(','));
    }
    this.expect(')', 'to close the parameter list');
    return params;
  }

  // ---------- parsers and controls ----------

  private parseParserOrControl(kind: 'parser' | 'control', annotations: Annotation[], start: Span): Decl {
    this.next();
    const name = this.expectName(`a ${kind} name`).text;
    const typeParams = this.parseTypeParams();
    this.types.declare(name);
    return this.types.within(typeParams, (): Decl => {
      const params = this.parseParams();
      if (this.accept(';')) {
        return { kind: kind === 'parser' ? 'parserType' : 'controlType', name, annotations, typeParams, params, span: this.spanFrom(start) };
      }
      const ctorParams = this.at('(') ? this.parseParams() : [];
      this.expect('{', `to open the ${kind} body (or ';' to declare a ${kind} type)`);
      const locals: Decl[] = [];
      if (kind === 'parser') {
        const states: ParserState[] = [];
        this.list(() => this.at('}'), () => {
          if (this.at('state') || (this.at('@') && this.annotatedStateAhead())) states.push(this.parseState());
          else if (states.length > 0) this.fail(this.peek(), 'parser locals must come before the first state');
          else {
            const d = this.parseDeclaration('parser');
            if (d) locals.push(d);
          }
        });
        this.expect('}', 'to close the parser');
        return { kind: 'parser', name, annotations, typeParams, params, ctorParams, locals, states, span: this.spanFrom(start) };
      }
      let apply: (Decl & { kind: 'control' })['apply'] | undefined;
      this.list(() => this.at('}'), () => {
        if (this.at('apply')) {
          this.next();
          if (apply) this.diags.error(this.peek(-1).span, 'a control has only one apply block');
          apply = this.parseBlock(this.parseAnnotations());
        } else if (apply) {
          this.fail(this.peek(), 'declarations must come before the apply block');
        } else {
          const d = this.parseDeclaration('control');
          if (d) locals.push(d);
        }
      });
      const close = this.expect('}', 'to close the control');
      if (!apply) {
        this.diags.error(close.span, `control '${name}' has no apply block: add 'apply { ... }' before this '}'`);
        apply = { kind: 'block', body: [], annotations: [], span: close.span };
      }
      return { kind: 'control', name, annotations, typeParams, params, ctorParams, locals, apply, span: this.spanFrom(start) };
    });
  }

  private annotatedStateAhead(): boolean {
    for (let k = 0; !this.at(';', k) && this.peek(k).kind !== 'eof'; k++) {
      if (this.at('state', k)) return true;
      if (this.at('{', k)) return false;
    }
    return false;
  }

  private parseState(): ParserState {
    const start = this.peek().span;
    const annotations = this.parseAnnotations();
    this.expect('state');
    const name = this.expectName('a state name').text;
    this.expect('{', 'to open the state');
    const body: ParserState['body'] = [];
    let transition: Transition | undefined;
    this.list(() => this.at('}'), () => {
      if (transition) this.fail(this.peek(), "the transition must be the last statement of a state");
      if (this.at('transition')) transition = this.parseTransition();
      else body.push(this.parseStatement());
    });
    this.expect('}', 'to close the state');
    return { annotations, name, body, ...(transition ? { transition } : {}), span: this.spanFrom(start) };
  }

  private parseTransition(): Transition {
    const start = this.next().span;
    if (!this.at('select')) {
      const target = this.expectName('a state name, accept or reject').text;
      this.expect(';', 'after the transition');
      return { kind: 'direct', target, span: this.spanFrom(start) };
    }
    this.next();
    this.expect('(', "after 'select'");
    const keys: Expr[] = [this.parseExpression()];
    while (this.accept(',')) keys.push(this.parseExpression());
    this.expect(')', 'to close the select keys');
    this.expect('{', 'to open the select cases');
    const cases: SelectCase[] = [];
    this.list(() => this.at('}'), () => {
      const caseStart = this.peek().span;
      const keyset = this.parseKeyset();
      this.expect(':', 'after the keyset');
      const target = this.expectName('a state name, accept or reject').text;
      this.expect(';', 'after the select case');
      cases.push({ keyset, target, span: this.spanFrom(caseStart) });
    });
    this.expect('}', 'to close the select');
    return { kind: 'select', keys, cases, span: this.spanFrom(start) };
  }

  private parseValueSet(annotations: Annotation[], start: Span): Decl {
    this.next();
    this.expect('<', "after 'value_set'");
    const elementType = this.parseType();
    this.expect('>', 'to close the value_set element type');
    this.expect('(', 'before the value_set size');
    const size = this.parseExpression();
    this.expect(')', 'after the value_set size');
    const name = this.expectName('a value_set name').text;
    this.expect(';', 'after the value_set declaration');
    return { kind: 'valueSet', name, annotations, elementType, size, span: this.spanFrom(start) };
  }

  // ---------- actions, functions ----------

  private parseAction(annotations: Annotation[], start: Span): Decl {
    this.next();
    const name = this.expectName('an action name').text;
    const params = this.parseParams();
    const body = this.parseBlock();
    return { kind: 'action', name, annotations, params, body, span: this.spanFrom(start) };
  }

  private parseFunction(annotations: Annotation[], start: Span): Decl {
    const returnType = this.parseType(true);
    const name = this.expectName('a function name').text;
    const typeParams = this.parseTypeParams();
    return this.types.within(typeParams, (): Decl => {
      const params = this.parseParams();
      const body = this.parseBlock();
      return { kind: 'function', name, annotations, returnType, typeParams, params, body, span: this.spanFrom(start) };
    });
  }
}
