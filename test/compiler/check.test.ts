// The checker: every case of the bad-program corpus (test/compiler/bad, both
// stages) gives exactly its expected diagnostics through the whole compiler,
// and well-typed programs are accepted with the P4-16 typing rules.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileP4 } from '../../kernel-lib/compiler/index.js';
import { REPO, compileFragment, compileOk } from './compile-helpers.js';

const BAD = join(REPO, 'test', 'compiler', 'bad');
const readHere = (path: string): string | undefined => {
  try {
    return readFileSync(join(BAD, path), 'utf8');
  } catch {
    return undefined;
  }
};

describe('bad programs through the whole compiler', () => {
  const cases = readdirSync(BAD).filter((f) => f.endsWith('.p4')).sort();

  it('the corpus has semantic (check stage) cases', () => {
    const check = cases.filter((f) => readFileSync(join(BAD, f), 'utf8').startsWith('// stage: check'));
    expect(check.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of cases) {
    it(file, () => {
      const r = compileP4(readFileSync(join(BAD, file), 'utf8'), { file, readFile: readHere });
      expect(r.ok).toBe(false);
      expect(r.formatted + '\n').toBe(readFileSync(join(BAD, file.replace(/\.p4$/, '.expected')), 'utf8'));
    });
  }
});

describe('typing rules', () => {
  const errors = (parts: Parameters<typeof compileFragment>[0]) => {
    const r = compileFragment(parts);
    return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  };

  it('gives int literals the type of their context and keeps widths explicit', () => {
    expect(errors({ apply: 'h.t.c = h.t.c + 1; h.t.a = 255; h.t.c = (bit<16>)h.t.a << 4; h.t.c = h.t.a ++ h.t.b;' })).toEqual([]);
    expect(errors({ apply: 'h.t.c = h.t.a;' })).toEqual(['cannot assign bit<8> to bit<16> (cast it: (bit<16>)…)']);
    expect(errors({ apply: 'if ((1 << h.t.b) == 8w2) { h.t.a = 0; }' })).toEqual(['the width of this shift cannot be inferred: give the literal a width, e.g. 32w1']);
  });

  it('separates bool from bit<1> and allows the legal casts', () => {
    expect(errors({ locals: 'bit<1> f; bool b;', apply: 'b = (bool)f; f = (bit<1>)b; b = h.t.isValid() && !b;' })).toEqual([]);
    expect(errors({ locals: 'bit<1> f; bool b;', apply: 'b = f;' })).toEqual(['cannot assign bit<1> to bool']);
    expect(errors({ locals: 'int<8> s;', apply: 's = (int<8>)h.t.a; h.t.a = (bit<8>)s; h.t.c = (bit<16>)(bit<8>)s;' })).toEqual([]);
  });

  it('resolves serializable enums, errors and match kinds', () => {
    expect(errors({
      decls: 'enum bit<16> EtherType { IPV4 = 0x0800, ARP = 0x0806 }',
      apply: 'if (h.eth.type == (bit<16>)EtherType.ARP) { h.eth.type = (bit<16>)EtherType.IPV4; } if (sm.parser_error == error.PacketTooShort) { mark_to_drop(sm); }',
    })).toEqual([]);
  });

  it('resolves `.name` to the top level past a local of the same name', () => {
    expect(errors({ decls: 'const bit<8> LIMIT = 3;', locals: 'bit<16> LIMIT;', apply: 'h.t.a = .LIMIT; LIMIT = 16w1;' })).toEqual([]);
  });

  it('checks generic extern methods against their declarations', () => {
    expect(errors({ locals: 'register<bit<16>>(8) r;', apply: 'r.read(h.t.c, 0); r.write(1, h.t.c);' })).toEqual([]);
    expect(errors({ locals: 'register<bit<16>>(8) r;', apply: 'r.read(h.t.a, 0);' })).toEqual(["argument 'result' of register.read must be bit<16>, not bit<8>"]);
    expect(errors({ locals: 'register<bit<16>>(8) r;', apply: 'r.write(1);' })).toEqual(['register.write takes 2 arguments, got 1']);
  });

  it('checks that defaults, entries and switch labels belong to the table', () => {
    const r = compileOk(compileFragment({
      locals: `action a(bit<8> v) { h.t.a = v; } action b() { }
        table t { key = { h.t.a: lpm; } actions = { a; b; } default_action = a(3);
          const entries = { 0x10 &&& 0xf0 : a(1); _ : b(); } }`,
      apply: 'switch (t.apply().action_run) { a: { h.t.b = 1; } b: { } }',
    }));
    expect(r.bmv2.pipelines[0]!.tables[0]!.entries?.[0]!.match_key).toEqual([{ match_type: 'lpm', key: '0x10', prefix_length: 4 }]);
  });

  it('reports several errors in one run, each at its own position', () => {
    const r = compileFragment({ apply: 'h.t.a = h.t.c;\n        h.t.zz = 1;\n        undefined_thing();' });
    expect(r.ok).toBe(false);
    const first = r.diagnostics[0]!.span.line;
    expect(r.diagnostics.map((d) => [d.span.line - first, d.message])).toEqual([
      [0, 'cannot assign bit<16> to bit<8> (cast it: (bit<8>)…)'],
      [1, "t_t has no field 'zz'"],
      [2, "unknown name 'undefined_thing'"],
    ]);
  });
});
