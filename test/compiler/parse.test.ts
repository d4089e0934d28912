// The P4 front end on real programs: every program in p4/ and every include
// file parses cleanly; the syntax tree has the expected shape; P4's operator
// precedence and the generic `<` are resolved; positions refer to the original
// files through #include and macros; no input makes the parser throw.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Decl, Expr, Stmt, TypeRef } from '../../kernel-lib/compiler/ast.js';
import { formatDiagnostics } from '../../kernel-lib/compiler/diagnostics.js';
import { parseP4 } from '../../kernel-lib/compiler/parser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const p4Dir = join(root, 'p4');
const includeDir = join(root, 'kernel-lib/compiler/include');
const programs = readdirSync(p4Dir).filter((f) => f.endsWith('.p4')).sort();

function parseFile(path: string) {
  return parseP4({ file: path, text: readFileSync(path, 'utf8') });
}

function parseText(text: string, files: Record<string, string> = {}) {
  return parseP4({ file: 'main.p4', text }, { readFile: (p) => files[p] });
}

function clean(text: string) {
  const r = parseText(text);
  expect(formatDiagnostics(r.diagnostics.list, r.sources)).toBe('');
  return r.program.decls;
}

function find<K extends Decl['kind']>(decls: Decl[], kind: K, name: string): Extract<Decl, { kind: K }> {
  const d = decls.find((x) => x.kind === kind && 'name' in x && x.name === name);
  if (!d) throw new Error(`no ${kind} ${name}`);
  return d as Extract<Decl, { kind: K }>;
}

/** An expression fully parenthesised, to read precedence at a glance. */
function show(e: Expr): string {
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
      return `${show(e.object)}.${e.member}`;
    case 'index':
      return `${show(e.object)}[${show(e.index)}]`;
    case 'slice':
      return `${show(e.object)}[${show(e.hi)}:${show(e.lo)}]`;
    case 'call':
      return `${show(e.callee)}${e.typeArgs.length ? `<${e.typeArgs.map(showType).join(',')}>` : ''}(${e.args.map((a) => (a.name ? `${a.name}=` : '') + show(a.value)).join(',')})`;
    case 'unary':
      return `(${e.op}${show(e.operand)})`;
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'ternary':
      return `(${show(e.cond)} ? ${show(e.then)} : ${show(e.else)})`;
    case 'cast':
      return `((${showType(e.type)})${show(e.expr)})`;
    case 'list':
      return `{${e.elements.map(show).join(',')}}`;
    case 'default':
      return 'default';
    case 'dontcare':
      return '_';
    case 'typeMember':
      return `${showType(e.type)}.${e.member}`;
  }
}

function showType(t: TypeRef): string {
  switch (t.kind) {
    case 'bit':
    case 'int':
    case 'varbit':
      return `${t.kind}<${show(t.width)}>`;
    case 'named':
      return t.args.length ? `${t.name}<${t.args.map(showType).join(',')}>` : t.name;
    case 'stack':
      return `${showType(t.element)}[${show(t.size)}]`;
    case 'tuple':
      return `tuple<${t.elements.map(showType).join(',')}>`;
    case 'infint':
      return 'int';
    case 'dontcare':
      return '_';
    default:
      return t.kind;
  }
}

function expr(text: string, prelude = ''): string {
  const decls = clean(`${prelude}\nconst bit<8> probe = ${text};`);
  return show(find(decls, 'const', 'probe').value);
}

