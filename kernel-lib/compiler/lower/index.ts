// Lowering a checked v1model program to BMv2 JSON (format 2.23, p4c's layout)
// plus the model P4Info is built from.
import type * as ast from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import { BMV2_JSON_VERSION, type Bmv2Json } from '../../bmv2/json-format.js';
import type { CheckedProgram, ControlDecl, ParserDecl } from '../check/model.js';
import type { Type } from '../check/types.js';
import { ActionTable } from './actions.js';
import { lowerChecksums } from './checksum.js';
import { ControlLowering } from './control.js';
import { Emitter } from './emitter.js';
import { ExprLowering } from './expr.js';
import { Externs } from './externs.js';
import { Layout, type Loc } from './layout.js';
import type { LoweredModel } from './model.js';
import { ParserLowering, deparserOrder } from './parser.js';
import { PrimitiveLowering } from './primitives.js';
import { TableLowering } from './tables.js';

export interface Lowered {
  bmv2: Bmv2Json;
  model: LoweredModel;
}

/** Queueing and intrinsic metadata are fields of standard_metadata in p4c's v1model. */
const FIELD_ALIASES: Array<[string, string]> = [
  ['queueing_metadata.enq_timestamp', 'enq_timestamp'],
  ['queueing_metadata.enq_qdepth', 'enq_qdepth'],
  ['queueing_metadata.deq_timedelta', 'deq_timedelta'],
  ['queueing_metadata.deq_qdepth', 'deq_qdepth'],
  ['intrinsic_metadata.ingress_global_timestamp', 'ingress_global_timestamp'],
  ['intrinsic_metadata.egress_global_timestamp', 'egress_global_timestamp'],
  ['intrinsic_metadata.mcast_grp', 'mcast_grp'],
  ['intrinsic_metadata.egress_rid', 'egress_rid'],
  ['intrinsic_metadata.priority', 'priority'],
];

type Block = ParserDecl | ControlDecl;

export function lowerProgram(cp: CheckedProgram, diags: Diagnostics, programName: string): Lowered | undefined {
  const blocks = packageBlocks(cp, diags);
  if (!blocks) return undefined;
  const [parser, verify, ingress, egress, compute, deparser] = blocks;
  const em = new Emitter(cp, diags);
  const layout = new Layout(em);

  const stdSym = cp.top.lookup('standard_metadata_t');
  if (stdSym?.kind !== 'type' || stdSym.type.k !== 'struct') {
    diags.error(parser.span, 'standard_metadata_t is not declared: #include <v1model.p4>');
    return undefined;
  }
  layout.headerType(stdSym.type, parser.span, 'standard_metadata');
  const std = layout.header('standard_metadata', stdSym.type, true, parser.span);
  const typeOfParam = (p: ast.Param | undefined): Type | undefined => (p ? cp.typeRefs.get(p.type) : undefined);
  const H = typeOfParam(parser.params[1]);
  const M = typeOfParam(parser.params[2]);
  if (H?.k !== 'struct' || M?.k !== 'struct') {
    diags.error(parser.span, `the parser's headers and metadata parameters must be structs`);
    return undefined;
  }
  const hdr = layout.struct(H, 'hdr.', '', parser.span);
  const meta = layout.struct(M, 'userMetadata.', '', parser.span);
  // Positions of (headers, metadata, standard_metadata) in each V1Switch block's parameters.
  const roles: Array<[Block, Array<Loc | undefined>]> = [
    [parser, [undefined, hdr, meta, std]],
    [verify, [hdr, meta]],
    [ingress, [hdr, meta, std]],
    [egress, [hdr, meta, std]],
    [compute, [hdr, meta]],
    [deparser, [undefined, hdr]],
  ];
  for (const [decl, locs] of roles) {
    decl.params.forEach((p, i) => {
      const l = locs[i];
      if (l) layout.roots.set(p, l);
    });
  }

  const ex = new ExprLowering(em, layout);
  const externs = new Externs(em);
  externs.declareFieldLists(metaFieldAnnotations(M, meta));
  const live = liveControls(cp, blocks);
  for (const d of cp.program.decls) {
    const scope = d.kind === 'control' && live.has(d) ? cp.blockScopes.get(d) : undefined;
    if (scope && d.kind === 'control') {
      for (const l of d.locals) {
        const sym = l.kind === 'instance' ? scope.own(l.name) : undefined;
        if (sym?.kind === 'instance') externs.declare(sym);
      }
    }
    if (d.kind === 'instance' && d.name !== 'main') {
      const sym = cp.top.own(d.name);
      if (sym?.kind === 'instance') externs.declare(sym);
    }
  }
  const prims = new PrimitiveLowering(ex, externs);
  const actions = new ActionTable(em, prims);
  const tables = new TableLowering(ex, actions, externs);

  const parsers = [new ParserLowering(ex, prims).lower(parser)];
  lowerChecksums(ex, prims, externs, verify, true);
  // User table names first, so no hidden table takes one.
  for (const d of cp.program.decls) {
    if (d.kind !== 'control' || !live.has(d)) continue;
    for (const l of d.locals) if (l.kind === 'table') em.unique('table', cp.qnames.get(l) ?? l.name);
  }
  let tableId = 0;
  const nextId = () => tableId++;
  const pipelines = [
    { ...new ControlLowering(ex, actions, tables, prims, 'ingress').lower(ingress, nextId), id: 0 },
    { ...new ControlLowering(ex, actions, tables, prims, 'egress').lower(egress, nextId), id: 1 },
  ];
  lowerChecksums(ex, prims, externs, compute, false);
  const deparsers = [{ name: 'deparser', id: 0, order: deparserOrder(ex, deparser), primitives: [] }];
  externs.finish();

  const bmv2: Bmv2Json = {
    program: programName,
    __meta__: { version: BMV2_JSON_VERSION, compiler: 'p4lab' },
    header_types: [em.scalarsType(), ...em.headerTypes],
    headers: [{ name: 'scalars', id: 0, header_type: 'scalars_0', metadata: true }, ...em.headers],
    header_stacks: em.headerStacks,
    header_union_types: em.headerUnionTypes,
    header_unions: em.headerUnions,
    header_union_stacks: [],
    field_lists: em.fieldLists,
    errors: cp.errorMembers.map((name, i) => [name, i]),
    enums: cp.enums.filter((e) => !e.underlying).map((e) => ({ name: e.name, entries: e.members.map((m, i): [string, number] => [m, i]) })),
    parsers,
    parse_vsets: em.parseVsets,
    deparsers,
    meter_arrays: em.meters,
    counter_arrays: em.counters,
    register_arrays: em.registers,
    calculations: em.calculations,
    learn_lists: em.learnLists,
    actions: em.actions,
    pipelines,
    checksums: em.checksums,
    force_arith: [],
    extern_instances: [],
    field_aliases: FIELD_ALIASES.map(([alias, f]): [string, [string, string]] => [alias, ['standard_metadata', f]]),
  };
  const model: LoweredModel = {
    tables: em.tables,
    actions: actions.models,
    externs: externs.models,
    digests: externs.digests,
    packetHeaders: packetHeaders(cp),
    valueSets: em.parseVsets.map((v) => ({ name: v.name, bitwidth: v.compressed_bitwidth, size: v.max_size })),
  };
  return { bmv2, model };
}

