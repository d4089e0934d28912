// One loaded program: its compiled functions bound to its own state (tables,
// registers, counters, meters, value sets), and the control-plane calls on it.
import type { Bmv2EntryKey, Bmv2Json, Bmv2TableEntry } from '../../bmv2/json-format.js';
import {
  ControlError,
  type ActionCall,
  type CloneSession,
  type ControlPlane,
  type CounterValue,
  type EntrySpec,
  type EntryView,
  type KeyMatch,
  type MeterConfig,
  type Replica,
} from '../control-plane.js';
import { P4labError } from '../../errors.js';
import { fail } from './validate.js';
import type { BoundProgram, CompiledProgram } from './compile.js';
import { SCRATCH_BYTES } from './gen-calc.js';
import { CounterArray, MeterArray, RegisterArray } from './externs.js';
import type { Layout } from './layout.js';
import { PacketPool, type Packet } from './packet.js';
import type { Replication } from './replication.js';
import { Table, type ActionInfo } from './tables.js';
import { ValueSet } from './value-sets.js';

/** Services a program instance gets from the switch. */
export interface ProgramHooks {
  random(lo: number, hi: number): number;
  nowNs(): number;
}

export class ProgramInstance implements ControlPlane {
  readonly json: Bmv2Json;
  readonly fns: BoundProgram;
  readonly pool: PacketPool;
  private readonly tables = new Map<string, Table>();
  private readonly registers = new Map<string, RegisterArray>();
  private readonly counters = new Map<string, CounterArray>();
  private readonly meters = new Map<string, MeterArray>();
  private readonly valueSets = new Map<string, ValueSet>();
  readonly std: Layout['std'];
  readonly noError: number; // parser_error after a successful parse
  private readonly fieldLists = new Map<number, Int32Array>();
  private readonly learnLists = new Map<number, LearnList>();
  private readonly metadataRanges: Int32Array; // [start, end) slot pairs of metadata headers

  constructor(readonly compiled: CompiledProgram, private readonly replication: Replication, private readonly hooks: ProgramHooks) {
    const json = (this.json = compiled.json);
    const layout = compiled.layout;
    this.std = layout.std;
    this.noError = layout.error('NoError');
    const slotsOf = (fields: Array<{ value: [string, string] }>, path: string) => fields.flatMap((f, i) => {
      const info = layout.field(f.value, `${path}[${i}].value`);
      return Array.from({ length: info.words }, (_, w) => info.slot + w);
    });
    json.field_lists.forEach((l, i) => this.fieldLists.set(l.id, Int32Array.from(slotsOf(l.elements, `field_lists[${i}].elements`))));
    json.learn_lists.forEach((l, i) => {
      const fields = l.elements.map((e, j) => layout.field(e.value, `learn_lists[${i}].elements[${j}].value`));
      this.learnLists.set(l.id, { name: l.name, read: (F) => fields.map((f) => readValue(F, f.slot, f.words)) });
    });
    this.metadataRanges = Int32Array.from(layout.metadataHeaders.flatMap((h) => [layout.headers[h]!.base, layout.headers[h]!.base + layout.headers[h]!.slots]));
    this.pool = new PacketPool(compiled.layout);
    const registers = json.register_arrays.map((r) => new RegisterArray(r.name, r.size, r.bitwidth));
    const counters = json.counter_arrays.map((c) => new CounterArray(c.name, c.size));
    const meters = json.meter_arrays.map((m) => new MeterArray(m.name, m.size, m.type === 'bytes'));
    const valueSets = json.parse_vsets.map((v, i) => new ValueSet(v.name, compiled.vsetWidths.get(i) ?? [v.compressed_bitwidth], v.max_size));
    registers.forEach((r) => this.registers.set(r.name, r));
    counters.forEach((c) => !json.counter_arrays.find((x) => x.name === c.name)?.is_direct && this.counters.set(c.name, c));
    meters.forEach((m) => !json.meter_arrays.find((x) => x.name === m.name)?.is_direct && this.meters.set(m.name, m));
    valueSets.forEach((v) => this.valueSets.set(v.name, v));
    this.fns = compiled.bind({ registers, counters, meters, valueSets, scratch: new Uint8Array(SCRATCH_BYTES), random: hooks.random });

    const actions = new Map<string, ActionInfo>();
    compiled.actions.forEach((a, i) => actions.set(a.name, { ...a, fn: this.fns.actions[i]! }));
    const byId = new Map(json.actions.map((a) => [a.id, a.name]));
    const tables = compiled.tables.map((info) => {
      const t = info.table;
      const d = t.default_entry;
      const table = new Table({
        name: t.name,
        fields: info.fields,
        keyWords: info.keyWords,
        actions: (t.actions ?? []).map((a) => actions.get(a)!),
        maxSize: t.max_size ?? 1024,
        isConst: (t.entries ?? []).length > 0,
        withCounters: t.with_counters === true,
        withMeter: info.meter !== undefined,
        supportTimeout: t.support_timeout === true,
        defaultAction: d
          ? { action: byId.get(d.action_id)!, params: (d.action_data ?? []).map((x) => BigInt(x)) }
          : undefined,
        defaultConst: d?.action_const === true,
        defaultEntryConst: d?.action_entry_const === true,
        // the program still loads; such a table misses until profiles are supported
        unimplemented: t.type === 'indirect' || t.type === 'indirect_ws' ? `table "${t.name}" uses an action ${t.type === 'indirect' ? 'profile' : 'selector'}, which this switch does not support yet` : undefined,
      }, actions);
      this.tables.set(t.name, table);
      loadConstEntries(table, t.entries ?? [], byId, info.path);
      return table;
    });
    this.fns.setTables(tables);
  }

