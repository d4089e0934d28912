// v1model extern calls → BMv2 primitives, as p4c-bm2-ss maps them: register
// and counter methods, meters, hash (with a calculation), random, digest (with
// a learn list), clone/resubmit/recirculate (with field lists), and the rest.
import type * as ast from '../ast.js';
import type { Bmv2CalculationInput, Bmv2Primitive } from '../../bmv2/json-format.js';
import type { ConstValue } from '../check/model.js';
import { typeName } from '../check/types.js';
import { hex } from './emitter.js';
import { type ExprLowering, param } from './expr.js';
import type { Externs } from './externs.js';
import { type Env, type Loc, storageWidth } from './layout.js';

const HASH_ALGOS: Record<string, string> = {
  crc32: 'crc32', crc32_custom: 'crc32_custom', crc16: 'crc16', crc16_custom: 'crc16_custom',
  identity: 'identity', csum16: 'csum16', xor16: 'xor16',
};

export class ExternCalls {
  constructor(private readonly ex: ExprLowering, private readonly externs: Externs) {}

  private get em() {
    return this.ex.em;
  }

  /** Write an extern's result into `dst` (an lvalue expression), through a temporary when it is not a plain field. */
  private outField(dst: ast.Expr, env: Env, span: ast.Span): [string, string] | undefined {
    if (dst.kind === 'dontcare') {
      // `_` still runs the extern (a meter still counts): give the result a temporary.
      const w = storageWidth(this.ex.typeOf(dst));
      return this.em.temp(w ?? 32).value;
    }
    const l = this.ex.loc(dst, env);
    if (l?.k === 'field') return l.value;
    if (l) this.em.unsupported(span, 'an extern result into a non-field target');
    return undefined;
  }

  private instanceOf(e: ast.Expr): ReturnType<Externs['get']> {
    const obj = e.kind === 'call' && e.callee.kind === 'member' ? e.callee.object : undefined;
    const sym = obj?.kind === 'name' ? this.em.cp.syms.get(obj) : undefined;
    if (sym?.kind !== 'instance') return undefined;
    return this.externs.get(sym.decl);
  }

  method(e: ast.Expr & { kind: 'call' }, type: string, method: string, args: ast.Expr[], env: Env, out: Bmv2Primitive[]): void {
    const inst = this.instanceOf(e);
    if (type === 'packet_in' || type === 'packet_out') {
      this.em.unsupported(e.span, `${type}.${method} outside the parser or deparser`);
      return;
    }
    if (!inst) {
      this.em.unsupported(e.span, `${type}.${method} on this instance`);
      return;
    }
    const v = (i: number) => param(this.ex.data(args[i]!, env));
    switch (`${type}.${method}`) {
      case 'register.read': {
        const dst = this.outField(args[0]!, env, e.span);
        if (dst) out.push({ op: 'register_read', parameters: [{ type: 'field', value: dst }, { type: 'register_array', value: inst.name }, v(1)] });
        return;
      }
      case 'register.write':
        out.push({ op: 'register_write', parameters: [{ type: 'register_array', value: inst.name }, v(0), v(1)] });
        return;
      case 'counter.count':
        out.push({ op: 'count', parameters: [{ type: 'counter_array', value: inst.name }, v(0)] });
        return;
      case 'meter.execute_meter': {
        const dst = this.outField(args[1]!, env, e.span);
        if (dst) out.push({ op: 'execute_meter', parameters: [{ type: 'meter_array', value: inst.name }, v(0), { type: 'field', value: dst }] });
        return;
      }
      case 'direct_counter.count':
        return; // BMv2 counts every hit of the bound table
      case 'direct_meter.read': {
        const dst = this.outField(args[0]!, env, e.span);
        const obj = e.callee.kind === 'member' ? e.callee.object : undefined;
        const sym = obj ? this.em.cp.syms.get(obj) : undefined;
        if (dst && sym?.kind === 'instance') this.externs.setResultTarget(sym.decl, dst, e.span);
        return;
      }
      default:
        this.em.unsupported(e.span, `${type}.${method}`);
    }
  }

  private enumMember(e: ast.Expr | undefined): string | undefined {
    const c: ConstValue | undefined = e ? this.em.cp.consts.get(e) : undefined;
    return typeof c === 'object' ? c.member : undefined;
  }

  private constIndex(e: ast.Expr | undefined, what: string): bigint | undefined {
    const c = e ? this.em.cp.consts.get(e) : undefined;
    if (typeof c !== 'bigint') {
      if (e) this.em.diags.error(e.span, `${what} must be a compile-time constant`);
      return undefined;
    }
    return c;
  }

