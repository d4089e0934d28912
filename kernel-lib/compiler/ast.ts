// The P4-16 syntax tree: what the parser produces and the checker reads.
// Every node carries its source span so diagnostics can point at it.

export interface Span {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  end: number; // offset one past the last character, in the original text of `file`
  start: number; // offset of the first character, in the original text of `file`
}

export interface Node {
  span: Span;
}

export interface Annotation extends Node {
  name: string; // without '@'
  args: Expr[]; // @name("x") → [StringLit]; @id(3) → [IntLit]; unparsed bodies are kept as one StringLit
  body?: string; // the source text between the brackets, as P4Info repeats it
}

// ---------- types ----------
export type TypeRef =
  | { kind: 'bit'; width: Expr; span: Span } // bit<W>
  | { kind: 'int'; width: Expr; span: Span } // int<W>
  | { kind: 'varbit'; width: Expr; span: Span }
  | { kind: 'bool'; span: Span }
  | { kind: 'error'; span: Span }
  | { kind: 'match_kind'; span: Span }
  | { kind: 'string'; span: Span }
  | { kind: 'void'; span: Span }
  | { kind: 'infint'; span: Span } // the type of untyped integer literals, `int`
  | { kind: 'dontcare'; span: Span } // `_` as a type argument
  | { kind: 'named'; name: string; args: TypeRef[]; span: Span } // T, register<bit<32>>
  | { kind: 'stack'; element: TypeRef; size: Expr; span: Span } // h_t[4]
  | { kind: 'tuple'; elements: TypeRef[]; span: Span };

// ---------- expressions ----------
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '|+|' | '|-|'
  | '&' | '|' | '^' | '<<' | '>>' | '++'
  | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '&&' | '||'
  | '&&&' // ternary mask in keysets
  | '..'; // range in keysets

export type UnaryOp = '!' | '~' | '-' | '+';

export type Expr =
  | { kind: 'int'; value: bigint; width?: number; signed?: boolean; text: string; span: Span } // 8w5, 0x800, 4s-1
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'name'; name: string; dotPrefix?: boolean; span: Span } // .x refers to top-level x
  | { kind: 'member'; object: Expr; member: string; span: Span } // a.b
  | { kind: 'index'; object: Expr; index: Expr; span: Span } // a[i]
  | { kind: 'slice'; object: Expr; hi: Expr; lo: Expr; span: Span } // a[h:l]
  | { kind: 'call'; callee: Expr; typeArgs: TypeRef[]; args: Argument[]; span: Span }
  | { kind: 'unary'; op: UnaryOp; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'ternary'; cond: Expr; then: Expr; else: Expr; span: Span }
  | { kind: 'cast'; type: TypeRef; expr: Expr; span: Span }
  | { kind: 'list'; elements: Expr[]; span: Span } // { a, b } and tuple/keyset lists
  | { kind: 'structInit'; fields: Array<{ name: string; value: Expr; span: Span }>; span: Span } // { f = v, g = w }
  | { kind: 'default'; span: Span } // `default` in select / keysets
  | { kind: 'dontcare'; span: Span } // `_`
  | { kind: 'typeMember'; type: TypeRef; member: string; span: Span }; // error.NoError when parsed as a type

export interface Argument extends Node {
  name?: string; // named argument `x = e`
  value: Expr;
}

// ---------- statements ----------
export type Stmt =
  | { kind: 'assign'; target: Expr; value: Expr; span: Span }
  | { kind: 'call'; call: Expr & { kind: 'call' }; span: Span } // method call statement
  | { kind: 'if'; cond: Expr; then: Stmt; else?: Stmt; span: Span }
  | { kind: 'block'; body: Stmt[]; annotations: Annotation[]; span: Span }
  | { kind: 'switch'; subject: Expr; cases: SwitchCase[]; span: Span }
  | { kind: 'exit'; span: Span }
  | { kind: 'return'; value?: Expr; span: Span }
  | { kind: 'empty'; span: Span }
  | { kind: 'varDecl'; decl: VariableDecl; span: Span }
  | { kind: 'constDecl'; decl: ConstDecl; span: Span };

export interface SwitchCase extends Node {
  labels: Array<Expr | { kind: 'default'; span: Span }>; // action names or constants; several labels fall through
  body?: Stmt & { kind: 'block' }; // absent for fall-through labels
}

// ---------- declarations ----------
export type Direction = 'in' | 'out' | 'inout' | 'none';

export interface Param extends Node {
  annotations: Annotation[];
  direction: Direction;
  type: TypeRef;
  name: string;
  defaultValue?: Expr;
}