  fieldListSlots(id: number): Int32Array {
    return this.fieldLists.get(id) ?? EMPTY_SLOTS;
  }

  learnList(id: number): LearnList | undefined {
    return this.learnLists.get(id);
  }

  /** Zeroes every metadata field (an egress clone starts with fresh metadata). */
  resetMetadata(p: Packet): void {
    const r = this.metadataRanges;
    for (let i = 0; i < r.length; i += 2) p.F.fill(0, r[i]!, r[i + 1]!);
  }

  private table(name: string): Table {
    const t = this.tables.get(name);
    if (!t) throw new ControlError('NOT_FOUND', `no table "${name}" in the program`);
    return t;
  }

  private named<T>(map: Map<string, T>, kind: string, name: string): T {
    const x = map.get(name);
    if (!x) throw new ControlError('NOT_FOUND', `no ${kind} "${name}" in the program`);
    return x;
  }

  /** Reports entries idle past their timeout, once per idle period. */
  expireIdle(nowNs: number, notify: (table: string, entries: EntryView[]) => void): void {
    for (const t of this.tables.values()) {
      if (!t.spec.supportTimeout) continue;
      const idle = t.entries().filter((e) => e.timeoutNs > 0 && nowNs - e.lastHit >= e.timeoutNs && e.notifiedAt !== e.lastHit);
      if (idle.length === 0) continue;
      for (const e of idle) e.notifiedAt = e.lastHit;
      notify(t.name, idle.map((e) => t.view(e, nowNs)));
    }
  }