describe('the programs in p4/', () => {
  it('include every NF of the experiments', () => {
    expect(programs).toEqual([
      'flow_counter.p4',
      'ids_preclassifier.p4',
      'int_telemetry.p4',
      'ipv4_router.p4',
      'l2_forwarder.p4',
      'load_balancer.p4',
      'mac_rewriter.p4',
      'nat.p4',
      'p4nfv_all_in_one.p4',
      'stateful_firewall.p4',
    ]);
  });

  for (const name of programs) {
    it(`${name} parses with no diagnostics and instantiates main`, () => {
      const r = parseFile(join(p4Dir, name));
      expect(formatDiagnostics(r.diagnostics.list, r.sources)).toBe('');
      const main = r.program.decls.find((d) => d.kind === 'instance' && d.name === 'main');
      expect(main?.kind === 'instance' && main.type.kind === 'named' && main.type.name).toBe('V1Switch');
      expect(r.program.files[0]).toBe(join(p4Dir, name));
      expect(r.program.files.some((f) => f.endsWith('v1model.p4'))).toBe(true);
    });
  }

  it('every program has a header comment and uses the shared headers', () => {
    for (const name of programs) {
      const text = readFileSync(join(p4Dir, name), 'utf8');
      expect(text.startsWith(`/*\n * ${name}: `), name).toBe(true);
      expect(text).toContain('#include "include/headers.p4"');
    }
  });
});

describe('the include files', () => {
  for (const path of [join(includeDir, 'core.p4'), join(includeDir, 'v1model.p4'), join(p4Dir, 'include/headers.p4')]) {
    it(`${path.slice(root.length + 1)} parses with no diagnostics`, () => {
      const r = parseFile(path);
      expect(formatDiagnostics(r.diagnostics.list, r.sources)).toBe('');
      expect(r.program.decls.length).toBeGreaterThan(0);
    });
  }

  it('v1model declares the standard metadata with the widths simple_switch uses', () => {
    const r = parseFile(join(includeDir, 'v1model.p4'));
    const sm = find(r.program.decls, 'struct', 'standard_metadata_t');
    const fields = sm.fields.map((f) => `${f.name}:${showType(f.type)}`);
    expect(fields).toEqual([
      'ingress_port:bit<9>', 'egress_spec:bit<9>', 'egress_port:bit<9>', 'instance_type:bit<32>',
      'packet_length:bit<32>', 'enq_timestamp:bit<32>', 'enq_qdepth:bit<19>', 'deq_timedelta:bit<32>',
      'deq_qdepth:bit<19>', 'ingress_global_timestamp:bit<48>', 'egress_global_timestamp:bit<48>',
      'mcast_grp:bit<16>', 'egress_rid:bit<16>', 'checksum_error:bit<1>', 'parser_error:error', 'priority:bit<3>',
    ]);
    const register = find(r.program.decls, 'extern', 'register');
    expect(register.typeParams).toEqual(['T']);
    expect(register.methods.map((m) => `${m.name}(${m.params.map((p) => `${p.direction} ${showType(p.type)}`).join(', ')})`)).toEqual([
      'register(none bit<32>)', 'read(out T, in bit<32>)', 'write(in bit<32>, in T)',
    ]);
    const hash = find(r.program.decls, 'externFunction', 'hash');
    expect(hash.typeParams).toEqual(['O', 'T', 'D', 'M']);
    const v1switch = find(r.program.decls, 'packageType', 'V1Switch');
    expect(v1switch.params.map((p) => showType(p.type))).toEqual([
      'Parser<H,M>', 'VerifyChecksum<H,M>', 'Ingress<H,M>', 'Egress<H,M>', 'ComputeChecksum<H,M>', 'Deparser<H>',
    ]);
  });

  it('core.p4 declares the errors in the order that numbers them', () => {
    const r = parseFile(join(includeDir, 'core.p4'));
    const errors = r.program.decls.find((d) => d.kind === 'error');
    expect(errors?.kind === 'error' && errors.members.map((m) => m.name)).toEqual([
      'NoError', 'PacketTooShort', 'NoMatch', 'StackOutOfBounds', 'HeaderTooShort', 'ParserTimeout', 'ParserInvalidArgument',
    ]);
  });
});

