import { describe, expect, it } from 'vitest';
import { parseCheckpoint, readCheckpoint, type StateDict } from '../index.js';
import { expectedFor, fixtureBytes, fixturePath, floatBytes, PickleBuilder, studioErrorOf, zipCheckpoint } from './helpers.js';

/** Every float tensor equals PyTorch's own float32 copy, bit for bit (NaN padding included). */
async function expectValues(name: string, sd: StateDict): Promise<number> {
  const expected = await expectedFor(name);
  let checked = 0;
  for (const [key, want] of expected.tensors) {
    if (key.startsWith('__')) continue;
    const got = sd.tensors.get(key);
    expect(got, `${name}: ${key}`).toBeDefined();
    expect(got?.shape, `${name}: ${key} shape`).toEqual(want.shape);
    expect(Buffer.from(got?.data.buffer ?? new ArrayBuffer(0)).equals(Buffer.from(want.data.buffer)), `${name}: ${key} values`).toBe(true);
    checked += 1;
  }
  expect(sd.tensors.size).toBe(checked);
  return checked;
}

const CASES: { name: string; container: 'zip' | 'legacy'; dtype: string; skipped: number; wrapper?: string }[] = [
  { name: 'resnet6_instance', container: 'zip', dtype: 'float32', skipped: 0 },
  { name: 'resnet6_instance_legacy', container: 'legacy', dtype: 'float32', skipped: 0 },
  { name: 'resnet9_batch_dropout', container: 'zip', dtype: 'float32', skipped: 23 },
  { name: 'resnet9_batch_dropout_legacy', container: 'legacy', dtype: 'float32', skipped: 23 },
  { name: 'unet128_batch', container: 'zip', dtype: 'float32', skipped: 11 },
  { name: 'unet128_batch_legacy', container: 'legacy', dtype: 'float32', skipped: 11 },
  { name: 'unet256_instance_dropout', container: 'zip', dtype: 'float32', skipped: 0 },
  { name: 'stargan', container: 'zip', dtype: 'float32', skipped: 9 },
  { name: 'stargan_legacy', container: 'legacy', dtype: 'float32', skipped: 9 },
  { name: 'stargan_proto4', container: 'zip', dtype: 'float32', skipped: 9 },
  { name: 'stargan_proto5_legacy', container: 'legacy', dtype: 'float32', skipped: 9 },
  { name: 'stargan_dataparallel', container: 'zip', dtype: 'float32', skipped: 11 },
  { name: 'resnet2_old_instance_stats_legacy', container: 'legacy', dtype: 'float32', skipped: 1 },
  { name: 'resnet1_f16', container: 'zip', dtype: 'float16', skipped: 7 },
  { name: 'resnet1_bf16', container: 'zip', dtype: 'bfloat16', skipped: 7 },
  { name: 'resnet1_f64', container: 'zip', dtype: 'float64', skipped: 7 },
  { name: 'resnet1_f64_legacy', container: 'legacy', dtype: 'float64', skipped: 7 },
  { name: 'views', container: 'zip', dtype: 'float32', skipped: 7 },
  { name: 'views_legacy', container: 'legacy', dtype: 'float32', skipped: 7 },
  { name: 'wrapped_state_dict', container: 'zip', dtype: 'float32', skipped: 0, wrapper: 'state_dict' },
];

