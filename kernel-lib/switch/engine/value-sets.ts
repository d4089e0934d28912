// Parser value sets: (value, mask) pairs a select matches its keys against.
import { ControlError } from '../control-plane.js';
import { and53 } from './bits.js';

export class ValueSet {
  private values: Float64Array[] = [];
  private masks: Float64Array[] = [];

  constructor(readonly name: string, readonly widths: number[], readonly maxSize: number) {}

  /** True when keys (one per select component) match a member. */
  match(keys: Float64Array): boolean {
    const n = this.widths.length;
    for (let e = 0; e < this.values.length; e++) {
      const v = this.values[e]!;
      const m = this.masks[e]!;
      let ok = true;
      for (let i = 0; i < n && ok; i++) ok = and53(keys[i]!, m[i]!) === v[i];
      if (ok) return true;
    }
    return false;
  }

  add(value: bigint, mask: bigint): void {
    if (this.values.length >= this.maxSize) throw new ControlError('RESOURCE_EXHAUSTED', `value set "${this.name}" is full (${this.maxSize})`);
    const total = this.widths.reduce((a, w) => a + Math.ceil(w / 8) * 8, 0);
    if (value < 0n || value >= 1n << BigInt(total)) throw new ControlError('INVALID_ARGUMENT', `value ${value} does not fit value set "${this.name}" (${total} bits)`);
    const v = new Float64Array(this.widths.length);
    const m = new Float64Array(this.widths.length);
    let shift = 0n;
    for (let i = this.widths.length - 1; i >= 0; i--) {
      const w = BigInt(Math.ceil(this.widths[i]! / 8) * 8);
      const part = (1n << w) - 1n;
      m[i] = Number((mask >> shift) & part);
      v[i] = Number((value >> shift) & part & ((mask >> shift) & part));
      shift += w;
    }
    this.values.push(v);
    this.masks.push(m);
  }

  clear(): void {
    this.values = [];
    this.masks = [];
  }
}