describe('syntax tree shape', () => {
  it('l2_forwarder: tables, digest with a type argument, controller headers', () => {
    const { program } = parseFile(join(p4Dir, 'l2_forwarder.p4'));
    const ingress = find(program.decls, 'control', 'MyIngress');
    const dmac = find(ingress.locals, 'table', 'dmac');
    const key = dmac.properties.find((p) => p.name === 'key')!.value;
    expect(key.kind === 'key' && key.elements.map((e) => `${show(e.expr)}:${e.matchKind}@${e.annotations[0]?.name}`)).toEqual([
      'hdr.ethernet.dst_addr:exact@name',
    ]);
    const actions = dmac.properties.find((p) => p.name === 'actions')!.value;
    expect(actions.kind === 'actions' && actions.actions.map((a) => show(a.call))).toEqual(['forward', 'flood', 'drop']);
    const def = dmac.properties.find((p) => p.name === 'default_action')!.value;
    expect(def.kind === 'expr' && show(def.expr)).toBe('flood(1)');
    const learn = find(ingress.locals, 'action', 'learn');
    const call = learn.body.body[0] as Stmt & { kind: 'call' };
    expect(show(call.call)).toBe('digest<mac_learn_digest_t>(1,{hdr.ethernet.src_addr,standard_metadata.ingress_port})');
    const packetIn = find(program.decls, 'header', 'packet_in_t');
    expect(packetIn.annotations.map((a) => `${a.name}(${a.args.map(show).join(',')})`)).toEqual(['controller_header("packet_in")']);
  });

  it('ids_preclassifier: const entries with tuple keysets', () => {
    const { program } = parseFile(join(p4Dir, 'ids_preclassifier.p4'));
    const table = find(find(program.decls, 'control', 'MyIngress').locals, 'table', 'ids_classify');
    const entries = table.properties.find((p) => p.name === 'entries')!;
    expect(entries.isConst).toBe(true);
    expect(entries.value.kind === 'entries' && entries.value.entries.map((e) => `${show(e.keyset)} -> ${show(e.action)}`)).toEqual([
      '{IP_PROTO_TCP,80} -> set_class(CLASS_HTTP)',
      '{IP_PROTO_TCP,22} -> set_class(CLASS_SSH)',
    ]);
  });

  it('int_telemetry: header stack, parser loop over stack.next, tuple select', () => {
    const { program } = parseFile(join(p4Dir, 'int_telemetry.p4'));
    const hdrs = find(program.decls, 'struct', 'int_headers_t');
    expect(showType(hdrs.fields.find((f) => f.name === 'int_hops')!.type)).toBe('int_hop_t[4]');
    const parser = find(program.decls, 'parser', 'IntParser');
    expect(parser.states.map((s) => s.name)).toEqual([
      'start', 'parse_ipv4', 'parse_int_shim', 'parse_int_hop', 'parse_int_payload', 'parse_tcp', 'parse_udp',
    ]);
    const ipv4 = parser.states[1]!.transition!;
    expect(ipv4.kind === 'select' && ipv4.keys.map(show)).toEqual(['hdr.ipv4.frag_offset', 'hdr.ipv4.protocol']);
    expect(ipv4.kind === 'select' && ipv4.cases.map((c) => `${show(c.keyset)}:${c.target}`)).toEqual([
      '{0,IP_PROTO_INT}:parse_int_shim', '{0,IP_PROTO_TCP}:parse_tcp', '{0,IP_PROTO_UDP}:parse_udp', 'default:accept',
    ]);
    const hop = parser.states[3]!.body[0] as Stmt & { kind: 'call' };
    expect(show(hop.call)).toBe('packet.extract(hdr.int_hops.next)');
    const meta = find(program.decls, 'struct', 'metadata_t');
    expect(meta.fields[0]!.annotations.map((a) => `${a.name}(${a.args.map(show)})`)).toEqual(['field_list(1)']);
  });

  it('load_balancer: switch on action_run', () => {
    const { program } = parseFile(join(p4Dir, 'load_balancer.p4'));
    const sw = find(program.decls, 'control', 'MyIngress').apply.body[0]!;
    expect(sw.kind).toBe('switch');
    if (sw.kind !== 'switch') return;
    expect(show(sw.subject)).toBe('lb_ingress.apply().action_run');
    expect(sw.cases.map((c) => c.labels.map(show).join('|'))).toEqual(['balance']);
  });

  it('every declaration form of the language', () => {
    const decls = clean(`
#include <v1model.p4>
typedef bit<48> mac_t;
type bit<32> ip_t;
enum bit<8> Proto { TCP = 6, UDP = 17 }
enum Color { Red, Green }
error { MyError }
match_kind { special }
header a_t { bit<8> x; int<8> y; varbit<64> opts; }
header_union u_t { a_t a; a_t b; }
struct s_t<T> { T f; tuple<bit<8>, bool> t; }
extern Checker<T> {
    Checker(bit<32> n);
    T get<D>(in D data);
    abstract void cb(in T v);
}
extern R accumulate<R>(in R a, in R b);
bit<8> twice(in bit<8> v) { return v + v; }
parser P(packet_in pk, out a_t h)(bit<8> depth) {
    value_set<bit<8>>(4) pvs;
    state start {
        pk.extract(h);
        transition select(h.x) {
            pvs: accept;
            0x0F &&& 0xF0: reject;
            1 .. 5: accept;
            _: reject;
        }
    }
}
control C(inout a_t h) {
    @name("counter") register<bit<32>>(1024) r;
    apply { }
}
package Pkg<H>(C c);
`);
    expect(decls.slice(-15).map((d) => d.kind)).toEqual([
      'typedef', 'type', 'enum', 'enum', 'error', 'match_kind', 'header', 'header_union', 'struct', 'extern',
      'externFunction', 'function', 'parser', 'control', 'packageType',
    ]);
    expect(find(decls, 'enum', 'Proto').members.map((m) => `${m.name}=${m.value && show(m.value)}`)).toEqual(['TCP=6', 'UDP=17']);
    const checker = find(decls, 'extern', 'Checker');
    expect(checker.methods.map((m) => `${m.isAbstract ? 'abstract ' : ''}${m.returnType ? showType(m.returnType) + ' ' : ''}${m.name}<${m.typeParams}>`)).toEqual([
      'Checker<>', 'T get<D>', 'abstract void cb<>',
    ]);
    const parser = find(decls, 'parser', 'P');
    expect(parser.ctorParams.map((p) => p.name)).toEqual(['depth']);
    expect(parser.locals.map((l) => l.kind)).toEqual(['valueSet']);
    const sel = parser.states[0]!.transition!;
    expect(sel.kind === 'select' && sel.cases.map((c) => show(c.keyset))).toEqual(['pvs', '(0x0F &&& 0xF0)', '(1 .. 5)', '_']);
    const r = find(find(decls, 'control', 'C').locals, 'instance', 'r');
    expect(showType(r.type)).toBe('register<bit<32>>');
    expect(r.annotations.map((a) => a.name)).toEqual(['name']);
    expect(showType(find(decls, 'struct', 's_t').fields[1]!.type)).toBe('tuple<bit<8>,bool>');
  });

  it('statements: if/else chains, switch with fall-through and default, exit, return, locals', () => {
    const decls = clean(`
#include <core.p4>
enum E { A, B }
control C(inout bit<8> x, in E e) {
    table t { actions = { NoAction; } }
    apply {
        bit<8> tmp = 1;
        const bit<8> K = 2;
        if (t.apply().hit) { exit; } else if (t.apply().miss) { x = K; } else { return; }
        switch (t.apply().action_run) {
            NoAction:
            default: { tmp = 3; }
        }
        switch (e) { E.A: { x = 1; } E.B: { } }
        ;
    }
}`);
    const body = find(decls, 'control', 'C').apply.body;
    expect(body.map((s) => s.kind)).toEqual(['varDecl', 'constDecl', 'if', 'switch', 'switch', 'empty']);
    const ifs = body[2] as Stmt & { kind: 'if' };
    expect(ifs.else?.kind).toBe('if');
    const sw = body[3] as Stmt & { kind: 'switch' };
    expect(sw.cases.map((c) => [c.labels.map(show).join('|'), c.body?.body.length])).toEqual([['NoAction|default', 1]]);
    const sw2 = body[4] as Stmt & { kind: 'switch' };
    expect(sw2.cases.map((c) => c.labels.map(show).join('|'))).toEqual(['E.A', 'E.B']);
  });

  it('annotations: expression bodies are parsed, other bodies kept as raw text, @pragma to the end of the line', () => {
    const decls = clean(`
@name("a") @id(3) @hidden @custom(x + 1, "s") @weird(1 2 :: 3)
@pragma my_pragma some raw words
const bit<8> X = 1;`);
    const anns = find(decls, 'const', 'X').annotations;
    expect(anns.map((a) => `${a.name}[${a.args.map(show).join('; ')}]`)).toEqual([
      'name["a"]', 'id[3]', 'hidden[]', 'custom[(x + 1); "s"]', 'weird["1 2 :: 3"]', 'my_pragma["some raw words"]',
    ]);
  });
});

