// What the checker learns about a program: symbols, the type of every
// expression, folded constants. The lowering reads only this and the AST.
import type * as ast from '../ast.js';
import type { Type } from './types.js';

export type ActionDecl = ast.Decl & { kind: 'action' };
export type TableDecl = ast.Decl & { kind: 'table' };
export type ControlDecl = ast.Decl & { kind: 'control' };
export type ParserDecl = ast.Decl & { kind: 'parser' };
export type ExternDecl = ast.Decl & { kind: 'extern' };
export type ExternFunctionDecl = ast.Decl & { kind: 'externFunction' };

/** A compile-time value: integers, booleans, strings and members of error, match_kind and enums. */
export type ConstValue = bigint | boolean | string | { member: string; of: string };

export type Sym =
  | { kind: 'type'; name: string; type: Type }
  | { kind: 'const'; name: string; type: Type; value: ConstValue | undefined }
  | { kind: 'var'; name: string; type: Type; decl: ast.VariableDecl }
  | { kind: 'param'; name: string; type: Type; param: ast.Param; owner: 'block' | 'action' | 'function' }
  | { kind: 'instance'; name: string; type: Type; decl: ast.InstantiationDecl; qname: string }
  | { kind: 'table'; name: string; decl: TableDecl; qname: string }
  | { kind: 'action'; name: string; decl: ActionDecl; qname: string }
  | { kind: 'externFunction'; name: string; decls: ExternFunctionDecl[] }
  | { kind: 'function'; name: string; decl: ast.Decl & { kind: 'function' } }
  | { kind: 'valueSet'; name: string; decl: ast.Decl & { kind: 'valueSet' }; type: Type; qname: string }
  | { kind: 'state'; name: string };

export class Scope {
  private readonly names = new Map<string, Sym>();
  constructor(readonly parent: Scope | undefined) {}

  symbols(): IterableIterator<Sym> {
    return this.names.values();
  }

  lookup(name: string): Sym | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  own(name: string): Sym | undefined {
    return this.names.get(name);
  }

  define(sym: Sym): void {
    this.names.set(sym.name, sym);
  }

  get root(): Scope {
    return this.parent ? this.parent.root : this;
  }
}

/** The resolved target of an extern method or function call, for the lowering. */
export interface CallInfo {
  kind: 'extern-method' | 'extern-function' | 'action' | 'table-apply' | 'control-apply' | 'header' | 'stack' | 'function';
  name: string; // method or function name
  externType?: string; // register, counter, packet_in, ...
  typeArgs: Type[]; // bound type parameters of the callee, in declaration order
}

export interface CheckedProgram {
  program: ast.Program;
  top: Scope;
  types: Map<ast.Expr, Type>;
  syms: Map<ast.Expr, Sym>; // name expressions → what they denote
  consts: Map<ast.Expr, ConstValue>;
  calls: Map<ast.Expr, CallInfo>;
  /** Fully qualified names of actions, tables, instances and value sets, by declaration. */
  qnames: Map<object, string>;
  /** Controls instantiated inside another control (each once): where, and as what. */
  subControls: Map<ControlDecl, { parent: ControlDecl; instance: ast.InstantiationDecl }>;
  typeRefs: Map<ast.TypeRef, Type>;
  errorMembers: string[]; // declaration order
  matchKinds: string[];
  enums: Array<Type & { k: 'enum' }>;
  /** Symbols of each parser's and control's scope, by declaration. */
  blockScopes: Map<ast.Decl, Scope>;
}