/** The six blocks given to `V1Switch(...) main;`, in package order. */
function packageBlocks(cp: CheckedProgram, diags: Diagnostics): [ParserDecl, ControlDecl, ControlDecl, ControlDecl, ControlDecl, ControlDecl] | undefined {
  const main = cp.program.decls.find((d): d is ast.InstantiationDecl => d.kind === 'instance' && d.name === 'main');
  const lastSpan = cp.program.decls.at(-1)?.span ?? { file: cp.program.files[0] ?? '<input>', line: 1, col: 1, start: 0, end: 0 };
  if (!main) {
    diags.error(lastSpan, 'the program has no `main`: end it with V1Switch(MyParser(), MyVerifyChecksum(), MyIngress(), MyEgress(), MyComputeChecksum(), MyDeparser()) main;');
    return undefined;
  }
  if (main.type.kind !== 'named' || main.type.name !== 'V1Switch') {
    diags.unsupported(main.type.span, 'architectures other than v1model (main must be a V1Switch)');
    return undefined;
  }
  const blocks: Block[] = [];
  for (const [i, a] of main.args.entries()) {
    const t = cp.types.get(a.value);
    const decl = t?.k === 'block' ? t.decl : undefined;
    const want = i === 0 ? 'parser' : 'control';
    if (decl?.kind !== want) {
      diags.error(a.value.span, `argument ${i + 1} of V1Switch must be a ${want} declaration`);
      return undefined;
    }
    blocks.push(decl as Block);
  }
  if (blocks.length !== 6) return undefined;
  return blocks as [ParserDecl, ControlDecl, ControlDecl, ControlDecl, ControlDecl, ControlDecl];
}

/** The controls that run: the package's, and those instantiated inside them. */
function liveControls(cp: CheckedProgram, blocks: Block[]): Set<ast.Decl> {
  const live = new Set<ast.Decl>(blocks);
  const isLive = (d: ControlDecl): boolean => {
    if (live.has(d)) return true;
    const use = cp.subControls.get(d);
    const yes = use !== undefined && isLive(use.parent);
    if (yes) live.add(d);
    return yes;
  };
  for (const d of cp.subControls.keys()) isLive(d);
  return live;
}

function metaFieldAnnotations(M: Type, meta: Loc): Array<{ field: [string, string]; annotations: ast.Annotation[] }> {
  if (M.k !== 'struct' || meta.k !== 'struct') return [];
  const out: Array<{ field: [string, string]; annotations: ast.Annotation[] }> = [];
  for (const f of M.fields) {
    const l = meta.fields.get(f.name);
    if (l?.k === 'field' && f.annotations.length) out.push({ field: l.value, annotations: f.annotations });
  }
  return out;
}

function packetHeaders(cp: CheckedProgram): LoweredModel['packetHeaders'] {
  const out: LoweredModel['packetHeaders'] = [];
  for (const d of cp.program.decls) {
    if (d.kind !== 'header') continue;
    const ann = d.annotations.find((a) => a.name === 'controller_header');
    const arg = ann?.args[0];
    if (!ann || arg?.kind !== 'string') continue;
    const sym = cp.top.lookup(d.name);
    if (sym?.kind !== 'type' || sym.type.k !== 'header') continue;
    out.push({ name: arg.value, annotation: `@controller_header("${arg.value}")`, fields: sym.type.fields });
  }
  return out;
}
