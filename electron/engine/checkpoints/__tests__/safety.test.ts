import { existsSync, rmSync } from 'node:fs';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../errors.js';
import { parseCheckpoint, readCheckpoint, type StateDict } from '../index.js';
import { fixtureBytes, fixturePath, floatBytes, PickleBuilder, rng, studioErrorOf, zipCheckpoint } from './helpers.js';

const PWNED = '/tmp/gan-studio-pwned';

/** Either a StateDict or a StudioError of a checkpoint code; never another exception. */
function outcome(bytes: Uint8Array, label: string): StateDict | StudioError {
  try {
    return parseCheckpoint(bytes, label);
  } catch (err) {
    if (!(err instanceof StudioError)) throw new Error(`${label}: threw ${String(err)}`, { cause: err });
    expect(['BAD_CHECKPOINT', 'UNSAFE_CHECKPOINT'], err.message).toContain(err.code);
    expect(err.message.startsWith(`${label}: `)).toBe(true);
    expect(err.message, 'the safety net should never be needed').not.toMatch(/internal reader error/);
    return err;
  }
}

function zipWith(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}): Uint8Array {
  return zipCheckpoint(pickle, storages);
}

describe('hostile checkpoints are refused, and nothing runs', () => {
  beforeAll(() => {
    rmSync(PWNED, { force: true });
  });

  const CASES = [
    ['evil_os_system', 'posix.system'],
    ['evil_os_system_legacy', 'posix.system'],
    ['evil_eval', '__builtin__.eval'],
    ['evil_whole_model', 'reference_nets.ResnetGenerator'],
  ] as const;
  for (const [name, global] of CASES) {
    it(`${name} names ${global}`, async () => {
      const path = fixturePath(name);
      await expect(readCheckpoint(path)).rejects.toMatchObject({
        code: 'UNSAFE_CHECKPOINT',
        message: `${path}: refuses to load: the checkpoint references ${global}, which a state dict never needs; nothing was run`,
      });
      expect(existsSync(PWNED)).toBe(false);
    });
  }

  it('refuses other dangerous globals, via GLOBAL and STACK_GLOBAL, before reading any tensor', () => {
    const globals: [string, string][] = [
      ['builtins', 'eval'],
      ['__builtin__', 'getattr'],
      ['subprocess', 'Popen'],
      ['os', 'system'],
      ['torch.nn.modules.conv', 'Conv2d'],
      ['torch', 'load'],
      ['torch._utils', '_rebuild_qtensor'],
      ['collections', 'defaultdict'],
      ['torch', 'Tensor'],
    ];
    for (const [module, name] of globals) {
      const viaGlobal = new PickleBuilder().global(module, name).raw(0x29, 0x52).stop();
      const viaStack = new PickleBuilder(4).raw(0x8c, module.length, ...new TextEncoder().encode(module));
      viaStack.raw(0x8c, name.length, ...new TextEncoder().encode(name)).raw(0x93, 0x29, 0x52);
      for (const bytes of [zipWith(viaGlobal), zipWith(viaStack.stop())]) {
        const err = studioErrorOf(() => parseCheckpoint(bytes, 'x.pth'));
        expect(err.code).toBe('UNSAFE_CHECKPOINT');
        expect(err.message).toContain(`references ${module}.${name},`);
      }
    }
    const whole = studioErrorOf(() => parseCheckpoint(zipWith(new PickleBuilder().global('torch.nn.modules.conv', 'Conv2d').stop()), 'm.pth'));
    expect(whole.detail).toMatch(/state_dict\(\)/);
  });

  it('shows a hostile global name safely (control characters escaped, length bounded)', () => {
    const bytes = zipWith(new PickleBuilder().global('os\u001b[31m', 'x'.repeat(500)).stop());
    const err = studioErrorOf(() => parseCheckpoint(bytes, 'x.pth'));
    expect(err.code).toBe('UNSAFE_CHECKPOINT');
    expect(err.message).toContain('os\\x1b[31m.xxx');
    expect(err.message.length).toBeLessThan(300);
  });

  it('refuses allowed names used the wrong way', () => {
    const calls = [
      new PickleBuilder().global('torch', 'FloatStorage').raw(0x29, 0x52).stop(), // calling a storage class
      new PickleBuilder().orderedDict().raw(0x29, 0x52).stop(), // calling a dict
      new PickleBuilder().global('torch._utils', '_rebuild_tensor_v2').raw(0x29, 0x52).stop(), // wrong arity
      new PickleBuilder().str('x').raw(0x7d, 0x62).stop(), // BUILD on a string
      new PickleBuilder().str('storage').raw(0x85, 0x51).stop(), // persistent id without a storage type
    ];
    for (const pickle of calls) {
      const err = studioErrorOf(() => parseCheckpoint(zipWith(pickle), 'x.pth'));
      expect(err.code).toBe('BAD_CHECKPOINT');
    }
  });
});

