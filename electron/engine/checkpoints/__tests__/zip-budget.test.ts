import { describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../index.js';
import { fixtureBytes, PickleBuilder, studioErrorOf } from './helpers.js';
import { bombedCheckpoint, storedMember, writeZip, zerosMember } from './zip-bomb.js';

/** The plain state dict's values, for comparing with a copy read from a bombed archive. */
function valuesOf(bytes: Uint8Array): Map<string, number[]> {
  const sd = parseCheckpoint(bytes, 'plain.pth');
  return new Map([...sd.tensors].map(([k, t]) => [k, [...t.data]]));
}

describe('checkpoint zip: only referenced members are inflated, within a budget', () => {
  it('reads a checkpoint whose archive also holds members inflating to 256 MiB each, without inflating them', async () => {
    const plain = await fixtureBytes('resnet6_instance');
    // 256 MiB each would take 0.5 GiB and seconds to inflate; reading is instant and equal.
    const bombed = bombedCheckpoint(plain, 2, 256);
    expect(bombed.length).toBeLessThan(plain.length + 700_000);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const sd = parseCheckpoint(bombed, 'bombed.pth');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    expect(new Map([...sd.tensors].map(([k, t]) => [k, [...t.data]]))).toEqual(valuesOf(plain));
  });

  it('refuses a state dict whose own storage is a bomb, before inflating it, naming the member', () => {
    // A 4-value tensor on a 1 GiB storage: few values, so only the inflation budget can catch it.
    const pickle = new PickleBuilder().orderedDict().str('w').tensor({ key: '0', numel: 2 ** 28, size: [4], stride: [1] }).raw(0x73).stop();
    const bytes = writeZip([storedMember('archive/data.pkl', pickle), zerosMember('archive/data/0', 1024)]);
    const err = studioErrorOf(() => parseCheckpoint(bytes, 'bomb.pth'));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toMatch(/^bomb\.pth: zip entry archive\/data\/0 would inflate to 1024 MB, past what a 1\.0 MB checkpoint may inflate to \(68 MB in all\); the archive looks like a zip bomb/);
  });

  it('refuses a member that inflates past the size it declares, stopping there', () => {
    const pickle = new PickleBuilder().orderedDict().str('w').tensor({ key: '0', numel: 4, size: [4], stride: [1] }).raw(0x73).stop();
    const lying = { ...zerosMember('archive/data/0', 64), size: 16 };
    const err = studioErrorOf(() => parseCheckpoint(writeZip([storedMember('archive/data.pkl', pickle), lying]), 'liar.pth'));
    expect(err.message).toMatch(/liar\.pth: zip entry archive\/data\/0 inflates to more than the 16 bytes it declares/);
  });

  it('reads a deflated storage that is referenced (a re-zipped checkpoint)', () => {
    const pickle = new PickleBuilder().orderedDict().str('w').tensor({ key: '0', numel: 2 ** 18, size: [2 ** 18], stride: [1] }).raw(0x73).stop();
    const sd = parseCheckpoint(writeZip([storedMember('archive/data.pkl', pickle), zerosMember('archive/data/0', 1)]), 'zeros.pth');
    const w = sd.tensors.get('w');
    expect(w?.data.length).toBe(2 ** 18);
    expect(w?.data.every((v) => v === 0)).toBe(true);
  });
});
