// The VerifyChecksum and ComputeChecksum controls → BMv2 checksums and their
// calculations: verified in the parser, updated in the deparser.
import type * as ast from '../ast.js';
import type { Bmv2Primitive } from '../../bmv2/json-format.js';
import type { ControlDecl } from '../check/model.js';
import type { ExprLowering } from './expr.js';
import type { Externs } from './externs.js';
import type { Env } from './layout.js';
import type { PrimitiveLowering } from './primitives.js';

const ALGOS: Record<string, string> = { csum16: 'csum16', crc16: 'crc16', crc32: 'crc32', xor16: 'xor16', identity: 'identity', crc16_custom: 'crc16_custom', crc32_custom: 'crc32_custom' };

export function lowerChecksums(ex: ExprLowering, prims: PrimitiveLowering, externs: Externs, decl: ControlDecl, verify: boolean): void {
  const em = ex.em;
  const env: Env = { params: new Map() };
  const want = verify ? 'verify_checksum' : 'update_checksum';
  const walk = (s: ast.Stmt) => {
    if (s.kind === 'block') return s.body.forEach(walk);
    if (s.kind === 'empty') return;
    const info = s.kind === 'call' ? em.cp.calls.get(s.call) : undefined;
    if (s.kind !== 'call' || info?.kind !== 'extern-function' || (info.name !== want && info.name !== `${want}_with_payload`)) {
      em.unsupported(s.span, `statements other than ${want}(…) in ${decl.name}`);
      return;
    }
    const [cond, data, target, algoArg] = s.call.args.map((a) => a.value);
    const algoValue = algoArg ? em.cp.consts.get(algoArg) : undefined;
    const algo = typeof algoValue === 'object' ? ALGOS[algoValue.member] : undefined;
    if (!algo) {
      em.unsupported(algoArg?.span ?? s.span, `checksum algorithm ${typeof algoValue === 'object' ? algoValue.member : '(not a constant)'}`);
      return;
    }
    const setup: Bmv2Primitive[] = [];
    const input = prims.externCalls.inputs(data!, env, setup);
    if (setup.length) {
      em.unsupported(data!.span, 'checksum inputs that are not fields or constants');
      return;
    }
    if (info.name.endsWith('_with_payload')) input.push({ type: 'payload', value: null });
    const dst = ex.loc(target!, env);
    if (dst?.k !== 'field') {
      em.unsupported(target!.span, 'a checksum target that is not a header field');
      return;
    }
    const c = em.cp.consts.get(cond!);
    if (c === false) return;
    const calc = externs.calculation('calc', algo, input);
    em.checksums.push({
      name: em.unique('checksum', 'cksum'),
      id: em.checksums.length,
      target: dst.value,
      type: 'generic',
      calculation: calc,
      verify,
      update: !verify,
      if_cond: c === true ? null : ex.value(cond!, env),
    });
  };
  walk(decl.apply);
}