describe('damaged and foreign files', () => {
  const bad = (bytes: Uint8Array, pattern: RegExp): void => {
    const err = studioErrorOf(() => parseCheckpoint(bytes, 'f.pth'));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toMatch(pattern);
  };

  it('names what a foreign file is', () => {
    bad(new Uint8Array(0), /^f\.pth: not a PyTorch checkpoint: the file is empty/);
    bad(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not a PyTorch checkpoint: it is a PNG image/);
    bad(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2]), /not a PyTorch checkpoint: it is a JPEG image/);
    bad(new TextEncoder().encode('model.1.weight: [64, 3, 7, 7]\nhello\n'), /not a PyTorch checkpoint: it looks like a text file/);
    bad(zipSync({ 'readme.txt': new TextEncoder().encode('hi') }), /not a PyTorch checkpoint: a zip archive without data\.pkl \(it holds readme\.txt\)/);
    bad(new PickleBuilder().raw(0x7d).stop(), /not a PyTorch checkpoint: a Python pickle that torch\.save did not write/);
    bad(new PickleBuilder().orderedDict().stop(), /not a PyTorch checkpoint: a Python pickle that torch\.save did not write/);
  });

  it('refuses big-endian checkpoints', () => {
    const pickle = new PickleBuilder().orderedDict().str('w').tensor({ key: '0', numel: 1, size: [1], stride: [1] }).raw(0x73).stop();
    const files = { 'a/data.pkl': pickle, 'a/data/0': floatBytes([1]), 'a/byteorder': new TextEncoder().encode('big') };
    bad(zipSync(files, { level: 0 }), /big-endian/);
    files['a/byteorder'] = new TextEncoder().encode('little');
    expect(parseCheckpoint(zipSync(files, { level: 0 }), 'f.pth').tensors.get('w')?.data[0]).toBe(1);
  });

  it('explains structural problems', () => {
    bad(zipWith(new PickleBuilder().raw(0x52).stop()), /stack underflow at REDUCE/);
    bad(zipWith(new PickleBuilder().raw(0x68, 5).stop()), /memo entry 5, which was never stored/);
    bad(zipWith(new PickleBuilder().raw(0xff).stop()), /unsupported pickle opcode 0xff/);
    bad(zipWith(new PickleBuilder().raw(0x58, 0xff, 0xff, 0xff, 0x7f, 0x41).stop()), /needs 2147483647 bytes but only 2 remain/);
    bad(zipWith(new PickleBuilder().raw(0x8d, 0, 0, 0, 0, 0, 0, 0, 0x7f).stop()), /absurdly large/);
    bad(zipWith(new PickleBuilder().raw(0x8b, 0, 0, 0, 0x10).stop()), /far larger than a checkpoint needs/);
    bad(zipWith(new PickleBuilder(9).stop()), /pickle protocol 9 is newer/);
    bad(zipWith(new PickleBuilder().raw(0x74).stop()), /TUPLE without a MARK/);
    bad(zipWith(new PickleBuilder().raw(0x4e, 0x28, 0x30).stop()), /stack underflow at POP/);
    bad(zipWith(new PickleBuilder().raw(0x5d, 0x4e, 0x73).stop()), /stack underflow at SETITEM|SETITEM on a list/);
    bad(zipWith(new PickleBuilder().int(3).stop()), /the checkpoint holds the number 3, not a state dict/);
  });

  it('survives a cyclic structure without recursing (a list inside itself, a dict inside itself)', () => {
    // [] q0 h0 a (the list appended to itself), then {} q1 'me' h1 s (the dict holds itself)
    const p = new PickleBuilder().raw(0x5d, 0x71, 0, 0x68, 0, 0x61, 0x30).raw(0x7d, 0x71, 1).str('me').raw(0x68, 1, 0x73).str('l').raw(0x68, 0, 0x73);
    bad(zipWith(p.stop()), /no state dict found: the checkpoint holds a dict with me, l/);
  });

  it('refuses tensors that reach outside their storage, or claim absurd sizes', () => {
    const one = (size: number[], stride: number[], numel = 4, offset = 0): Uint8Array =>
      zipWith(new PickleBuilder().orderedDict().str('w').tensor({ key: '0', numel, offset, size, stride }).raw(0x73).stop(), { '0': floatBytes([1, 2, 3, 4]) });
    bad(one([5], [1]), /reaches past the end of storage 0, which holds 4 elements/);
    bad(one([2, 2], [1, 3]), /reaches past the end/);
    bad(one([2], [1], 4, 3), /reaches past the end/);
    bad(one([100000, 100000], [0, 0]), /larger than any checkpoint this reader accepts/);
    bad(one([16000, 16000], [0, 0]), /far more values than the file holds/);
    bad(one([4], [1], 8), /truncated: storage 0 holds 16 bytes, but 32 are needed/);
    // Declared storage missing from the archive.
    bad(zipWith(new PickleBuilder().orderedDict().str('w').tensor({ key: '9', numel: 1, size: [1], stride: [1] }).raw(0x73).stop()), /no data for storage 9/);
  });

  it('gives "truncated" for a checkpoint cut anywhere (every 1/37 of the file)', async () => {
    for (const name of ['stargan', 'stargan_legacy', 'resnet1_f16', 'resnet1_f64_legacy', 'py2_era_legacy', 'views_legacy']) {
      const bytes = await fixtureBytes(name);
      for (let k = 1; k < 37; k++) {
        const cut = Math.floor((bytes.length * k) / 37);
        const err = studioErrorOf(() => parseCheckpoint(bytes.subarray(0, cut), `${name}@${cut}`));
        expect(err.code).toBe('BAD_CHECKPOINT');
        expect(err.message).toMatch(new RegExp(`^${name}@${cut}: truncated: `));
      }
    }
  });

  it('refuses random bytes, with and without a plausible header', () => {
    const next = rng(20240601);
    const headers = [[], [0x80, 0x02], [0x80, 0x02, 0x8a, 0x0a], [0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]];
    for (let i = 0; i < 200; i++) {
      const header = headers[i % headers.length] ?? [];
      const length = Math.floor(next() * 4000);
      const bytes = new Uint8Array(header.length + length);
      bytes.set(header);
      for (let j = header.length; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
      const result = outcome(bytes, `random-${i}`);
      expect(result).toBeInstanceOf(StudioError);
      // Behind a pickle header, random bytes may spell a GLOBAL opcode: refused as unsafe, rightly.
      if (header.length === 0 || header[0] === 0x50) expect((result as StudioError).code).toBe('BAD_CHECKPOINT');
    }
  });
});

