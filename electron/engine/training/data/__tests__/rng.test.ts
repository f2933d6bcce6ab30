import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../errors.js';
import { Rng, shuffledIndices } from '../rng.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and different streams for nearby seeds', () => {
    const draw = (seed: number): number[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => rng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    // Neighbouring seeds must not give shifted or correlated copies of one stream.
    const a = draw(1);
    const b = draw(2);
    expect(a.filter((v) => b.includes(v))).toEqual([]);
  });

  it('stays in [0, 1) and fills it evenly', () => {
    const rng = new Rng(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = rng.next();
      if (!(v >= 0 && v < 1)) outside++;
      else buckets[Math.floor(v * 10)]!++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('int(n) covers exactly 0..n-1', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => rng.int(0)).toThrow(StudioError);
    expect(() => rng.int(2.5)).toThrow(StudioError);
  });

  it('continues exactly from a saved state, including through JSON', () => {
    const rng = new Rng(99);
    for (let i = 0; i < 37; i++) rng.next();
    const state = JSON.parse(JSON.stringify(rng.getState())) as unknown;
    const restored = Rng.fromState(state);
    const expected = Array.from({ length: 50 }, () => rng.next());
    expect(Array.from({ length: 50 }, () => restored.next())).toEqual(expected);
    for (const word of rng.getState()) expect(Number.isInteger(word) && word >= 0 && word <= 0xffffffff).toBe(true);
  });

  it('refuses a malformed state with a checkpoint error', () => {
    for (const bad of [null, [1, 2, 3], [1, 2, 3, -1], [1, 2, 3, 2 ** 32], ['1', 2, 3, 4], [1, 2, 3, 0.5]]) {
      expect(() => Rng.fromState(bad)).toThrow(expect.objectContaining({ code: 'BAD_CHECKPOINT' }) as Error);
    }
  });
});

describe('shuffledIndices', () => {
  it('is a permutation that depends on the generator', () => {
    const order = shuffledIndices(new Rng(5), 100);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffledIndices(new Rng(5), 100)).toEqual(order);
    expect(shuffledIndices(new Rng(6), 100)).not.toEqual(order);
  });
});
