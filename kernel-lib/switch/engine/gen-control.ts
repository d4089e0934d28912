// Generates a control pipeline: tables and conditionals as cases of one switch
// in a loop, each jumping to the next node; table keys written inline.
import type { Bmv2Pipeline, Bmv2Table } from '../../bmv2/json-format.js';
import { ExprGen } from './expr.js';
import type { GenContext } from './gen-context.js';
import type { KeyField, MatchKind } from './table-keys.js';
import { fail } from './validate.js';

export interface TableInfo {
  table: Bmv2Table;
  global: number; // index among all tables of the program (the generated T<n>)
  path: string;
  fields: KeyField[];
  keyWords: number;
  meter: number | undefined; // direct meter array index
}

const P32 = 4294967296;

export function tableKeyFields(ctx: GenContext, t: Bmv2Table, path: string): { fields: KeyField[]; words: number } {
  let word = 0;
  const fields = (t.key ?? []).map((k, i) => {
    const kp = `${path}.key[${i}]`;
    const kinds: MatchKind[] = ['exact', 'lpm', 'ternary', 'range', 'optional', 'valid'];
    if (!kinds.includes(k.match_type)) fail(`${kp}.match_type`, `unknown match type "${k.match_type}"`);
    let width: number;
    if (k.match_type === 'valid' || (Array.isArray(k.target) && k.target[1] === '$valid$')) {
      width = 1;
      ctx.layout.header(Array.isArray(k.target) ? k.target[0] : k.target, `${kp}.target`);
    } else {
      width = ctx.layout.field(k.target, `${kp}.target`).width;
    }
    const words = Math.max(1, Math.ceil(width / 32));
    const f: KeyField = { name: k.name ?? String(k.target), kind: k.match_type, width, word, words };
    word += words;
    return f;
  });
  return { fields, words: word };
}

function keyCode(ctx: GenContext, eg: ExprGen, info: TableInfo): string {
  const lines: string[] = [];
  info.table.key.forEach((k, i) => {
    const f = info.fields[i]!;
    const kp = `${info.path}.key[${i}]`;
    if (f.width === 1 && (k.match_type === 'valid' || (Array.isArray(k.target) && k.target[1] === '$valid$'))) {
      const h = ctx.layout.header(Array.isArray(k.target) ? k.target[0] : k.target, `${kp}.target`);
      lines.push(`K[${f.word}] = V[${h.index}];`);
      return;
    }
    const fi = ctx.layout.field(k.target, `${kp}.target`);
    const mask = k.mask ? BigInt(k.mask) : undefined;
    if (fi.words > 1) {
      for (let w = 0; w < fi.words; w++) {
        const m = mask === undefined ? '' : ` & ${Number((mask >> BigInt(32 * (fi.words - 1 - w))) & 0xffffffffn)}`;
        lines.push(`K[${f.word + w}] = F[${fi.slot + w}]${m};`);
      }
      return;
    }
    let v = eg.readField(fi).js;
    if (fi.signed) v = `F[${fi.slot}]`; // keys match on the stored bits
    if (mask !== undefined) v = fi.width <= 32 ? `((${v} & ${mask}) >>> 0)` : `and53(${v}, ${mask})`;
    if (fi.width <= 32) lines.push(`K[${f.word}] = ${v};`);
    else lines.push(`{ const x = ${v}; K[${f.word}] = Math.floor(x / ${P32}); K[${f.word + 1}] = x % ${P32}; }`);
  });
  return lines.join(' ');
}