describe('mutation fuzzing', () => {
  const mutate = (source: Uint8Array, next: () => number, hot: number): Uint8Array => {
    let bytes = source.slice();
    const edits = 1 + Math.floor(next() * 4);
    for (let e = 0; e < edits; e++) {
      // Half of the edits hit the pickle (the first `hot` bytes), where the structure is.
      const at = Math.floor(next() * (next() < 0.5 ? Math.min(hot, bytes.length) : bytes.length));
      const kind = next();
      const n = 1 + Math.floor(next() * 8);
      if (kind < 0.5) bytes[at] = Math.floor(next() * 256);
      else if (kind < 0.7) bytes[at] = (bytes[at] ?? 0) ^ (1 << Math.floor(next() * 8));
      else if (kind < 0.85) {
        const end = Math.min(bytes.length, at + n);
        const out = new Uint8Array(bytes.length - (end - at));
        out.set(bytes.subarray(0, at));
        out.set(bytes.subarray(end), at);
        bytes = out;
      } else {
        const out = new Uint8Array(bytes.length + n);
        out.set(bytes.subarray(0, at));
        for (let i = 0; i < n; i++) out[at + i] = Math.floor(next() * 256);
        out.set(bytes.subarray(at), at + n);
        bytes = out;
      }
    }
    return bytes;
  };

  for (const [name, seed] of [
    ['py2_era_legacy', 1],
    ['stargan_proto4', 2],
    ['views_legacy', 3],
  ] as const) {
    it(`${name}: 300 mutations only ever give a StateDict or a StudioError`, async () => {
      const source = await fixtureBytes(name);
      const next = rng(seed);
      const counts = { ok: 0, bad: 0, unsafe: 0 };
      for (let i = 0; i < 300; i++) {
        const result = outcome(mutate(source, next, 1500), `${name}#${i}`);
        if (!(result instanceof StudioError)) counts.ok += 1;
        else if (result.code === 'UNSAFE_CHECKPOINT') counts.unsafe += 1;
        else counts.bad += 1;
      }
      expect(counts.ok + counts.bad + counts.unsafe).toBe(300);
      expect(counts.bad).toBeGreaterThan(0);
    });
  }
});