export interface TypeParams {
  typeParams: string[];
}

export interface StructField extends Node {
  annotations: Annotation[];
  type: TypeRef;
  name: string;
}

export interface ParserState extends Node {
  annotations: Annotation[];
  name: string;
  body: Stmt[];
  transition?: Transition;
}

export type Transition =
  | { kind: 'direct'; target: string; span: Span }
  | { kind: 'select'; keys: Expr[]; cases: SelectCase[]; span: Span };

export interface SelectCase extends Node {
  keyset: Expr; // a single expression, a list, `default`, `_`, `v &&& m`, `lo .. hi`, or a value_set name
  target: string;
}

export interface TableProperty extends Node {
  name: string; // key, actions, default_action, size, entries, implementation, counters, meters, support_timeout, ...
  isConst: boolean;
  annotations: Annotation[];
  value:
    | { kind: 'key'; elements: Array<{ expr: Expr; matchKind: string; annotations: Annotation[]; span: Span }> }
    | { kind: 'actions'; actions: Array<{ annotations: Annotation[]; call: Expr; span: Span }> } // name or call with args
    | { kind: 'entries'; entries: Array<{ keyset: Expr; action: Expr; priority?: Expr; annotations: Annotation[]; span: Span }> }
    | { kind: 'expr'; expr: Expr }; // default_action, size, implementation, counters, ...
}

export type Decl =
  | { kind: 'header' | 'struct' | 'header_union'; name: string; annotations: Annotation[]; typeParams: string[]; fields: StructField[]; span: Span }
  | { kind: 'typedef' | 'type'; name: string; annotations: Annotation[]; type: TypeRef; span: Span }
  | { kind: 'enum'; name: string; annotations: Annotation[]; underlying?: TypeRef; members: Array<{ name: string; value?: Expr; span: Span }>; span: Span }
  | { kind: 'error'; members: Array<{ name: string; span: Span }>; span: Span }
  | { kind: 'match_kind'; members: Array<{ name: string; span: Span }>; span: Span }
  | ConstDecl
  | VariableDecl
  | InstantiationDecl
  | { kind: 'action'; name: string; annotations: Annotation[]; params: Param[]; body: Stmt & { kind: 'block' }; span: Span }
  | { kind: 'function'; name: string; annotations: Annotation[]; returnType: TypeRef; typeParams: string[]; params: Param[]; body: Stmt & { kind: 'block' }; span: Span }
  | { kind: 'table'; name: string; annotations: Annotation[]; properties: TableProperty[]; span: Span }
  | { kind: 'parser'; name: string; annotations: Annotation[]; typeParams: string[]; params: Param[]; ctorParams: Param[]; locals: Decl[]; states: ParserState[]; span: Span }
  | { kind: 'control'; name: string; annotations: Annotation[]; typeParams: string[]; params: Param[]; ctorParams: Param[]; locals: Decl[]; apply: Stmt & { kind: 'block' }; span: Span }
  | { kind: 'parserType' | 'controlType'; name: string; annotations: Annotation[]; typeParams: string[]; params: Param[]; span: Span }
  | { kind: 'packageType'; name: string; annotations: Annotation[]; typeParams: string[]; params: Param[]; span: Span }
  | { kind: 'extern'; name: string; annotations: Annotation[]; typeParams: string[]; methods: ExternMethod[]; span: Span }
  | { kind: 'externFunction'; name: string; annotations: Annotation[]; returnType: TypeRef; typeParams: string[]; params: Param[]; span: Span }
  | { kind: 'valueSet'; name: string; annotations: Annotation[]; elementType: TypeRef; size: Expr; span: Span };

export interface ConstDecl extends Node {
  kind: 'const';
  name: string;
  annotations: Annotation[];
  type: TypeRef;
  value: Expr;
}

export interface VariableDecl extends Node {
  kind: 'var';
  name: string;
  annotations: Annotation[];
  type: TypeRef;
  init?: Expr;
}

/** `register<bit<32>>(1024) r;`, `V1Switch(MyParser(), ...) main;` */
export interface InstantiationDecl extends Node {
  kind: 'instance';
  name: string;
  annotations: Annotation[];
  type: TypeRef;
  args: Argument[];
}

export interface ExternMethod extends Node {
  name: string; // equals the extern's name for a constructor
  annotations: Annotation[];
  returnType?: TypeRef; // absent for constructors
  typeParams: string[];
  params: Param[];
  isAbstract: boolean;
}

export interface Program {
  files: string[]; // every file read, in include order
  decls: Decl[];
}