describe('newer and rarer syntax', () => {
  it('widths may be additive expressions; tuple<> may be empty', () => {
    const decls = clean('const int W = 4;\nconst bit<W + 4> A = 1;\nconst bit<(W * 2)> B = 2;\ntypedef tuple<> nothing_t;');
    const a = find(decls, 'const', 'A');
    expect(showType(a.type)).toBe('bit<(W + 4)>');
    expect(showType(find(decls, 'const', 'B').type)).toBe('bit<(W * 2)>');
    expect(showType(find(decls, 'typedef', 'nothing_t').type)).toBe('tuple<>');
  });

  it('generic return types may use type parameters declared after them', () => {
    const decls = clean('extern widget<T> { widget(); }\nextern widget<T> make_widget<T, U>(in U seed, in T value);');
    const f = find(decls, 'externFunction', 'make_widget');
    expect(`${showType(f.returnType)} ${f.typeParams}`).toBe('widget<T> T,U');
  });

  it('an annotated apply block, a variable named like a type, strings across lines, (v &&& m) keysets', () => {
    const decls = clean(`
#include <v1model.p4>
@name("multi
line") const bit<8> S = 1;
control C(inout bit<32> counter) {
    apply @atomic {
        counter = 0;
    }
}
parser P(packet_in p, out bit<8> h) {
    state start { transition select(h) { (1 &&& 3): accept; (4 .. 5): accept; default: reject; } }
}`);
    const c = find(decls, 'control', 'C');
    expect(c.apply.annotations.map((a) => a.name)).toEqual(['atomic']);
    expect(c.apply.body.map((s) => s.kind)).toEqual(['assign']);
    expect(find(decls, 'const', 'S').annotations[0]!.args.map(show)).toEqual(['"multi\\nline"']);
    const sel = find(decls, 'parser', 'P').states[0]!.transition!;
    expect(sel.kind === 'select' && sel.cases.map((k) => show(k.keyset))).toEqual(['(1 &&& 3)', '(4 .. 5)', 'default']);
  });

  it('constructs without a place in the syntax tree are reported as unsupported, not misparsed', () => {
    const r = parseText(`
extern E { E(); abstract void f(); }
control C(inout bit<8> x) {
    E() e = { void f() { } };
    apply {
        x = {#};
        x = ...;
    }
}`);
    expect(r.diagnostics.list.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      '4:11 not supported by p4lab yet: implementing abstract extern methods in an instantiation',
      '6:13 not supported by p4lab yet: the invalid header expression {#}; call setInvalid() instead',
      "7:13 not supported by p4lab yet: default initializers '...'",
    ]);
  });
});

