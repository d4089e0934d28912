// What every code generator needs: the program, its layout, and name → index
// maps for the objects generated code refers to (R0, C1, M2, H3, VS0, …).
import type { Bmv2Json } from '../../bmv2/json-format.js';
import type { Layout } from './layout.js';
import { fail } from './validate.js';

export function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

export class GenContext {
  readonly registers: Map<string, number>;
  readonly counters: Map<string, number>;
  readonly meters: Map<string, number>;
  readonly calculations: Map<string, number>;
  readonly valueSets: Map<string, number>;
  readonly actions: Map<string, number>;
  readonly actionById: Map<number, number>;
  readonly learnLists: Set<number>;
  readonly fieldLists: Set<number>;
  /** Calculations the code uses, so only those get a hash function. */
  readonly usedCalculations = new Set<number>();

  constructor(readonly json: Bmv2Json, readonly layout: Layout) {
    // numbers that end up in generated code must be numbers
    const sizes: Array<[string, Array<{ size?: unknown; bitwidth?: unknown }>]> = [
      ['register_arrays', json.register_arrays], ['counter_arrays', json.counter_arrays], ['meter_arrays', json.meter_arrays],
    ];
    for (const [key, list] of sizes) {
      list.forEach((x, i) => {
        if (!isCount(x.size)) fail(`${key}[${i}].size`, `expected a whole number, found ${JSON.stringify(x.size)}`);
        if (key === 'register_arrays' && !(isCount(x.bitwidth) && (x.bitwidth as number) > 0)) fail(`${key}[${i}].bitwidth`, `expected a positive whole number, found ${JSON.stringify(x.bitwidth)}`);
      });
    }
    const index = (list: Array<{ name: string }>) => new Map(list.map((x, i) => [x.name, i]));
    this.registers = index(json.register_arrays);
    this.counters = index(json.counter_arrays);
    this.meters = index(json.meter_arrays);
    this.calculations = index(json.calculations);
    this.valueSets = index(json.parse_vsets);
    this.actions = index(json.actions);
    this.actionById = new Map(json.actions.map((a, i) => [a.id, i]));
    this.learnLists = new Set(json.learn_lists.map((l) => l.id));
    this.fieldLists = new Set(json.field_lists.map((l) => l.id));
  }

  ref(kind: 'register' | 'counter' | 'meter' | 'calculation' | 'value set', name: unknown, path: string): number {
    const map = { register: this.registers, counter: this.counters, meter: this.meters, calculation: this.calculations, 'value set': this.valueSets }[kind];
    const i = map.get(name as string);
    if (i === undefined) fail(path, `unknown ${kind} "${String(name)}"`);
    if (kind === 'calculation') this.usedCalculations.add(i);
    return i;
  }
}
