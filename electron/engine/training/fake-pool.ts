import type { Rng } from './data/rng.js';

/** What the pool decided for one fake before the step: judge it fresh, or judge a stored one. */
export type PoolPlan = { use: 'fresh' } | { use: 'stored'; slot: number; image: Float32Array };

/**
 * CycleGAN's history of generated images (size 50). The step graph judges either this step's
 * fake or a stored one, so the pool decides first (`plan`) and takes the new fake after the step
 * (`commit`). The random draws are those of the reference pool: while filling, none; then one
 * coin (p = 0.5) and, when it says "stored", one slot.
 */
export class FakePool {
  readonly images: Float32Array[] = [];

  constructor(readonly capacity = 50) {}

  plan(rng: Rng): PoolPlan {
    if (this.capacity === 0 || this.images.length < this.capacity) return { use: 'fresh' };
    if (rng.next() < 0.5) return { use: 'fresh' };
    const slot = rng.int(this.capacity);
    return { use: 'stored', slot, image: this.images[slot] ?? new Float32Array() };
  }

  /** Stores the step's fake where the plan says: appended while filling, in place of the one judged. */
  commit(plan: PoolPlan, fake: Float32Array): void {
    if (this.capacity === 0) return;
    if (this.images.length < this.capacity) this.images.push(Float32Array.from(fake));
    else if (plan.use === 'stored') this.images[plan.slot] = Float32Array.from(fake);
  }
}
