// Tables: `table t { key = {...} actions = {...} [const] entries = {...}
// default_action = ...; size = ...; ... }`.

import type { Annotation, Decl, Expr, Span, TableProperty } from './ast.js';
import { StatementParser } from './parser-statements.js';

type Entry = Extract<TableProperty['value'], { kind: 'entries' }>['entries'][number];
type KeyElement = Extract<TableProperty['value'], { kind: 'key' }>['elements'][number];
type ActionRef = Extract<TableProperty['value'], { kind: 'actions' }>['actions'][number];

export abstract class TableParser extends StatementParser {
  protected parseTable(annotations: Annotation[], start: Span): Decl {
    this.next();
    const name = this.expectName('a table name').text;
    this.expect('{', 'to open the table properties');
    const properties: TableProperty[] = [];
    this.list(() => this.at('}'), () => {
      properties.push(this.parseTableProperty());
    });
    this.expect('}', 'to close the table');
    return { kind: 'table', name, annotations, properties, span: this.spanFrom(start) };
  }

  private parseTableProperty(): TableProperty {
    const start = this.peek().span;
    const annotations = this.parseAnnotations();
    const isConst = !!this.accept('const');
    const nameTok = this.peek();
    if (nameTok.kind !== 'ident' && nameTok.kind !== 'keyword') this.fail(nameTok, 'expected a table property such as key, actions or default_action');
    this.next();
    const name = nameTok.text;
    this.expect('=', `after the table property '${name}'`);
    let value: TableProperty['value'];
    if (name === 'key') value = { kind: 'key', elements: this.parseBraced(() => this.parseKeyElement()) };
    else if (name === 'actions') value = { kind: 'actions', actions: this.parseBraced(() => this.parseActionRef()) };
    else if (name === 'entries') value = { kind: 'entries', entries: this.parseBraced(() => this.parseEntry()) };
    else {
      const expr = this.parseExpression();
      this.expect(';', `after the table property '${name}'`);
      value = { kind: 'expr', expr };
    }
    return { name, isConst, annotations, value, span: this.spanFrom(start) };
  }

  private parseBraced<T>(item: () => T): T[] {
    this.expect('{');
    const items: T[] = [];
    this.list(() => this.at('}'), () => {
      items.push(item());
    });
    this.expect('}');
    return items;
  }

  private parseKeyElement(): KeyElement {
    const start = this.peek().span;
    const expr = this.parseExpression();
    this.expect(':', 'between the key expression and its match kind');
    const matchKind = this.expectName('a match kind (exact, lpm, ternary, range, optional)').text;
    const annotations = this.parseAnnotations();
    this.expect(';', 'after the key element');
    return { expr, matchKind, annotations, span: this.spanFrom(start) };
  }

  private parseActionRef(): ActionRef {
    const start = this.peek().span;
    const annotations = this.parseAnnotations();
    const call = this.parsePostfix(this.parsePrimary());
    this.expect(';', 'after the action');
    return { annotations, call, span: this.spanFrom(start) };
  }

  /** `[const] [priority = p :] keyset : action(args) [annotations];` */
  private parseEntry(): Entry {
    const start = this.peek().span;
    const annotations = this.parseAnnotations();
    this.accept('const');
    let priority: Expr | undefined;
    if (this.at('priority') && this.at('=', 1)) {
      this.next();
      this.next();
      priority = this.parsePrimary();
      this.expect(':', 'after the entry priority');
    }
    const keyset = this.parseKeyset();
    this.expect(':', 'between the entry keys and its action');
    const action = this.parsePostfix(this.parsePrimary());
    annotations.push(...this.parseAnnotations());
    this.expect(';', 'after the entry');
    const prioAnnotation = annotations.find((a) => a.name === 'priority');
    if (!priority && prioAnnotation?.args[0]) priority = prioAnnotation.args[0];
    return { keyset, action, ...(priority ? { priority } : {}), annotations, span: this.spanFrom(start) };
  }
}
