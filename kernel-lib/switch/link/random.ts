// A seeded random source for link emulation (xoshiro128**, seeded through
// splitmix32): reproducible runs, and no allocation per draw. Draws come out
// as booleans and whole numbers, never as fractions or 32-bit values a call
// would return boxed in a heap number (only integers under 2^31 are not).
import type { JitterDistribution } from './config.js';

export class Random {
  private readonly s = new Uint32Array(5); // the state, then the last output (see step)
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    this.hasSpare = false;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    this.step();
    return this.s[4] / 4294967296 < p;
  }

  /**
   * A draw from the standard normal distribution (Box–Muller, the second value
   * kept for the next call) or the uniform one on [-1, 1), times `scale`,
   * rounded to a whole number.
   */
  deviate(distribution: JitterDistribution, scale: number): number {
    let z: number;
    if (distribution === 'uniform') {
      this.step();
      z = (2 * this.s[4]) / 4294967296 - 1;
    } else if (this.hasSpare) {
      this.hasSpare = false;
      z = this.spareNormal;
    } else {
      this.step();
      const u = 1 - this.s[4] / 4294967296; // (0, 1]: log stays finite
      this.step();
      const v = this.s[4] / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      this.spareNormal = r * Math.sin(2 * Math.PI * v);
      this.hasSpare = true;
      z = r * Math.cos(2 * Math.PI * v);
    }
    return Math.round(z * scale);
  }

  /** Advances the generator; its output, uniform in 0..2^32-1, is then in s[4]. */
  private step(): void {
    const s = this.s;
    s[4] = Math.imul(rotl(Math.imul(s[1], 5), 7), 9);
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
