// Match-action tables at run time: entries, their match structures and the
// control-plane operations on them. The generated pipeline code writes a
// table's key as 32-bit words into `key` and calls lookup(), which allocates nothing.
import { ControlError, type ActionCall, type CounterValue, type EntrySpec, type EntryView, type KeyMatch, type MeterConfig } from '../control-plane.js';
import { Meter } from './externs.js';
import { applyPrefix, encodeKey, type KeyField } from './table-keys.js';

/** An action a table may run: its index in the program and its parameter layout. */
export interface ActionInfo {
  name: string;
  index: number;
  fn: (p: unknown, d: Float64Array) => void;
  params: Array<{ name: string; width: number; offset: number; words: number }>;
  slots: number;
}

export class Entry {
  next: Entry | undefined = undefined; // hash chain
  packets = 0;
  bytes = 0;
  lastHit = 0;
  notifiedAt = -1;
  meter: Meter | undefined;

  constructor(
    readonly hit: boolean,
    public action: ActionInfo,
    public data: Float64Array,
    public fn: ActionInfo['fn'],
    readonly key: KeyMatch[],
    readonly priority: number,
    readonly value: Uint32Array,
    readonly mask: Uint32Array,
    readonly high: Uint32Array, // range upper bounds (value holds the lower ones)
    readonly prefixLen: number,
    readonly identity: string,
    public timeoutNs: number,
    readonly isConst: boolean,
  ) {}
}

export interface TableSpec {
  name: string;
  fields: KeyField[];
  keyWords: number;
  actions: ActionInfo[]; // those the table may use
  maxSize: number;
  isConst: boolean;
  withCounters: boolean;
  withMeter: boolean;
  supportTimeout: boolean;
  defaultAction: ActionCall | undefined; // absent: a miss runs no action
  defaultConst: boolean; // action_const: the default action cannot change
  defaultEntryConst: boolean; // action_entry_const: nor its parameters
  unimplemented?: string; // why control-plane calls on this table answer UNIMPLEMENTED
}

const EMPTY = new Uint32Array(0);
const EMPTY_DATA = new Float64Array(1);
const NO_ACTION: ActionInfo = { name: '', index: -1, fn: () => {}, params: [], slots: 0 };