export function genPipeline(ctx: GenContext, pipe: Bmv2Pipeline, path: string, fnName: string, tables: Map<string, TableInfo>): string {
  const eg = new ExprGen(ctx.layout);
  const nodes = new Map<string, number>();
  pipe.tables.forEach((t, i) => nodes.set(t.name, i));
  pipe.conditionals.forEach((c, i) => nodes.set(c.name, pipe.tables.length + i));
  const jump = (name: string | null | undefined, where: string) => {
    if (name === null || name === undefined) return '-1';
    const n = nodes.get(name);
    if (n === undefined) fail(where, `unknown node "${name}"`);
    return String(n);
  };
  const init = jump(pipe.init_table, `${path}.init_table`);
  checkAcyclic(pipe, path);
  const cases: string[] = [];
  pipe.tables.forEach((t, i) => {
    const tp = `${path}.tables[${i}]`;
    const info = tables.get(t.name)!;
    const hitMiss = '__HIT__' in (t.next_tables ?? {}) || '__MISS__' in (t.next_tables ?? {});
    let next: string;
    if (hitMiss) {
      next = `n = e.hit ? ${jump(t.next_tables['__HIT__'], `${tp}.next_tables.__HIT__`)} : ${jump(t.next_tables['__MISS__'], `${tp}.next_tables.__MISS__`)};`;
    } else {
      const byAction = Object.entries(t.next_tables ?? {}).map(([action, node]) => {
        const a = ctx.actions.get(action);
        if (a === undefined) fail(`${tp}.next_tables`, `unknown action "${action}"`);
        return `case ${a}: n = ${jump(node, `${tp}.next_tables["${action}"]`)}; break;`;
      });
      const dflt = jump(t.base_default_next, `${tp}.base_default_next`);
      next = byAction.length ? `switch (e.action.index) { ${byAction.join(' ')} default: n = ${dflt}; }` : `n = ${dflt};`;
    }
    const onHit: string[] = [];
    if (t.with_counters) onHit.push('e.packets++; e.bytes += p.len;');
    if (t.support_timeout) onHit.push('e.lastHit = p.nowNs;');
    if (info.meter !== undefined) {
      const m = ctx.json.meter_arrays[info.meter]!;
      if (m.result_target) {
        const target = eg.target({ type: 'field', value: m.result_target }, `meter_arrays[${info.meter}].result_target`);
        onHit.push(`F[${target.slot}] = e.meter === undefined ? 0 : e.meter.execute(${m.type === 'bytes' ? 'p.len' : '1'}, p.nowNs);`);
      }
    }
    // a keyless table (how p4c compiles a bare action call) only ever runs its default
    const lookup = info.fields.length === 0 ? 'const e = t.defaultEntry;' : `const K = t.key; ${keyCode(ctx, eg, info)} const e = t.lookup();`;
    cases.push(`case ${i}: { const t = T${info.global}; ${lookup} ${onHit.length ? `if (e.hit) { ${onHit.join(' ')} }` : ''}
      e.fn(p, e.data); if (p.exit === 1) return;
      ${next} break; }`);
  });
  pipe.conditionals.forEach((c, i) => {
    const cp = `${path}.conditionals[${i}]`;
    const cond = eg.bool(eg.value(c.expression, `${cp}.expression`), `${cp}.expression`);
    cases.push(`case ${pipe.tables.length + i}: n = ${cond} ? ${jump(c.true_next, `${cp}.true_next`)} : ${jump(c.false_next, `${cp}.false_next`)}; break;`);
  });
  return `function ${fnName}(p) {
  const F = p.F, V = p.V, N = p.N;
  let n = ${init};
  while (n >= 0) {
    switch (n) { ${cases.join('\n')} }
  }
}`;
}

/** BMv2 control graphs are acyclic; a cycle would run one packet forever. */
function checkAcyclic(pipe: Bmv2Pipeline, path: string): void {
  const next = new Map<string, Array<string | null>>();
  for (const t of pipe.tables) next.set(t.name, [...Object.values(t.next_tables ?? {}), t.base_default_next]);
  for (const c of pipe.conditionals) next.set(c.name, [c.true_next, c.false_next]);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, trail: string[]): void => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') fail(`${path}`, `the control flow loops: ${[...trail, node].join(' -> ')}`);
    state.set(node, 'open');
    for (const n of next.get(node) ?? []) if (n !== null && n !== undefined) visit(n, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of next.keys()) visit(node, []);
}