describe('operator precedence (P4-16: bitwise binds tighter than comparison)', () => {
  const cases: Array<[string, string]> = [
    ['a + b * c', '(a + (b * c))'],
    ['a - b - c', '((a - b) - c)'],
    ['a << 1 + 2', '(a << (1 + 2))'],
    ['a & b == c', '((a & b) == c)'],
    ['a | b ^ c & d', '(a | (b ^ (c & d)))'],
    ['a == b && c != d || e', '(((a == b) && (c != d)) || e)'],
    ['a < b == c >= d', '((a < b) == (c >= d))'],
    ['a ++ b + c', '((a ++ b) + c)'],
    ['a |+| b |-| c', '((a |+| b) |-| c)'],
    ['a >> 2 > b', '((a >> 2) > b)'],
    ['!a && ~b == -c', '((!a) && ((~b) == (-c)))'],
    ['c ? a : b ? d : e', '(c ? a : (b ? d : e))'],
    ['a || b ? 1 : 2', '((a || b) ? 1 : 2)'],
    ['(bit<8>)a + b', '(((bit<8>)a) + b)'],
    ['(bit<16>)h.f[7:0] << 8', '(((bit<16>)h.f[7:0]) << 8)'],
    ['-a[3:0]', '(-a[3:0])'],
    ['t.apply().hit', 't.apply().hit'],
    ['h.isValid() && !g.isValid()', '(h.isValid() && (!g.isValid()))'],
    ['{a, b + 1}', '{a,(b + 1)}'],
    ['.top + 1', '(.top + 1)'],
    ['error.NoError', 'error.NoError'],
    ['8w5 + 0x800 + 4s3 + 0b1010 + 0o17 + 1_000', '(((((8w5 + 0x800) + 4s3) + 0b1010) + 0o17) + 1_000)'],
  ];
  for (const [input, expected] of cases) {
    it(`${input}  ⇒  ${expected}`, () => {
      expect(expr(input)).toBe(expected);
    });
  }
});

