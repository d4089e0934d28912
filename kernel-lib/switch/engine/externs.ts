// Stateful externs: register, counter and meter arrays. Indices are checked by
// the generated code's callers (the packet path ignores out-of-range indices,
// as v1model leaves them undefined; the control plane reports OUT_OF_RANGE).
import { ControlError, type CounterValue, type MeterConfig } from '../control-plane.js';
import { bigToWords } from './bits.js';

export const GREEN = 0;
export const YELLOW = 1;
export const RED = 2;

function checkIndex(kind: string, name: string, index: number, size: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new ControlError('OUT_OF_RANGE', `${kind} "${name}" has ${size} cells; index ${index} is out of range`);
  }
}

/** A register array; cells of ≤ 53 bits are numbers, wider ones 32-bit words. */
export class RegisterArray {
  readonly words: number;
  readonly cells: Float64Array;

  constructor(readonly name: string, readonly size: number, readonly width: number) {
    this.words = width <= 53 ? 1 : Math.ceil(width / 32);
    this.cells = new Float64Array(size * this.words);
  }

  read(index: number): bigint {
    checkIndex('register', this.name, index, this.size);
    let v = 0n;
    for (let i = 0; i < this.words; i++) v = this.words === 1 ? BigInt(this.cells[index]!) : (v << 32n) | BigInt(this.cells[index * this.words + i]!);
    return v;
  }

  write(index: number, value: bigint): void {
    checkIndex('register', this.name, index, this.size);
    if (value < 0n || value >= 1n << BigInt(this.width)) {
      throw new ControlError('INVALID_ARGUMENT', `register "${this.name}" holds ${this.width}-bit values; ${value} does not fit`);
    }
    if (this.words === 1) this.cells[index] = Number(value);
    else bigToWords(value, this.words).forEach((w, i) => (this.cells[index * this.words + i] = w));
  }

  reset(): void {
    this.cells.fill(0);
  }
}

export class CounterArray {
  readonly packets: Float64Array;
  readonly bytes: Float64Array;

  constructor(readonly name: string, readonly size: number) {
    this.packets = new Float64Array(size);
    this.bytes = new Float64Array(size);
  }

  count(index: number, bytes: number): void {
    if (index >= 0 && index < this.size) {
      this.packets[index]!++;
      this.bytes[index]! += bytes;
    }
  }

  read(index: number): CounterValue {
    checkIndex('counter', this.name, index, this.size);
    return { packets: BigInt(this.packets[index]!), bytes: BigInt(this.bytes[index]!) };
  }

  write(index: number, value: CounterValue): void {
    checkIndex('counter', this.name, index, this.size);
    this.packets[index] = Number(value.packets);
    this.bytes[index] = Number(value.bytes);
  }
}

/**
 * A two-rate three-colour marker (RFC 2698) over packets or bytes. Rates are
 * units per second; buckets start full. Unconfigured meters mark everything GREEN.
 */
export class Meter {
  config: MeterConfig | undefined;
  private cirPerNs = 0;
  private pirPerNs = 0;
  private cburst = 0;
  private pburst = 0;
  private tc = 0;
  private tp = 0;
  private last = -1;

  configure(config: MeterConfig | undefined): void {
    this.config = config;
    if (!config) return;
    this.cirPerNs = Number(config.cir) / 1e9;
    this.pirPerNs = Number(config.pir) / 1e9;
    this.cburst = Number(config.cburst);
    this.pburst = Number(config.pburst);
    this.tc = this.cburst;
    this.tp = this.pburst;
    this.last = -1;
  }

  execute(units: number, nowNs: number): number {
    if (!this.config) return GREEN;
    if (this.last >= 0) {
      const dt = nowNs - this.last;
      this.tc = Math.min(this.cburst, this.tc + dt * this.cirPerNs);
      this.tp = Math.min(this.pburst, this.tp + dt * this.pirPerNs);
    }
    this.last = nowNs;
    if (this.tp < units) return RED;
    if (this.tc < units) {
      this.tp -= units;
      return YELLOW;
    }
    this.tp -= units;
    this.tc -= units;
    return GREEN;
  }
}

export class MeterArray {
  readonly meters: Meter[];

  constructor(readonly name: string, readonly size: number, readonly byBytes: boolean) {
    this.meters = Array.from({ length: size }, () => new Meter());
  }

  execute(index: number, packetBytes: number, nowNs: number): number {
    if (index < 0 || index >= this.size) return GREEN;
    return this.meters[index]!.execute(this.byBytes ? packetBytes : 1, nowNs);
  }

  set(index: number, config: MeterConfig | undefined): void {
    checkIndex('meter', this.name, index, this.size);
    this.meters[index]!.configure(config);
  }

  get(index: number): MeterConfig | undefined {
    checkIndex('meter', this.name, index, this.size);
    return this.meters[index]!.config;
  }
}
