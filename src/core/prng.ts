// A small seeded PRNG (xoshiro128**, seeded by splitmix32) so that everything random in the core
// and the simulator replays bit for bit from one seed.
import { assert } from './assert.js';

export interface Prng {
  /** A uniform integer in [0, bound). */
  int(bound: number): number;
  /** A uniform float in [0, 1). */
  float(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An independent generator derived from this one (for per-node streams). */
  fork(): Prng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Xoshiro128 implements Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const next = splitmix32(seed);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  next32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result;
  }

  int(bound: number): number {
    assert(Number.isInteger(bound) && bound > 0, 'prng bound must be a positive integer');
    return Math.floor(this.float() * bound);
  }

  float(): number {
    return this.next32() / 0x1_0000_0000;
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  fork(): Prng {
    return new Xoshiro128(this.next32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
