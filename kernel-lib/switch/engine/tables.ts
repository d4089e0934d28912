// Match-action tables at run time: entries, their match structures and the
// control-plane operations on them. The generated pipeline code writes a
// table's key as 32-bit words into `key` and calls lookup(), which allocates nothing.
import { ControlError, type ActionCall, type CounterValue, type EntrySpec, type EntryView, type KeyMatch, type MeterConfig } from '../control-plane.js';
import { Meter } from './externs.js';
import { applyPrefix, KeyEncoder, KeySlab, type KeyField } from './table-keys.js';

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
  older: Entry | undefined = undefined; // insertion order, for reads
  newer: Entry | undefined = undefined;
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
    // where the encoded key starts in its table's KeySlab: its value words, and
    // for ternary tables then its mask words and range upper bounds (the
    // layout of KeyEncoder.packed)
    readonly at: number,
    readonly prefixLen: number,
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

const EMPTY_DATA = new Float64Array(1);
const NO_ACTION: ActionInfo = { name: '', index: -1, fn: () => {}, params: [], slots: 0 };

function hashWords(words: Uint32Array, at: number, n: number, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = at; i < at + n; i++) {
    h = Math.imul(h ^ words[i]!, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export class Table {
  readonly key: Uint32Array;
  private readonly scratch: Uint32Array;
  readonly kind: 'exact' | 'lpm' | 'ternary';
  // Every entry sits in this hash, under its key (exact), its masked key and
  // prefix length (LPM) or its value, mask, bounds and priority (ternary: the
  // control plane's identity; packets scan `ordered`).
  private buckets: Array<Entry | undefined> = new Array(16);
  private bucketMask = 15;
  private count = 0;
  private oldest: Entry | undefined; // insertion order, for reads
  private newest: Entry | undefined;
  private prefixLens: number[] = []; // lpm: distinct prefix lengths, longest first
  private prefixMasks: Uint32Array[] = []; // lpm: key mask per prefix length (other fields all ones)
  private prefixCount = new Int32Array(0); // lpm: entries per prefix length
  private ordered: Entry[] = []; // ternary/range: highest priority first
  private readonly encoder: KeyEncoder;
  private readonly keyLen: number; // words of the encoded key an entry keeps
  private readonly keys: KeySlab;
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
    this.encoder = new KeyEncoder(spec.name, spec.fields, spec.keyWords);
    this.keyLen = this.kind === 'ternary' ? 3 * this.encoder.n : this.encoder.n;
    this.keys = new KeySlab(this.keyLen);
    const lpm = this.kind === 'lpm' ? spec.fields.find((f) => f.kind === 'lpm') : undefined;
    if (lpm) {
      for (let len = 0; len <= lpm.width; len++) {
        const m = new Uint32Array(Math.max(spec.keyWords, 1)).fill(0xffffffff);
        applyPrefix(m, lpm, len);
        this.prefixMasks.push(m);
      }
      this.prefixCount = new Int32Array(lpm.width + 1);
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
      let e = this.buckets[hashWords(this.key, 0, n, 0) & this.bucketMask];
      const w = this.keys.words;
      for (; e !== undefined; e = e.next) if (sameWords(w, e.at, this.key, n)) return e;
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
    const w = this.keys.words;
    for (let li = 0; li < lens.length; li++) {
      const len = lens[li]!;
      const m = masks[len]!;
      for (let i = 0; i < n; i++) s[i] = this.key[i]! & m[i]!;
      let e = this.buckets[hashWords(s, 0, n, len + 1) & this.bucketMask];
      for (; e !== undefined; e = e.next) if (e.prefixLen === len && sameWords(w, e.at, s, n)) return e;
    }
    return this.defaultEntry;
  }

  private matchesTernary(e: Entry): boolean {
    const k = this.key;
    const w = this.keys.words;
    const at = e.at;
    const n = this.encoder.n;
    for (const f of this.spec.fields) {
      if (f.kind === 'range') {
        if (compareWords(k, f.word, w, at, f.words) < 0 || compareWords(k, f.word, w, at + 2 * n, f.words) > 0) return false;
        continue;
      }
      for (let i = f.word; i < f.word + f.words; i++) if (((k[i]! & w[at + n + i]!) >>> 0) !== w[at + i]) return false;
    }
    return true;
  }

  // ---- control plane ----

  /** Adds an entry and returns it: one hash walk, and no allocation but the entry and its action data. */
  add(spec: EntrySpec, isConst = false): Entry {
    this.checkImplemented();
    if (this.spec.fields.length === 0) throw new ControlError('INVALID_ARGUMENT', `table "${this.name}" has no key: set its default action instead`);
    if (this.spec.isConst && !isConst) throw new ControlError('PERMISSION_DENIED', `table "${this.name}" is const: its entries cannot change`);
    const priority = this.checkPriority(spec);
    const encodedLen = this.encoder.encode(spec.key);
    const prefixLen = this.kind === 'lpm' ? encodedLen : 0;
    const action = this.resolveAction(spec.action, false);
    const data = this.actionData(action, spec.action.params);
    const timeout = this.timeoutOf(spec);
    const b = this.bucketOf(this.encoder.packed, 0, prefixLen, priority);
    if (this.inBucket(b, prefixLen, priority)) throw new ControlError('ALREADY_EXISTS', `table "${this.name}" already has an entry with this key${this.kind === 'ternary' ? ' and priority' : ''}`);
    if (this.count >= this.spec.maxSize) throw new ControlError('RESOURCE_EXHAUSTED', `table "${this.name}" is full (${this.spec.maxSize} entries)`);
    const e = new Entry(true, action, data, action.fn, spec.key, priority, this.keys.store(this.encoder.packed), prefixLen, timeout, isConst);
    this.insert(e, b);
    return e;
  }

  modify(spec: EntrySpec): void {
    this.checkImplemented();
    this.checkMutable();
    this.checkPriority(spec);
    const prefixLen = this.encoder.encode(spec.key);
    const action = this.resolveAction(spec.action, false);
    const data = this.actionData(action, spec.action.params);
    const timeout = this.timeoutOf(spec);
    const e = this.findEncoded(prefixLen, this.kind === 'ternary' ? spec.priority : 0);
    e.action = action;
    e.data = data;
    e.fn = action.fn;
    if (spec.idleTimeoutNs !== undefined) e.timeoutNs = timeout;
  }

  delete(key: KeyMatch[], priority: number): void {
    this.checkMutable();
    const e = this.find(key, priority);
    this.unlink(e);
    this.keys.free(e.at);
    this.count--;
    if (e.older) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.newest = e.older;
    if (this.kind === 'ternary') this.ordered.splice(this.ordered.indexOf(e), 1);
    else if (this.kind === 'lpm') this.countPrefix(e.prefixLen, -1);
  }

  clear(): void {
    this.checkMutable();
    this.oldest = this.newest = undefined;
    this.count = 0;
    this.keys.clear();
    this.rebuild();
  }

  find(key: KeyMatch[], priority: number): Entry {
    return this.findEncoded(this.encoder.encode(key), priority);
  }

  entries(): Entry[] {
    const all: Entry[] = [];
    for (let e = this.oldest; e !== undefined; e = e.newer) all.push(e);
    return all;
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

  private resolveAction(call: ActionCall, forDefault: boolean): ActionInfo {
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
    return action;
  }

  /** The action's parameters as the slots its function reads (`params` checked for count by resolveAction). */
  private actionData(action: ActionInfo, params: bigint[]): Float64Array {
    // nothing writes an entry's data, so actions without parameters share one
    const data = action.slots === 0 ? EMPTY_DATA : new Float64Array(action.slots);
    for (let i = 0; i < params.length; i++) {
      const p = action.params[i]!;
      const v = params[i]!;
      // up to 53 bits the check runs on the double: rounding never brings a value outside the width inside it
      const x = Number(v);
      if (p.width <= 53 ? x < 0 || x > 2 ** p.width - 1 : v < 0n || v >= 1n << BigInt(p.width)) {
        throw new ControlError('INVALID_ARGUMENT', `parameter "${p.name}" of action "${action.name}" is ${p.width} bits; ${v} does not fit`);
      }
      if (p.words === 1) data[p.offset] = x;
      else for (let w = 0; w < p.words; w++) data[p.offset + w] = Number((v >> BigInt(32 * (p.words - 1 - w))) & 0xffffffffn);
    }
    return data;
  }

  private makeDefault(call: ActionCall | undefined): Entry {
    if (!call) return new Entry(false, NO_ACTION, EMPTY_DATA, NO_ACTION.fn, [], 0, -1, 0, 0, false);
    const action = this.resolveAction(call, true);
    return new Entry(false, action, this.actionData(action, call.params), action.fn, [], 0, -1, 0, 0, false);
  }

  /** The priority an entry is stored under: P4Runtime's for ternary tables (which need one), 0 otherwise. */
  private checkPriority(spec: EntrySpec): number {
    if (this.kind !== 'ternary') return 0;
    if (!(Number.isInteger(spec.priority) && spec.priority > 0)) {
      throw new ControlError('INVALID_ARGUMENT', `table "${this.name}" has ternary, range or optional keys: entries need a priority above 0`);
    }
    return spec.priority;
  }

  private timeoutOf(spec: EntrySpec): number {
    const timeout = spec.idleTimeoutNs !== undefined ? Number(spec.idleTimeoutNs) : 0;
    if (timeout > 0 && !this.spec.supportTimeout) throw new ControlError('INVALID_ARGUMENT', `table "${this.name}" does not support idle timeout`);
    return timeout;
  }

  /** The entry under the key in the encoder's buffer. */
  private findEncoded(prefixLen: number, priority: number): Entry {
    const lpmLen = this.kind === 'lpm' ? prefixLen : 0;
    const p = this.kind === 'ternary' ? priority : 0;
    const e = this.inBucket(this.bucketOf(this.encoder.packed, 0, lpmLen, p), lpmLen, p);
    if (!e) throw new ControlError('NOT_FOUND', `table "${this.name}" has no entry with this key`);
    return e;
  }

  /** The entry in bucket `b` with the encoder's key, prefix length and priority. */
  private inBucket(b: number, prefixLen: number, priority: number): Entry | undefined {
    const k = this.encoder.packed;
    for (let e = this.buckets[b]; e !== undefined; e = e.next) {
      if (e.prefixLen === prefixLen && e.priority === priority && sameWords(this.keys.words, e.at, k, this.keyLen)) return e;
    }
    return undefined;
  }

  // Exact and LPM hash what packets hash (lookup()), so the two agree; ternary hashes its whole identity.
  private bucketOf(words: Uint32Array, at: number, prefixLen: number, priority: number): number {
    if (this.kind === 'ternary') return hashWords(words, at, this.keyLen, priority) & this.bucketMask;
    return hashWords(words, at, this.spec.keyWords, this.kind === 'lpm' ? prefixLen + 1 : 0) & this.bucketMask;
  }

  private insert(e: Entry, b: number): void {
    this.count++;
    e.older = this.newest;
    if (this.newest) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
    if (this.count > this.buckets.length) this.rebuild();
    else {
      e.next = this.buckets[b];
      this.buckets[b] = e;
      if (this.kind === 'lpm') this.countPrefix(e.prefixLen, 1);
    }
    if (this.kind !== 'ternary') return;
    // after every entry of the same or a higher priority: among equals the earlier wins
    const list = this.ordered;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.priority >= e.priority) lo = mid + 1;
      else hi = mid;
    }
    if (lo === list.length) list.push(e);
    else list.splice(lo, 0, e);
  }

  private link(e: Entry): void {
    const b = this.bucketOf(this.keys.words, e.at, e.prefixLen, e.priority);
    e.next = this.buckets[b];
    this.buckets[b] = e;
  }

  private unlink(e: Entry): void {
    const b = this.bucketOf(this.keys.words, e.at, e.prefixLen, e.priority);
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
    const before = this.prefixCount[len]!;
    this.prefixCount[len] = before + delta;
    if (before === 0 || before + delta === 0) this.listPrefixes(); // a length came into or went out of use
  }

  private listPrefixes(): void {
    const lens: number[] = [];
    for (let len = this.prefixCount.length - 1; len >= 0; len--) if (this.prefixCount[len]! > 0) lens.push(len);
    this.prefixLens = lens;
  }

  /**
   * Sizes the hash for the entries there are and links them all again
   * (control plane only; amortised by doubling). The ternary list is kept:
   * after clear() it is emptied, on growth it is still in order.
   */
  private rebuild(): void {
    let size = 16;
    while (size < this.count * 2) size *= 2;
    this.buckets = new Array(size);
    this.bucketMask = size - 1;
    this.prefixCount.fill(0);
    if (this.count === 0) this.ordered = [];
    for (let e = this.oldest; e !== undefined; e = e.newer) {
      this.link(e);
      if (this.kind === 'lpm') this.prefixCount[e.prefixLen]!++;
    }
    this.listPrefixes();
  }
}

/** Whether `a[at..at+n)` holds the words `b[0..n)`. */
function sameWords(a: Uint32Array, at: number, b: Uint32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[at + i] !== b[i]) return false;
  return true;
}

/** Compares key words `k[at..at+n)` with the bound's words at the same places from `base`. */
function compareWords(k: Uint32Array, at: number, bound: Uint32Array, base: number, n: number): number {
  for (let i = at; i < at + n; i++) {
    if (k[i]! !== bound[base + i]!) return k[i]! < bound[base + i]! ? -1 : 1;
  }
  return 0;
}