  tableAdd(table: string, entry: EntrySpec): void {
    // a new entry counts as hit now, so its idle timer starts at insertion
    this.table(table).add(entry).lastHit = this.hooks.nowNs();
  }
  tableModify(table: string, entry: EntrySpec): void { this.table(table).modify(entry); }
  tableDelete(table: string, key: KeyMatch[], priority: number): void { this.table(table).delete(key, priority); }
  tableSetDefault(table: string, action: ActionCall): void { this.table(table).setDefault(action); }
  tableResetDefault(table: string): void { this.table(table).resetDefault(); }
  tableGetDefault(table: string): ActionCall { return this.table(table).getDefault(); }
  tableEntries(table: string): EntryView[] {
    const t = this.table(table);
    const now = this.hooks.nowNs();
    return t.entries().map((e) => t.view(e, now));
  }
  tableEntry(table: string, key: KeyMatch[], priority: number): EntryView | undefined {
    const t = this.table(table);
    try {
      return t.view(t.find(key, priority), this.hooks.nowNs());
    } catch (e) {
      if (e instanceof ControlError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }
  tableClear(table: string): void { this.table(table).clear(); }
  directCounterWrite(table: string, key: KeyMatch[], priority: number, value: CounterValue): void { this.table(table).writeCounter(key, priority, value); }
  directMeterSet(table: string, key: KeyMatch[], priority: number, config: MeterConfig | undefined): void { this.table(table).setMeter(key, priority, config); }

  registerRead(register: string, index: number): bigint { return this.named(this.registers, 'register', register).read(index); }
  registerWrite(register: string, index: number, value: bigint): void { this.named(this.registers, 'register', register).write(index, value); }
  registerSize(register: string): number { return this.named(this.registers, 'register', register).size; }
  registerReset(register: string): void { this.named(this.registers, 'register', register).reset(); }
  counterRead(counter: string, index: number): CounterValue { return this.named(this.counters, 'counter', counter).read(index); }
  counterWrite(counter: string, index: number, value: CounterValue): void { this.named(this.counters, 'counter', counter).write(index, value); }
  counterSize(counter: string): number { return this.named(this.counters, 'counter', counter).size; }
  meterSet(meter: string, index: number, config: MeterConfig | undefined): void { this.named(this.meters, 'meter', meter).set(index, config); }
  meterGet(meter: string, index: number): MeterConfig | undefined { return this.named(this.meters, 'meter', meter).get(index); }
  meterSize(meter: string): number { return this.named(this.meters, 'meter', meter).size; }
  valueSetAdd(vset: string, value: bigint, mask: bigint): void { this.named(this.valueSets, 'value set', vset).add(value, mask); }
  valueSetClear(vset: string): void { this.named(this.valueSets, 'value set', vset).clear(); }

  multicastGroupSet(group: number, replicas: Replica[]): void { this.replication.multicastGroupSet(group, replicas); }
  multicastGroupDelete(group: number): void { this.replication.multicastGroupDelete(group); }
  multicastGroups(): Map<number, Replica[]> { return this.replication.multicastGroups(); }
  cloneSessionSet(session: number, config: CloneSession): void { this.replication.cloneSessionSet(session, config); }
  cloneSessionDelete(session: number): void { this.replication.cloneSessionDelete(session); }
  cloneSessions(): Map<number, CloneSession> { return this.replication.cloneSessions(); }
}

interface LearnList {
  name: string;
  read(F: Float64Array): bigint[];
}

const EMPTY_SLOTS = new Int32Array(0);

function readValue(F: Float64Array, slot: number, words: number): bigint {
  if (words === 1) return BigInt(F[slot]!);
  let v = 0n;
  for (let i = 0; i < words; i++) v = (v << 32n) | BigInt(F[slot + i]!);
  return v;
}

/** BMv2 JSON `entries` (const entries): BMv2 priority, lower wins; P4Runtime's, higher wins. */
function loadConstEntries(table: Table, entries: Bmv2TableEntry[], byId: Map<number, string>, path: string): void {
  const top = Math.max(0, ...entries.map((e) => e.priority ?? 0)) + 1;
  entries.forEach((e, i) => {
    const ep = `${path}.entries[${i}]`;
    const keys: Bmv2EntryKey[] = Array.isArray(e.match_key) ? e.match_key : fail(`${ep}.match_key`, 'missing: a const entry lists its keys under match_key');
    const hex = (v: unknown) => BigInt(v as string);
    try {
    // p4c writes optional keys as ternary, so BMv2 sees no other kinds here.
    const key: KeyMatch[] = keys.map((k) => {
      switch (k.match_type) {
        case 'lpm': return { kind: 'lpm', value: hex(k.key), prefixLen: Number(k.prefix_length) };
        case 'ternary': return { kind: 'ternary', value: hex(k.key), mask: hex(k.mask) };
        case 'range': return { kind: 'range', low: hex(k.start), high: hex(k.end) };
        default: return { kind: 'exact', value: hex(k.key) };
      }
    });
    const action = byId.get(e.action_entry?.action_id);
      if (!action) fail(`${ep}.action_entry.action_id`, `unknown action id ${e.action_entry?.action_id}`);
      table.add({ key, action: { action, params: (e.action_entry.action_data ?? []).map(hex) }, priority: table.kind === 'ternary' ? top - (e.priority ?? 0) : 0 }, true);
    } catch (err) {
      if (err instanceof P4labError) throw err;
      fail(ep, (err as Error).message);
    }
  });
}