describe("'<': type arguments or less-than", () => {
  const prelude = `
extern Reg<T> { Reg(bit<32> n); T read(in bit<32> i); }
extern T pick<T>(in T a, in T b);
typedef bit<8> byte_t;`;

  it('after a non-type name it is less-than, also with a later >', () => {
    expect(expr('a < b', prelude)).toBe('(a < b)');
    expect(expr('a < b && c > d', prelude)).toBe('((a < b) && (c > d))');
    expect(expr('a < b > c', prelude)).toBe('((a < b) > c)');
  });

  it('before a type it opens type arguments of a call', () => {
    expect(expr('pick<bit<8>>(a, b)', prelude)).toBe('pick<bit<8>>(a,b)');
    expect(expr('pick<byte_t>(a, b) + 1', prelude)).toBe('(pick<byte_t>(a,b) + 1)');
  });

  it('>> closing nested type arguments is two tokens; a shift needs them adjacent', () => {
    const decls = clean(`${prelude}\ncontrol C() { Reg<bit<32>>(16) r; Reg<Reg<byte_t> >(2) rr; apply { } }`);
    const locals = find(decls, 'control', 'C').locals;
    expect(showType(find(locals, 'instance', 'r').type)).toBe('Reg<bit<32>>');
    expect(showType(find(locals, 'instance', 'rr').type)).toBe('Reg<Reg<byte_t>>');
    expect(expr('a >> 1 >= b', prelude)).toBe('((a >> 1) >= b)');
    const r = parseText('const bit<8> x = a > > 1;');
    expect(r.diagnostics.list.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["1:22 expected an expression, found '>'"]);
  });

  it('a type parameter is a type inside its declaration only', () => {
    const decls = clean(`${prelude}
T first<T>(in T a, in T b) { return a; }
const bit<8> T = 3;
const bool probe2 = T < 4;`);
    expect(show(find(decls, 'const', 'probe2').value)).toBe('(T < 4)');
  });

  it('a local declaration starts with a type; an expression statement does not', () => {
    const decls = clean(`${prelude}
control C(inout bit<8> a, inout bit<8> b) {
    apply {
        byte_t x = 1;
        Reg<byte_t> y;
        a = pick<byte_t>(a, b);
    }
}`);
    expect(find(decls, 'control', 'C').apply.body.map((s) => s.kind)).toEqual(['varDecl', 'varDecl', 'assign']);
  });
});