  function(e: ast.Expr & { kind: 'call' }, name: string, args: ast.Expr[], env: Env, out: Bmv2Primitive[]): void {
    const v = (i: number) => param(this.ex.data(args[i]!, env));
    switch (name) {
      case 'mark_to_drop':
        out.push({ op: 'mark_to_drop', parameters: [{ type: 'header', value: 'standard_metadata' }] });
        return;
      case 'random': {
        const dst = this.outField(args[0]!, env, e.span);
        if (dst) out.push({ op: 'modify_field_rng_uniform', parameters: [{ type: 'field', value: dst }, v(1), v(2)] });
        return;
      }
      case 'hash': {
        const dst = this.outField(args[0]!, env, e.span);
        const algo = this.enumMember(args[1]);
        const mapped = algo ? HASH_ALGOS[algo] : undefined;
        if (!mapped) {
          this.em.unsupported(args[1]!.span, `hash algorithm ${algo ?? '(not a constant)'}`);
          return;
        }
        const calc = this.externs.calculation('calc', mapped, this.inputs(args[3]!, env, out));
        if (dst) out.push({ op: 'modify_field_with_hash_based_offset', parameters: [{ type: 'field', value: dst }, v(2), { type: 'calculation', value: calc }, v(4)] });
        return;
      }
      case 'digest': {
        const info = this.em.cp.calls.get(e);
        const t = info?.typeArgs[0] ?? this.ex.typeOf(args[1]!);
        const fields = this.digestFields(args[1]!, env, out);
        const id = this.externs.learnList(t, fields, e.span);
        out.push({ op: 'generate_digest', parameters: [v(0), hex(BigInt(id))] });
        return;
      }
      case 'clone':
      case 'clone_preserving_field_list': {
        const kind = this.enumMember(args[0]);
        const list = name === 'clone' ? 0 : this.fieldList(args[2]);
        if (list === undefined) return;
        const op = kind === 'E2E' ? 'clone_egress_pkt_to_egress' : 'clone_ingress_pkt_to_egress';
        out.push({ op, parameters: [v(1), hex(BigInt(list))] });
        return;
      }
      case 'resubmit_preserving_field_list':
      case 'recirculate_preserving_field_list': {
        const list = this.fieldList(args[0]);
        if (list !== undefined) out.push({ op: name.startsWith('resubmit') ? 'resubmit' : 'recirculate', parameters: [hex(BigInt(list))] });
        return;
      }
      case 'truncate':
        out.push({ op: 'truncate', parameters: [v(0)] });
        return;
      case 'assert':
      case 'assume':
        out.push({ op: name, parameters: [param(this.ex.data(args[0]!, env))] });
        return;
      case 'log_msg': {
        const msg = this.em.cp.consts.get(args[0]!);
        const data = args[1];
        const values = data === undefined ? [] : data.kind === 'list' ? data.elements.map((x) => this.ex.data(x, env)) : [this.ex.data(data, env)];
        out.push({ op: 'log_msg', parameters: [{ type: 'string', value: String(msg ?? '') }, { type: 'parameters_vector', value: values }] });
        return;
      }
      case 'verify_checksum':
      case 'update_checksum':
      case 'verify_checksum_with_payload':
      case 'update_checksum_with_payload':
        this.em.diags.error(e.span, `${name} belongs in the ${name.startsWith('verify') ? 'VerifyChecksum' : 'ComputeChecksum'} control`);
        return;
      default:
        this.em.unsupported(e.span, `extern function ${name}`);
    }
  }

  private fieldList(e: ast.Expr | undefined): number | undefined {
    const n = this.constIndex(e, 'a field list index');
    return n === undefined ? undefined : this.externs.fieldListId(n);
  }

  /** Calculation inputs for hash data: fields as they are, constants as sized hexstrs, other values via temporaries. */
  inputs(data: ast.Expr, env: Env, out: Bmv2Primitive[]): Bmv2CalculationInput[] {
    const elems = data.kind === 'list' ? data.elements : [data];
    const result: Bmv2CalculationInput[] = [];
    for (const el of elems) {
      const t = this.ex.typeOf(el);
      const c = this.em.cp.consts.get(el);
      const w = storageWidth(t);
      if (c !== undefined && w !== undefined) {
        const v = this.ex.constant(c, t);
        result.push({ type: 'hexstr', value: v.value, bitwidth: w });
        continue;
      }
      const l = this.ex.loc(el, env);
      if (l?.k === 'field') result.push({ type: 'field', value: l.value });
      else if (l?.k === 'header') result.push({ type: 'header', value: l.name });
      else if (w !== undefined) {
        const tmp = this.em.temp(w);
        out.push({ op: 'assign', parameters: [tmp, param(this.ex.data(el, env))] });
        result.push({ type: 'field', value: tmp.value });
      } else {
        this.em.unsupported(el.span, `a ${typeName(t)} value as hash or checksum input`);
      }
    }
    return result;
  }

  private digestFields(data: ast.Expr, env: Env, out: Bmv2Primitive[]): Array<[string, string]> {
    const inputs = data.kind === 'list' ? this.inputs(data, env, out) : this.structFields(data, env);
    return inputs.flatMap((i): Array<[string, string]> => {
      if (i.type === 'field') return [i.value as [string, string]];
      if (i.type !== 'hexstr') {
        this.em.unsupported(data.span, 'a whole header in digest data (list its fields)');
        return [];
      }
      // A constant in a digest: give it a field, as the learn list holds only fields.
      const w = i.bitwidth ?? 8;
      const tmp = this.em.temp(w);
      out.push({ op: 'assign', parameters: [tmp, { type: 'hexstr', value: String(i.value) }] });
      return [tmp.value];
    });
  }

  private structFields(data: ast.Expr, env: Env): Bmv2CalculationInput[] {
    const l = this.ex.loc(data, env);
    const leaves = (fields: Map<string, Loc>): Bmv2CalculationInput[] =>
      [...fields.values()].flatMap((f) => (f.k === 'field' ? [{ type: 'field' as const, value: f.value }] : f.k === 'struct' ? leaves(f.fields) : []));
    if (l?.k === 'struct') return leaves(l.fields);
    if (l?.k === 'header') return leaves(this.ex.layout.headerFields(l));
    this.em.unsupported(data.span, 'this digest data (use a struct variable or a list of fields)');
    return [];
  }
}
