// Compiles a validated BMv2 JSON program into a factory of specialised
// JavaScript functions (parser, pipelines, actions, checksums, deparser).
import type { Bmv2Json } from '../../bmv2/json-format.js';
import { P4labError } from '../../errors.js';
import * as bits from './bits.js';
import { genAction, paramSlots } from './gen-actions.js';
import { GenContext } from './gen-context.js';
import { genPipeline, tableKeyFields, type TableInfo } from './gen-control.js';
import { genCalculation } from './gen-calc.js';
import { genDeparser, genUpdate } from './gen-deparser.js';
import { genReader, genWriter } from './gen-fields.js';
import { genParser, genVerify, type VsetWidths } from './gen-parser.js';
import { HASHES } from './hash.js';
import { Layout } from './layout.js';
import { stackPop, stackPush } from './stacks.js';
import { fail } from './validate.js';

export { parseProgramInput } from './validate.js';

/** What the generated code needs from a program instance. */
export interface BindRuntime {
  registers: unknown[];
  counters: unknown[];
  meters: unknown[];
  valueSets: unknown[];
  scratch: Uint8Array;
  random(lo: number, hi: number): number;
}

/** The functions one program instance runs packets with. */
export interface BoundProgram {
  actions: Array<(p: unknown, d: Float64Array) => void>;
  parse(p: unknown): void;
  verifyChecksums(p: unknown): void;
  ingress(p: unknown): void;
  egress(p: unknown): void;
  updateChecksums(p: unknown): void;
  deparse(p: unknown): number;
  setTables(tables: unknown[]): void;
}

export interface ActionLayout {
  name: string;
  index: number;
  params: Array<{ name: string; width: number; offset: number; words: number }>;
  slots: number;
}

export interface CompiledProgram {
  json: Bmv2Json;
  layout: Layout;
  actions: ActionLayout[];
  tables: TableInfo[];
  vsetWidths: VsetWidths;
  bind(rt: BindRuntime): BoundProgram;
  source: string;
}

const HELPERS = {
  readBits: bits.readBits, writeBits: bits.writeBits, trunc: bits.trunc, and53: bits.and53, or53: bits.or53, xor53: bits.xor53,
  signed: bits.signed, twoCompMod: bits.twoCompMod, satCast: bits.satCast, usatCast: bits.usatCast, wideToBig: bits.wideToBig,
  bigToWide: bits.bigToWide, numToWide: bits.numToWide, wideEq: bits.wideEq, shlBig: bits.shlBig, stackPush, stackPop,
};

export function compileProgram(json: Bmv2Json): CompiledProgram {
  const layout = new Layout(json);
  const ctx = new GenContext(json, layout);
  const parts: string[] = [];

  // tables, numbered across pipelines
  const tables: TableInfo[] = [];
  const byName = new Map<string, TableInfo>();
  json.pipelines.forEach((pipe, pi) => {
    pipe.tables.forEach((t, ti) => {
      const path = `pipelines[${pi}].tables[${ti}]`;
      const { fields, words } = tableKeyFields(ctx, t, path);
      (t.actions ?? []).forEach((a, ai) => {
        if (!ctx.actions.has(a)) fail(`${path}.actions[${ai}]`, `unknown action "${a}"`);
      });
      let meter: number | undefined;
      if (t.direct_meters) meter = ctx.ref('meter', t.direct_meters, `${path}.direct_meters`);
      if (t.default_entry && !ctx.actionById.has(t.default_entry.action_id)) fail(`${path}.default_entry.action_id`, `unknown action id ${t.default_entry.action_id}`);
      const info: TableInfo = { table: t, global: tables.length, path, fields, keyWords: words, meter };
      tables.push(info);
      byName.set(t.name, info);
    });
  });

  const readers = new Map<string, string>();
  const writers = new Map<string, string>();
  const reader = (typeName: string) => {
    if (!readers.has(typeName)) {
      const name = `x${readers.size}`;
      readers.set(typeName, name);
      parts.push(genReader(layout.headers.find((h) => h.typeName === typeName)!, name));
    }
    return readers.get(typeName)!;
  };
  const writer = (typeName: string) => {
    if (!writers.has(typeName)) {
      const name = `w${writers.size}`;
      writers.set(typeName, name);
      parts.push(genWriter(layout.headers.find((h) => h.typeName === typeName)!, name));
    }
    return writers.get(typeName)!;
  };

  const actions: ActionLayout[] = json.actions.map((a, i) => {
    parts.push(genAction(ctx, a, i));
    const { slots, total } = paramSlots(a);
    return { name: a.name, index: i, params: a.runtime_data.map((r, j) => ({ name: r.name, ...slots[j]! })), slots: total };
  });

  const vsetWidths: VsetWidths = new Map();
  const parser = json.parsers[0];
  parts.push(parser ? genParser(ctx, parser, 'parsers[0]', reader, vsetWidths) : 'function parse(p) {}');
  parts.push(genVerify(ctx));
  const pipeline = (name: string) => {
    const i = json.pipelines.findIndex((p) => p.name === name);
    return i < 0 ? `function ${name}(p) {}` : genPipeline(ctx, json.pipelines[i]!, `pipelines[${i}]`, name, byName);
  };
  parts.push(pipeline('ingress'), pipeline('egress'));
  parts.push(genUpdate(ctx));
  const dep = json.deparsers[0];
  parts.push(dep ? genDeparser(ctx, dep, 'deparsers[0]', writer) : 'function deparse(p) { return p.len; }');
  // after everything else, so every used calculation is known
  json.calculations.forEach((c, i) => {
    if (ctx.usedCalculations.has(i)) parts.push(genCalculation(ctx, c, i));
  });

  const stackArrays = layout.stacks.map((s) =>
    `const SB${s.index} = new Int32Array([${s.headers.map((h) => layout.headers[h]!.base).join(',')}]), SH${s.index} = new Int32Array([${s.headers.join(',')}]);`);
  const refs = (prefix: string, list: unknown[], from: string) => list.map((_, i) => `const ${prefix}${i} = rt.${from}[${i}];`).join(' ');
  const source = `"use strict";
const { ${Object.keys(HELPERS).join(', ')} } = H;
${Object.keys(HASHES).map((a) => `const HASH_${a} = HASHES.${a};`).join('\n')}
return function bind(rt) {
${tables.map((t) => `let T${t.global};`).join(' ')}
${refs('R', json.register_arrays, 'registers')} ${refs('C', json.counter_arrays, 'counters')} ${refs('M', json.meter_arrays, 'meters')} ${refs('VS', json.parse_vsets, 'valueSets')}
const S = rt.scratch, VK = new Float64Array(64), HB = new Int32Array([${layout.headers.map((h) => h.base).join(',')}]);
${stackArrays.join('\n')}
${parts.join('\n')}
return { actions: [${actions.map((a) => `a${a.index}`).join(', ')}], parse, verifyChecksums, ingress, egress, updateChecksums, deparse,
  setTables(ts) { ${tables.map((t) => `T${t.global} = ts[${t.global}];`).join(' ')} } };
};`;
  let factory: (H: typeof HELPERS, HASHES: unknown) => (rt: BindRuntime) => BoundProgram;
  try {
    factory = new Function('H', 'HASHES', source) as typeof factory;
  } catch (e) {
    // a bug in a generator, or a name in the JSON that breaks out of the code
    throw new P4labError(`BMv2 JSON could not be compiled for the switch: ${(e as Error).message}`, 'report this with the JSON file: p4lab should have refused it with a clear message');
  }
  const bind = factory(HELPERS, HASHES);
  return { json, layout, actions, tables, vsetWidths, bind, source };
}
