import { describe, expect, it } from 'vitest';
import { RasterCache } from '../raster-cache.js';

describe('RasterCache', () => {
  it('decodes a key once, even when asked for it several times at once', async () => {
    const cache = new RasterCache<Uint8Array>(1000, (v) => v.byteLength);
    let loads = 0;
    const load = async (): Promise<Uint8Array> => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      return new Uint8Array(10);
    };
    const [a, b] = await Promise.all([cache.get('x', load), cache.get('x', load)]);
    expect(a).toBe(b);
    await cache.get('x', load);
    expect(loads).toBe(1);
  });

  it('stays within its budget, dropping the least recently used first', async () => {
    const cache = new RasterCache<Uint8Array>(300, (v) => v.byteLength);
    const loaded: string[] = [];
    const get = (key: string): Promise<Uint8Array> =>
      cache.get(key, () => {
        loaded.push(key);
        return Promise.resolve(new Uint8Array(100));
      });
    await get('a');
    await get('b');
    await get('c');
    await get('a'); // a becomes the most recent
    await get('d'); // evicts b
    expect(cache.bytesUsed).toBe(300);
    await get('a');
    await get('b');
    expect(loaded).toEqual(['a', 'b', 'c', 'd', 'b']);
  });

  it('does not keep failures', async () => {
    const cache = new RasterCache<Uint8Array>(1000, (v) => v.byteLength);
    await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('x', () => Promise.resolve(new Uint8Array(3)))).toHaveLength(3);
  });
});
