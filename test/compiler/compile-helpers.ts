// Shared by the compiler's checker/lowering tests: the programs in p4/, and a
// minimal v1model program to wrap small test fragments in.
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { compileP4, compileP4File, type CompileResult } from '../../kernel-lib/compiler/index.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const P4_DIR = join(REPO, 'p4');

/** Every program in p4/, by base name, with its repository-relative path. */
export function p4Programs(): Array<{ name: string; path: string }> {
  return readdirSync(P4_DIR)
    .filter((f) => f.endsWith('.p4'))
    .sort()
    .map((f) => ({ name: f.replace(/\.p4$/, ''), path: relative(process.cwd(), join(P4_DIR, f)) }));
}

export function compileOk(result: CompileResult): Extract<CompileResult, { ok: true }> {
  if (!result.ok) expect.fail(`compilation failed:\n${result.formatted}`);
  return result;
}

export function compileProgram(path: string): Extract<CompileResult, { ok: true }> {
  return compileOk(compileP4File(path));
}

/**
 * A v1model program around test fragments: `decls` at top level, `ingress`
 * locals and apply body, headers ethernet (h.eth) and a 4-byte header t (h.t).
 */
export function v1(parts: { decls?: string; locals?: string; apply?: string; meta?: string; deparse?: string }): string {
  return `#include <core.p4>
#include <v1model.p4>
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
header t_t { bit<8> a; bit<8> b; bit<16> c; }
struct headers_t { eth_t eth; t_t t; }
struct meta_t { ${parts.meta ?? 'bit<8> m;'} }
${parts.decls ?? ''}
parser P(packet_in pkt, out headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
    state start {
        pkt.extract(h.eth);
        transition select(h.eth.type) { 0x1234: parse_t; default: accept; }
    }
    state parse_t { pkt.extract(h.t); transition accept; }
}
control V(inout headers_t h, inout meta_t meta) { apply { } }
control I(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) {
${parts.locals ?? ''}
    apply {
${parts.apply ?? ''}
    }
}
control E(inout headers_t h, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t h, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t h) { apply { ${parts.deparse ?? 'pkt.emit(h.eth); pkt.emit(h.t);'} } }
V1Switch(P(), V(), I(), E(), K(), D()) main;
`;
}

export function compileFragment(parts: Parameters<typeof v1>[0]): CompileResult {
  return compileP4(v1(parts), { file: 'test.p4' });
}
