import { StudioError } from '../../errors.js';

/**
 * The training data's only source of randomness: sfc32 (Chris Doty-Humphrey's small fast
 * counting generator), seeded through splitmix32 so nearby seeds give unrelated streams.
 *
 * Why our own and not Math.random: a run must be reproducible from its seed, and a resumed run
 * must continue the exact stream it was checkpointed with, so the state (four 32-bit words)
 * has to be readable and restorable. sfc32 passes PractRand far beyond what a training run
 * draws, costs a few integer operations per number, and has a guaranteed minimum period of
 * 2^32 thanks to its counter word.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new StudioError('BAD_ARGUMENT', `random seed must be a finite number, got ${String(seed)}`);
    // Seeds beyond 32 bits keep their high bits by folding them in rather than losing them.
    let s = (Math.trunc(seed) ^ Math.trunc(seed / 0x1_0000_0000)) >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = 1; // the counter word
    // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform number in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A uniform whole number in [0, n). `n` must be a positive whole number up to 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) {
      throw new StudioError('BAD_ARGUMENT', `Rng.int needs a positive whole number up to 2^32, got ${String(n)}`);
    }
    // Multiply-shift: the bias is below n / 2^32, far under anything a dataset index could show.
    return Math.floor(this.next() * n);
  }

  /** The full state, for checkpoints: four unsigned 32-bit words. */
  getState(): number[] {
    return [this.a, this.b, this.c, this.d];
  }

  /** Restores a generator that continues exactly where the one that gave `state` stopped. */
  static fromState(state: unknown): Rng {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((w): w is number => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffff_ffff)
    ) {
      throw new StudioError('BAD_CHECKPOINT', 'random generator state must be four unsigned 32-bit whole numbers');
    }
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = state as [number, number, number, number];
    return rng;
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
}

/**
 * 0..n-1 in a random order (Fisher-Yates), for walking a dataset once per epoch in a
 * different order each time, as the reference trainers' shuffling data loader does.
 */
export function shuffledIndices(rng: Rng, n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new StudioError('BAD_ARGUMENT', `cannot shuffle ${String(n)} indices`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