describe('readCheckpoint: values match PyTorch', () => {
  for (const c of CASES) {
    it(`${c.name} (${c.container}, ${c.dtype})`, async () => {
      const sd = await readCheckpoint(fixturePath(c.name));
      expect(sd.container).toBe(c.container);
      expect(sd.skipped).toHaveLength(c.skipped);
      expect(sd.wrapper).toBe(c.wrapper);
      for (const t of sd.tensors.values()) {
        expect(t.sourceDtype).toBe(c.dtype);
        expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      }
      expect(await expectValues(c.name, sd)).toBeGreaterThan(0);
    });
  }

  it('lists integer buffers (num_batches_tracked) as skipped, not as tensors', async () => {
    const sd = await readCheckpoint(fixturePath('resnet9_batch_dropout'));
    expect(sd.skipped.every((k) => k.endsWith('.num_batches_tracked'))).toBe(true);
    expect(sd.skipped).toContain('model.2.num_batches_tracked');
    expect(sd.tensors.has('model.2.num_batches_tracked')).toBe(false);
  });

  it('keeps the module. prefix as written (detection strips it)', async () => {
    const sd = await readCheckpoint(fixturePath('stargan_dataparallel'));
    expect([...sd.tensors.keys()].every((k) => k.startsWith('module.'))).toBe(true);
  });

  it('reads views: transposed, stepped, offset into one shared storage, scalars and empty tensors', async () => {
    const sd = await readCheckpoint(fixturePath('views'));
    expect(sd.tensors.get('extra.scalar')?.shape).toEqual([]);
    expect(sd.tensors.get('extra.scalar')?.data[0]).toBeCloseTo(29 / 7, 6);
    expect(sd.tensors.get('extra.empty')?.shape).toEqual([5, 0]);
    expect(sd.tensors.get('extra.column')?.data).toEqual(new Float32Array([2, 8, 14, 20, 26].map((v) => Math.fround(v / 7))));
    expect([...(sd.tensors.get('extra.block')?.data ?? [])]).toEqual([7, 9, 11, 19, 21, 23].map((v) => Math.fround(v / 7)));
    // The pool storage is NaN-filled between tensors: reading the wrong offset would show it.
    for (const [key, t] of sd.tensors) expect(t.data.some((v) => Number.isNaN(v)), key).toBe(false);
  });

  it('reads zip and legacy copies of the same state dict identically', async () => {
    for (const [a, b] of [
      ['resnet9_batch_dropout', 'resnet9_batch_dropout_legacy'],
      ['stargan', 'stargan_proto5_legacy'],
      ['views', 'views_legacy'],
    ] as const) {
      const za = await readCheckpoint(fixturePath(a));
      const lb = await readCheckpoint(fixturePath(b));
      expect([...lb.tensors.keys()]).toEqual([...za.tensors.keys()]);
      for (const [k, t] of za.tensors) expect(lb.tensors.get(k)?.data).toEqual(t.data);
    }
  });

  it('reads a PyTorch 0.3 / Python 2 legacy file: byte-string keys, _rebuild_tensor, storage views', async () => {
    const sd = await readCheckpoint(fixturePath('py2_era_legacy'));
    expect(sd.container).toBe('legacy');
    expect(sd.skipped).toEqual(['layer.num_batches_tracked']);
    expect(sd.tensors.get('layer.running_mean')?.sourceDtype).toBe('float64');
    expect(sd.tensors.get('half.weight')?.sourceDtype).toBe('float16');
    expect(await expectValues('py2_era_legacy', sd)).toBe(5);
  });

  it('converts float16 specials: subnormals, infinities, NaN, signed zero', () => {
    const halves = new Uint16Array([0x0001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000]);
    const pickle = new PickleBuilder().orderedDict().str('h').tensor({ key: '0', cls: 'HalfStorage', numel: 10, size: [10], stride: [1] }).raw(0x73).stop();
    const sd = parseCheckpoint(zipCheckpoint(pickle, { '0': new Uint8Array(halves.buffer) }), 'half.pth');
    const d = [...(sd.tensors.get('h')?.data ?? [])];
    expect(d.slice(0, 8)).toEqual([2 ** -24, 1023 * 2 ** -24, 2 ** -14, 1, -2, 65504, Infinity, -Infinity]);
    expect(Number.isNaN(d[8])).toBe(true);
    expect(Object.is(d[9], -0)).toBe(true);
  });

  it('reads hand-made checkpoints: any archive folder name, an offset view, a Parameter', () => {
    const p = new PickleBuilder().orderedDict();
    p.str('a').tensor({ key: '7', numel: 6, offset: 1, size: [2, 2], stride: [1, 2] }).raw(0x73);
    p.str('p').global('torch._utils', '_rebuild_parameter').mark();
    p.tensor({ key: '7', numel: 6, offset: 4, size: [2], stride: [1] }).raw(0x88).orderedDict().tuple().raw(0x52, 0x73);
    const bytes = zipCheckpoint(p.stop(), { '7': floatBytes([0, 1, 2, 3, 4, 5]) }, 'my model.v2');
    const sd = parseCheckpoint(bytes, 'hand.pth');
    expect([...(sd.tensors.get('a')?.data ?? [])]).toEqual([1, 3, 2, 4]);
    expect([...(sd.tensors.get('p')?.data ?? [])]).toEqual([4, 5]);
  });

  it('unwraps the usual training containers and says which key', () => {
    for (const wrapper of ['state_dict', 'model', 'G', 'netG', 'generator', 'state_dict_G']) {
      const p = new PickleBuilder().raw(0x7d).str('epoch').int(3).raw(0x73).str(wrapper).orderedDict();
      p.str('w').tensor({ key: '0', numel: 1, size: [1], stride: [1] }).raw(0x73, 0x73);
      const sd = parseCheckpoint(zipCheckpoint(p.stop(), { '0': floatBytes([5]) }), 'wrapped.pth');
      expect(sd.wrapper).toBe(wrapper);
      expect(sd.tensors.get('w')?.data[0]).toBe(5);
    }
  });

  it('says where the tensors are when no known wrapper holds them', () => {
    const p = new PickleBuilder().raw(0x7d).str('G_A').orderedDict();
    p.str('w').tensor({ key: '0', numel: 1, size: [1], stride: [1] }).raw(0x73, 0x73);
    const err = studioErrorOf(() => parseCheckpoint(zipCheckpoint(p.stop(), { '0': floatBytes([5]) }), 'two.pth'));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toMatch(/^two\.pth: no state dict found: .*G_A; tensors are kept under G_A/);
  });

  it('reports an unreadable path as IO_ERROR', async () => {
    await expect(readCheckpoint('/nonexistent/model.pth')).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringMatching(/^\/nonexistent\/model\.pth: cannot read the checkpoint: no such file or folder/),
    });
  });

  it('parseCheckpoint works on a bytes view with an odd offset (legacy data unaligned)', async () => {
    const bytes = await fixtureBytes('resnet6_instance_legacy');
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const a = parseCheckpoint(shifted.subarray(1), 'shifted');
    const b = parseCheckpoint(bytes, 'plain');
    for (const [k, t] of b.tensors) expect(a.tensors.get(k)?.data).toEqual(t.data);
  });
});