function hashWords(words: Uint32Array, n: number, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ words[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export class Table {
  readonly key: Uint32Array;
  private readonly scratch: Uint32Array;
  readonly kind: 'exact' | 'lpm' | 'ternary';
  private buckets: Array<Entry | undefined> = new Array(16);
  private bucketMask = 15;
  private prefixLens: number[] = []; // lpm: distinct prefix lengths, longest first
  private prefixMasks: Uint32Array[] = []; // lpm: key mask per prefix length (other fields all ones)
  private readonly prefixCount = new Map<number, number>();
  private ordered: Entry[] = []; // ternary/range: highest priority first
  private readonly byIdentity = new Map<string, Entry>();
  defaultEntry!: Entry;
  private readonly actionByName: Map<string, ActionInfo>;
  private readonly defaultSpec: ActionCall | undefined;

  constructor(readonly spec: TableSpec, private readonly allActions: Map<string, ActionInfo>) {
    this.key = new Uint32Array(Math.max(spec.keyWords, 1));
    this.scratch = new Uint32Array(Math.max(spec.keyWords, 1));
    const kinds = spec.fields.map((f) => f.kind);
    this.kind = kinds.some((k) => k === 'ternary' || k === 'range' || k === 'optional')
      ? 'ternary'
      : kinds.filter((k) => k === 'lpm').length === 1 ? 'lpm' : kinds.includes('lpm') ? 'ternary' : 'exact';
    const lpm = this.kind === 'lpm' ? spec.fields.find((f) => f.kind === 'lpm') : undefined;
    if (lpm) {
      for (let len = 0; len <= lpm.width; len++) {
        const m = new Uint32Array(Math.max(spec.keyWords, 1)).fill(0xffffffff);
        applyPrefix(m, lpm, len);
        this.prefixMasks.push(m);
      }
    }
    this.actionByName = new Map(spec.actions.map((a) => [a.name, a]));
    this.defaultSpec = spec.defaultAction;
    this.defaultEntry = this.makeDefault(spec.defaultAction);
  }

  get name(): string {
    return this.spec.name;
  }

  /** The matching entry for the key in `this.key`, or the default entry (hit false). */
  lookup(): Entry {
    if (this.kind === 'exact') {
      const n = this.spec.keyWords;
      let e = this.buckets[hashWords(this.key, n, 0) & this.bucketMask];
      for (; e !== undefined; e = e.next) if (e.prefixLen === 0 && sameWords(e.value, this.key, n)) return e;
      return this.defaultEntry;
    }
    if (this.kind === 'lpm') return this.lookupLpm();
    const list = this.ordered;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (this.matchesTernary(e)) return e;
    }
    return this.defaultEntry;
  }

  private lookupLpm(): Entry {
    const n = this.spec.keyWords;
    const s = this.scratch;
    const lens = this.prefixLens;
    const masks = this.prefixMasks;
    for (let li = 0; li < lens.length; li++) {
      const len = lens[li]!;
      const m = masks[len]!;
      for (let i = 0; i < n; i++) s[i] = this.key[i]! & m[i]!;
      let e = this.buckets[hashWords(s, n, len + 1) & this.bucketMask];
      for (; e !== undefined; e = e.next) if (e.prefixLen === len && sameWords(e.value, s, n)) return e;
    }
    return this.defaultEntry;
  }

  private matchesTernary(e: Entry): boolean {
    const k = this.key;
    for (const f of this.spec.fields) {
      if (f.kind === 'range') {
        if (compareWords(k, f.word, e.value, f.words) < 0 || compareWords(k, f.word, e.high, f.words) > 0) return false;
        continue;
      }
      for (let i = f.word; i < f.word + f.words; i++) if (((k[i]! & e.mask[i]!) >>> 0) !== e.value[i]) return false;
    }
    return true;
  }

  // ---- control plane ----

  add(spec: EntrySpec, isConst = false): void {
    this.checkImplemented();
    if (this.spec.fields.length === 0) throw new ControlError('INVALID_ARGUMENT', `table "${this.name}" has no key: set its default action instead`);
    if (this.spec.isConst && !isConst) throw new ControlError('PERMISSION_DENIED', `table "${this.name}" is const: its entries cannot change`);
    const e = this.makeEntry(spec, isConst);
    if (this.byIdentity.has(e.identity)) throw new ControlError('ALREADY_EXISTS', `table "${this.name}" already has an entry with this key${this.kind === 'ternary' ? ' and priority' : ''}`);
    if (this.byIdentity.size >= this.spec.maxSize) throw new ControlError('RESOURCE_EXHAUSTED', `table "${this.name}" is full (${this.spec.maxSize} entries)`);
    this.insert(e);
  }

  modify(spec: EntrySpec): void {
    this.checkImplemented();
    this.checkMutable();
    const probe = this.makeEntry(spec, false);
    const e = this.byIdentity.get(probe.identity);
    if (!e) throw new ControlError('NOT_FOUND', `table "${this.name}" has no entry with this key`);
    e.action = probe.action;
    e.data = probe.data;
    e.fn = probe.fn;
    if (spec.idleTimeoutNs !== undefined) e.timeoutNs = probe.timeoutNs;
  }

  delete(key: KeyMatch[], priority: number): void {
    this.checkMutable();
    const e = this.find(key, priority);
    this.byIdentity.delete(e.identity);
    if (this.kind === 'ternary') {
      this.ordered.splice(this.ordered.indexOf(e), 1);
      return;
    }
    this.unlink(e);
    if (this.kind === 'lpm') this.countPrefix(e.prefixLen, -1);
  }

  clear(): void {
    this.checkMutable();
    this.byIdentity.clear();
    this.rebuild();
  }

  find(key: KeyMatch[], priority: number): Entry {
    const { value, mask, high, prefixLen } = encodeKey(this.name, this.spec.fields, this.spec.keyWords, key);
    const id = this.identityOf(value, mask, high, prefixLen, priority);
    const e = this.byIdentity.get(id);
    if (!e) throw new ControlError('NOT_FOUND', `table "${this.name}" has no entry with this key`);
    return e;
  }

  entries(): Entry[] {
    return [...this.byIdentity.values()];
  }

  setDefault(call: ActionCall): void {
    this.checkImplemented();
    if (this.spec.defaultEntryConst || (this.spec.defaultConst && call.action !== this.defaultSpec?.action)) {
      throw new ControlError('PERMISSION_DENIED', `table "${this.name}" has a const default action (${this.defaultSpec?.action})`);
    }
    this.defaultEntry = this.makeDefault(call);
  }

  resetDefault(): void {
    this.defaultEntry = this.makeDefault(this.defaultSpec);
  }

  getDefault(): ActionCall {
    return { action: this.defaultEntry.action.name, params: this.paramsOf(this.defaultEntry) };
  }

  view(e: Entry, nowNs: number): EntryView {
    const v: EntryView = { key: e.key, action: { action: e.action.name, params: this.paramsOf(e) }, priority: e.priority, isConst: e.isConst };
    if (e.timeoutNs > 0) v.idleTimeoutNs = BigInt(e.timeoutNs);
    if (this.spec.withCounters) v.counter = { packets: BigInt(e.packets), bytes: BigInt(e.bytes) };
    if (this.spec.withMeter && e.meter?.config) v.meter = e.meter.config;
    if (this.spec.supportTimeout) v.elapsedNs = BigInt(Math.max(0, Math.round(nowNs - e.lastHit)));
    return v;
  }

  writeCounter(key: KeyMatch[], priority: number, value: CounterValue): void {
    if (!this.spec.withCounters) throw new ControlError('NOT_FOUND', `table "${this.name}" has no direct counter`);
    const e = this.find(key, priority);
    e.packets = Number(value.packets);
    e.bytes = Number(value.bytes);
  }

  setMeter(key: KeyMatch[], priority: number, config: MeterConfig | undefined): void {
    if (!this.spec.withMeter) throw new ControlError('NOT_FOUND', `table "${this.name}" has no direct meter`);
    const e = this.find(key, priority);
    e.meter ??= new Meter();
    e.meter.configure(config);
  }

  private checkImplemented(): void {
    if (this.spec.unimplemented) throw new ControlError('UNIMPLEMENTED', this.spec.unimplemented);
  }

  private checkMutable(): void {
    if (this.spec.isConst) throw new ControlError('PERMISSION_DENIED', `table "${this.name}" is const: its entries cannot change`);
  }

  private paramsOf(e: Entry): bigint[] {
    return e.action.params.map((p) => {
      let v = 0n;
      for (let i = 0; i < p.words; i++) v = p.words === 1 ? BigInt(e.data[p.offset]!) : (v << 32n) | BigInt(e.data[p.offset + i]!);
      return v;
    });
  }

  private resolveAction(call: ActionCall, forDefault: boolean): { action: ActionInfo; data: Float64Array } {
    const action = this.actionByName.get(call.action);
    if (!action) {
      const known = this.allActions.has(call.action);
      throw new ControlError('INVALID_ARGUMENT', known
        ? `action "${call.action}" is not an action of table "${this.name}"${forDefault ? ' (default)' : ''}; it takes ${[...this.actionByName.keys()].join(', ')}`
        : `unknown action "${call.action}"`);
    }
    if (call.params.length !== action.params.length) {
      throw new ControlError('INVALID_ARGUMENT', `action "${action.name}" takes ${action.params.length} parameters, got ${call.params.length}`);
    }
    const data = new Float64Array(Math.max(action.slots, 1));
    action.params.forEach((p, i) => {
      const v = call.params[i]!;
      if (v < 0n || v >= 1n << BigInt(p.width)) throw new ControlError('INVALID_ARGUMENT', `parameter "${p.name}" of action "${action.name}" is ${p.width} bits; ${v} does not fit`);
      if (p.words === 1) data[p.offset] = Number(v);
      else for (let w = 0; w < p.words; w++) data[p.offset + w] = Number((v >> BigInt(32 * (p.words - 1 - w))) & 0xffffffffn);
    });
    return { action, data };
  }

  private makeDefault(call: ActionCall | undefined): Entry {
    if (!call) return new Entry(false, NO_ACTION, EMPTY_DATA, NO_ACTION.fn, [], 0, EMPTY, EMPTY, EMPTY, 0, '', 0, false);
    const { action, data } = this.resolveAction(call, true);
    return new Entry(false, action, data, action.fn, [], 0, EMPTY, EMPTY, EMPTY, 0, '', 0, false);
  }

  private identityOf(value: Uint32Array, mask: Uint32Array, high: Uint32Array, prefixLen: number, priority: number): string {
    return `${value.join(',')}/${mask.join(',')}/${high.join(',')}/${prefixLen}#${this.kind === 'ternary' ? priority : 0}`;
  }

  private makeEntry(spec: EntrySpec, isConst: boolean): Entry {
    if (this.kind === 'ternary' && !(Number.isInteger(spec.priority) && spec.priority > 0)) {
      throw new ControlError('INVALID_ARGUMENT', `table "${this.name}" has ternary, range or optional keys: entries need a priority above 0`);
    }
    const { value, mask, high, prefixLen } = encodeKey(this.name, this.spec.fields, this.spec.keyWords, spec.key);
    const { action, data } = this.resolveAction(spec.action, false);
    const priority = this.kind === 'ternary' ? spec.priority : 0;
    const timeout = spec.idleTimeoutNs !== undefined ? Number(spec.idleTimeoutNs) : 0;
    if (timeout > 0 && !this.spec.supportTimeout) throw new ControlError('INVALID_ARGUMENT', `table "${this.name}" does not support idle timeout`);
    return new Entry(true, action, data, action.fn, spec.key, priority, value, mask, high, this.kind === 'lpm' ? prefixLen : 0,
      this.identityOf(value, mask, high, prefixLen, priority), timeout, isConst);
  }

  private insert(e: Entry): void {
    this.byIdentity.set(e.identity, e);
    if (this.kind === 'ternary') {
      // after every entry of the same or a higher priority: among equals the earlier wins
      const list = this.ordered;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]!.priority >= e.priority) lo = mid + 1;
        else hi = mid;
      }
      list.splice(lo, 0, e);
      return;
    }
    if (this.byIdentity.size > this.buckets.length) {
      this.rebuild();
      return;
    }
    this.link(e);
    if (this.kind === 'lpm') this.countPrefix(e.prefixLen, 1);
  }

  private bucketOf(e: Entry): number {
    return hashWords(e.value, this.spec.keyWords, this.kind === 'lpm' ? e.prefixLen + 1 : 0) & this.bucketMask;
  }

  private link(e: Entry): void {
    const b = this.bucketOf(e);
    e.next = this.buckets[b];
    this.buckets[b] = e;
  }

  private unlink(e: Entry): void {
    const b = this.bucketOf(e);
    if (this.buckets[b] === e) {
      this.buckets[b] = e.next;
      return;
    }
    for (let x = this.buckets[b]; x !== undefined; x = x.next) {
      if (x.next === e) {
        x.next = e.next;
        return;
      }
    }
  }

  /** LPM: how many entries use each prefix length; lookups try only lengths in use. */
  private countPrefix(len: number, delta: number): void {
    const n = (this.prefixCount.get(len) ?? 0) + delta;
    if (n > 0) this.prefixCount.set(len, n);
    else this.prefixCount.delete(len);
    this.prefixLens = [...this.prefixCount.keys()].sort((a, b) => b - a);
  }

  /** Sizes the hash for the entries there are (control plane only; amortised by doubling). */
  private rebuild(): void {
    const all = [...this.byIdentity.values()];
    let size = 16;
    while (size < all.length * 2) size *= 2;
    this.buckets = new Array(size);
    this.bucketMask = size - 1;
    this.prefixCount.clear();
    if (this.kind === 'ternary') {
      this.ordered = all.slice().sort((a, b) => b.priority - a.priority);
      return;
    }
    for (const e of all) {
      this.link(e);
      this.prefixCount.set(e.prefixLen, (this.prefixCount.get(e.prefixLen) ?? 0) + 1);
    }
    this.prefixLens = [...this.prefixCount.keys()].sort((a, b) => b - a);
  }
}

function sameWords(a: Uint32Array, b: Uint32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareWords(k: Uint32Array, at: number, bound: Uint32Array, n: number): number {
  for (let i = at; i < at + n; i++) {
    if (k[i]! !== bound[i]!) return k[i]! < bound[i]! ? -1 : 1;
  }
  return 0;
}
