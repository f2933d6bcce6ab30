import { describe, expect, it } from 'vitest';
import { ImagePool } from '../image-pool.js';
import { Rng } from '../rng.js';
import type { TrainImage } from '../train-image.js';

/** A 2 x 2 image every value of which is `id`, so returned images can be told apart. */
function image(id: number): TrainImage {
  return { width: 2, height: 2, data: new Float32Array(12).fill(id) };
}

const idOf = (img: TrainImage): number => img.data[0]!;

describe('ImagePool', () => {
  it('returns each new image while filling, then half the time a stored one that the new image replaces', () => {
    const pool = new ImagePool(5);
    const rng = new Rng(1);
    for (let id = 0; id < 5; id++) expect(idOf(pool.query(image(id), rng))).toBe(id);
    expect(pool.count).toBe(5);

    let fromPool = 0;
    const stored = new Set([0, 1, 2, 3, 4]);
    for (let id = 5; id < 2005; id++) {
      const out = idOf(pool.query(image(id), rng));
      if (out === id) continue;
      fromPool++;
      // A stored image comes out once and is replaced by the new one.
      expect(stored.has(out)).toBe(true);
      stored.delete(out);
      stored.add(id);
    }
    expect(Math.abs(fromPool - 1000)).toBeLessThan(100);
    expect(pool.count).toBe(5);
  });

  it('copies what it stores, so the caller may reuse its buffer', () => {
    const pool = new ImagePool(1);
    const rng = new Rng(0);
    const buffer = image(7);
    pool.query(buffer, rng);
    buffer.data.fill(-1);
    let out = buffer;
    for (let i = 0; i < 50 && out === buffer; i++) out = pool.query(buffer, rng);
    expect(idOf(out)).toBe(7);
  });

  it('size 0 passes images through', () => {
    const pool = new ImagePool(0);
    const img = image(3);
    expect(pool.query(img, new Rng(0))).toBe(img);
  });

  it('survives a JSON round trip and then behaves exactly as the original', () => {
    const pool = new ImagePool(4);
    const rng = new Rng(9);
    for (let id = 0; id < 10; id++) pool.query({ width: 2, height: 2, data: Float32Array.from({ length: 12 }, (_, k) => id + k / 16 - 0.3) }, rng);
    const restored = ImagePool.fromJSON(JSON.parse(JSON.stringify(pool.toJSON())));
    const rngCopy = Rng.fromState(rng.getState());
    for (let id = 10; id < 40; id++) {
      expect(Array.from(restored.query(image(id), rngCopy).data)).toEqual(Array.from(pool.query(image(id), rng).data));
    }
  });

  it('refuses a malformed saved pool', () => {
    const good = new ImagePool(2);
    good.query(image(1), new Rng(0));
    const json = good.toJSON();
    const bad = [null, { size: -1, images: [] }, { size: 1, images: [json.images[0], json.images[0]] }, { size: 2, images: [{ ...json.images[0], width: 3 }] }];
    for (const b of bad) expect(() => ImagePool.fromJSON(b)).toThrow(expect.objectContaining({ code: 'BAD_CHECKPOINT' }) as Error);
  });
});
