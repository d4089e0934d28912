// Checker state shared by the declaration, statement and expression passes:
// scopes, the maps the lowering reads, and type-reference resolution.
import type * as ast from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import type { CallInfo, CheckedProgram, ConstValue, ControlDecl, ParserDecl, Sym } from './model.js';
import { Scope } from './model.js';
import { ERROR, MATCH_KIND, STRING, UNKNOWN, VOID, BOOL, INFINT, type Type, typeName } from './types.js';
import { constInt } from './expr.js';

/** Where checking currently is: decides what may be assigned, returned, called. */
export interface Where {
  block?: string; // fully qualified name of the enclosing parser or control
  blockKind?: 'parser' | 'control';
  blockDecl?: ControlDecl | ParserDecl;
  inAction?: boolean;
  inFunction?: boolean;
}

export class Checker {
  readonly types = new Map<ast.Expr, Type>();
  readonly syms = new Map<ast.Expr, Sym>();
  readonly consts = new Map<ast.Expr, ConstValue>();
  readonly calls = new Map<ast.Expr, CallInfo>();
  readonly typeRefs = new Map<ast.TypeRef, Type>();
  readonly qnames = new Map<object, string>();
  /** Controls instantiated inside another control: where, and as what. */
  readonly subControls = new Map<ControlDecl, { parent: ControlDecl; instance: ast.InstantiationDecl }>();
  readonly errorMembers: string[] = [];
  readonly matchKinds: string[] = [];
  readonly enums: Array<Type & { k: 'enum' }> = [];
  readonly blockScopes = new Map<ast.Decl, Scope>();
  readonly top = new Scope(undefined);
  scope: Scope = this.top;
  where: Where = {};

  constructor(readonly program: ast.Program, readonly diags: Diagnostics) {
    this.top.define({ kind: 'type', name: 'error', type: ERROR });
    this.top.define({ kind: 'type', name: 'match_kind', type: MATCH_KIND });
  }

  result(): CheckedProgram {
    return {
      program: this.program,
      top: this.top,
      types: this.types,
      syms: this.syms,
      consts: this.consts,
      calls: this.calls,
      qnames: this.qnames,
      subControls: this.subControls,
      typeRefs: this.typeRefs,
      errorMembers: this.errorMembers,
      matchKinds: this.matchKinds,
      enums: this.enums,
      blockScopes: this.blockScopes,
    };
  }

  error(span: ast.Span, msg: string): void {
    this.diags.error(span, msg);
  }

  /** Run `fn` in a child scope. */
  nested<T>(fn: (scope: Scope) => T, where?: Where): T {
    const saved = this.scope;
    const savedWhere = this.where;
    this.scope = new Scope(saved);
    if (where) this.where = { ...savedWhere, ...where };
    try {
      return fn(this.scope);
    } finally {
      this.scope = saved;
      this.where = savedWhere;
    }
  }

  define(sym: Sym, span: ast.Span): void {
    if (this.scope.own(sym.name) && sym.kind !== 'externFunction') {
      this.error(span, `'${sym.name}' is already declared in this scope`);
      return;
    }
    this.scope.define(sym);
    if ('qname' in sym && 'decl' in sym) this.qnames.set(sym.decl, sym.qname);
  }

  /** The name an object gets in the JSON and P4Info: `@name` honoured, else qualified by its block. */
  qualify(name: string, annotations: ast.Annotation[]): string {
    const ann = annotations.find((a) => a.name === 'name');
    const arg = ann?.args[0];
    if (arg && arg.kind === 'string') {
      if (arg.value.startsWith('.')) return arg.value.slice(1);
      name = arg.value;
    }
    return this.where.block ? `${this.where.block}.${name}` : name;
  }

  resolveType(ref: ast.TypeRef, typeVars: ReadonlySet<string> = new Set()): Type {
    const t = this.resolveTypeUncached(ref, typeVars);
    this.typeRefs.set(ref, t);
    return t;
  }

  private resolveTypeUncached(ref: ast.TypeRef, typeVars: ReadonlySet<string>): Type {
    switch (ref.kind) {
      case 'bit':
      case 'int':
      case 'varbit': {
        const w = constInt(this, ref.width, `the width of ${ref.kind}<…>`);
        if (w === undefined) return UNKNOWN;
        if (w < (ref.kind === 'int' ? 1 : 0) || w > 2048) {
          this.error(ref.width.span, `${ref.kind}<${w}>: the width must be between ${ref.kind === 'int' ? 1 : 0} and 2048`);
          return UNKNOWN;
        }
        return { k: ref.kind, w: Number(w) };
      }
      case 'bool':
        return BOOL;
      case 'error':
        return ERROR;
      case 'match_kind':
        return MATCH_KIND;
      case 'string':
        return STRING;
      case 'void':
        return VOID;
      case 'infint':
        return INFINT;
      case 'dontcare':
        return { k: 'dontcare' };
      case 'tuple':
        return { k: 'tuple', elems: ref.elements.map((e) => this.resolveType(e, typeVars)) };
      case 'stack': {
        const elem = this.resolveType(ref.element, typeVars);
        const size = constInt(this, ref.size, 'a header stack size');
        if (size === undefined) return UNKNOWN;
        if (elem.k !== 'header' && elem.k !== 'union' && elem.k !== 'unknown') {
          this.error(ref.span, `a stack holds headers, not ${typeName(elem)}`);
          return UNKNOWN;
        }
        return { k: 'stack', elem, size: Number(size) };
      }
      case 'named': {
        if (typeVars.has(ref.name)) return { k: 'typevar', name: ref.name };
        const sym = this.scope.lookup(ref.name);
        if (!sym) {
          this.error(ref.span, `unknown type '${ref.name}'`);
          return UNKNOWN;
        }
        if (sym.kind !== 'type') {
          this.error(ref.span, `'${ref.name}' is not a type`);
          return UNKNOWN;
        }
        const t = sym.type;
        if (t.k === 'extern') {
          const want = t.decl.typeParams.length;
          if (ref.args.length !== want && ref.args.length !== 0) {
            this.error(ref.span, `${ref.name} takes ${want} type argument(s), got ${ref.args.length}`);
            return UNKNOWN;
          }
          return { ...t, args: ref.args.map((a) => this.resolveType(a, typeVars)) };
        }
        if (ref.args.length && t.k === 'block') {
          // `V1Switch<headers_t, metadata_t>(...)`: the arguments are inferred anyway; check they name types.
          for (const a of ref.args) this.resolveType(a, typeVars);
          return t;
        }
        if (ref.args.length) {
          this.diags.unsupported(ref.span, `type arguments on '${ref.name}'`);
          return UNKNOWN;
        }
        return t;
      }
    }
  }

  recordCall(e: ast.Expr, info: CallInfo): void {
    this.calls.set(e, info);
  }
}
