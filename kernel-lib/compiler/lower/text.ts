// P4 source text of an expression, as p4c prints key names (`hdr.ipv4.dstAddr`).
import type * as ast from '../ast.js';

export function exprText(e: ast.Expr): string {
  switch (e.kind) {
    case 'int':
      return e.text;
    case 'bool':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'name':
      return (e.dotPrefix ? '.' : '') + e.name;
    case 'member':
      return `${exprText(e.object)}.${e.member}`;
    case 'index':
      return `${exprText(e.object)}[${exprText(e.index)}]`;
    case 'slice':
      return `${exprText(e.object)}[${exprText(e.hi)}:${exprText(e.lo)}]`;
    case 'call':
      return `${exprText(e.callee)}(${e.args.map((a) => exprText(a.value)).join(', ')})`;
    case 'unary':
      return `${e.op}${exprText(e.operand)}`;
    case 'binary':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'ternary':
      return `${exprText(e.cond)} ? ${exprText(e.then)} : ${exprText(e.else)}`;
    case 'cast':
      return `(${typeText(e.type)})${exprText(e.expr)}`;
    case 'list':
      return `{${e.elements.map(exprText).join(', ')}}`;
    case 'structInit':
      return `{${e.fields.map((f) => `${f.name} = ${exprText(f.value)}`).join(', ')}}`;
    case 'default':
      return 'default';
    case 'dontcare':
      return '_';
    case 'typeMember':
      return `${typeText(e.type)}.${e.member}`;
  }
}

function typeText(t: ast.TypeRef): string {
  switch (t.kind) {
    case 'bit':
    case 'int':
    case 'varbit':
      return `${t.kind}<${exprText(t.width)}>`;
    case 'named':
      return t.args.length ? `${t.name}<${t.args.map(typeText).join(', ')}>` : t.name;
    case 'stack':
      return `${typeText(t.element)}[${exprText(t.size)}]`;
    case 'tuple':
      return `tuple<${t.elements.map(typeText).join(', ')}>`;
    default:
      return t.kind;
  }
}