describe('positions refer to the original files', () => {
  it('through #include: an error in an included file names that file and line', () => {
    const r = parseText('#include "lib.p4"\nconst bit<8> OK = 1;\n', {
      'lib.p4': '// a library\n\nconst bit<8> BROKEN = ;\n',
    });
    expect(formatDiagnostics(r.diagnostics.list, r.sources)).toBe(
      "lib.p4:3:23: error: expected an expression, found ';'\nconst bit<8> BROKEN = ;\n                      ^",
    );
    expect(r.program.files).toEqual(['main.p4', 'lib.p4']);
  });

  it('after an #include, spans of the including file are unshifted', () => {
    const r = parseText('#include "lib.p4"\nconst bit<8> AFTER = 1;\n', { 'lib.p4': 'const bit<8> A = 1;\nconst bit<8> B = 2;\n' });
    const after = find(r.program.decls, 'const', 'AFTER');
    expect(after.span).toMatchObject({ file: 'main.p4', line: 2, col: 1 });
    expect(find(r.program.decls, 'const', 'B').span).toMatchObject({ file: 'lib.p4', line: 2, col: 1, start: 20 });
  });

  it('through macros: an expansion takes the position of the use', () => {
    const r = parseText('#define BAD 1 +\nconst bit<8> A = 2;\nconst bit<8> X =   BAD;\n');
    expect(formatDiagnostics(r.diagnostics.list, r.sources)).toBe(
      "main.p4:3:23: error: expected an expression, found ';'\nconst bit<8> X =   BAD;\n                      ^",
    );
    const ok = parseText('#define WIDTH 16\nconst bit<WIDTH> A = 2;\n');
    const a = find(ok.program.decls, 'const', 'A');
    expect(a.type.kind === 'bit' && show(a.type.width)).toBe('16');
    expect(a.type.kind === 'bit' && a.type.width.span).toMatchObject({ line: 2, col: 11, start: 27, end: 32 });
  });

  it('a node spans from its first to its last token', () => {
    const r = parseText('const bit<8> X = a + b;');
    const x = find(r.program.decls, 'const', 'X');
    expect(x.span).toMatchObject({ start: 0, end: 23 });
    expect(x.value.span).toMatchObject({ col: 18, start: 17, end: 22 });
  });
});

describe('robustness', () => {
  it('reports several independent syntax errors in one run', () => {
    const r = parseText(`
header h_t { bit<8> a; bit<8> }
control C(inout h_t h) {
    apply {
        h.a = 1 +;
        h.a = (2;
        h.a = 3;
    }
}
const bit<8> = 5;`);
    expect(r.diagnostics.list.map((d) => d.span.line)).toEqual([2, 5, 6, 10]);
  });

  it('never throws: every prefix of every program parses to diagnostics', () => {
    for (const name of programs) {
      const text = readFileSync(join(p4Dir, name), 'utf8');
      for (let cut = 0; cut < text.length; cut += 53) {
        const r = parseP4({ file: name, text: text.slice(0, cut) }, { readFile: (p) => (p === 'include/headers.p4' ? readFileSync(join(p4Dir, p), 'utf8') : undefined) });
        expect(r.diagnostics.list.every((d) => !d.message.startsWith('internal error')), `${name} cut at ${cut}`).toBe(true);
      }
    }
  });

  it('never throws on token soup', () => {
    const pieces = ['{', '}', '(', ')', '<', '>', ';', ':', 'control', 'parser', 'state', 'table', 'key', '=', 'apply', 'x', '8w1', '@a', '#', '"s"', 'bit', '.', ',', '&&&', '..', 'transition', 'select', 'extern', 'if', 'else', 'switch'];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let run = 0; run < 300; run++) {
      const text = Array.from({ length: 5 + rand(60) }, () => pieces[rand(pieces.length)]).join(rand(2) ? ' ' : '\n');
      const r = parseText(text);
      expect(r.diagnostics.list.every((d) => !d.message.startsWith('internal error')), text).toBe(true);
      expect(r.diagnostics.list.length).toBeLessThanOrEqual(r.diagnostics.limit);
    }
  });
});
