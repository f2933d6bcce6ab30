import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitOnnx } from '../../graph/onnx-emitter.js';
import { readSafetensors } from '../../graph/safetensors.js';
import { randomWeights } from '../../graph/weights.js';
import { runTranslateJob } from '../../jobs/index.js';
import { buildGenerator } from '../../nets/index.js';
import { SessionManager, type TensorInput } from '../../runtime/index.js';
import { ModelLibrary } from '../model-library.js';
import { importModelFile } from '../model-importer.js';

const HERE = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NETS = fileURLToPath(new URL('../../nets/__tests__/fixtures/', import.meta.url));
const CHECKPOINTS = fileURLToPath(new URL('../../checkpoints/__tests__/fixtures/', import.meta.url));

let home: string;
let library: ModelLibrary;
const sessions = new SessionManager();

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'gs-import-'));
  library = new ModelLibrary({ home, bundledDir: join(home, 'none') });
});
afterAll(async () => {
  await sessions.dispose();
  await rm(home, { recursive: true, force: true });
});

/** Imports a checkpoint, runs the installed model on the reference input, returns max |ours - PyTorch|. */
async function importAndCompare(checkpoint: string, reference: string, options = {}): Promise<{ diff: number; kind: string; id: string }> {
  const { entry } = await importModelFile(library, checkpoint, options);
  const ref = await readSafetensors(reference);
  const t = (k: string): TensorInput => {
    const v = ref.tensors.get(k);
    if (v === undefined) throw new Error(`${reference} lacks ${k}`);
    return { data: v.data, dims: v.shape };
  };
  const feeds: Record<string, TensorInput> = { input: t('__input__') };
  if (ref.tensors.has('__cond__')) feeds.condition = t('__cond__');
  const result = await sessions.run(entry.onnxPath, 'cpu', feeds);
  const expected = t('__output__').data;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs((result.output[i] ?? NaN) - (expected[i] ?? NaN)));
  return { diff, kind: entry.manifest.kind, id: entry.manifest.id };
}

describe('importing PyTorch checkpoints', () => {
  const cases: [string, string, string][] = [
    ['resnet6_instance.pth', 'resnet6_instance', 'cyclegan'],
    ['resnet6_instance_legacy.pth', 'resnet6_instance', 'cyclegan'],
    ['resnet9_batch_dropout.pth', 'resnet9_batch_dropout', 'cyclegan'],
    ['resnet9_instance_dropout.pth', 'resnet9_instance_dropout', 'cyclegan'],
    ['unet128_batch.pth', 'unet128_batch', 'pix2pix'],
    ['unet256_instance.pth', 'unet256_instance', 'pix2pix'],
    ['unet256_instance_legacy.pth', 'unet256_instance', 'pix2pix'],
    ['stargan.pth', 'stargan', 'conditional'],
    ['stargan_legacy.pth', 'stargan', 'conditional'],
  ];
  // Layouts the reference-output fixtures lack, with PyTorch's output stored beside them.
  for (const name of ['resnet6_instance_dropout', 'resnet9_batch', 'unet128_instance', 'unet256_batch_dropout']) {
    cases.push([`${name}.pth`, `@${name}`, name.startsWith('unet') ? 'pix2pix' : 'cyclegan']);
  }
  for (const [file, reference, kind] of cases) {
    it(`${file} translates like PyTorch (within 1e-4)`, async () => {
      const refPath = reference.startsWith('@') ? join(HERE, `${reference.slice(1)}.expected.safetensors`) : join(NETS, `${reference}.safetensors`);
      const result = await importAndCompare(join(HERE, file), refPath);
      expect(result.kind).toBe(kind);
      expect(result.diff).toBeLessThan(1e-4);
    });
  }

  it('handles a DataParallel "module." prefix and old InstanceNorm running statistics', async () => {
    const prefixed = await importAndCompare(join(CHECKPOINTS, 'stargan_dataparallel.pth'), join(CHECKPOINTS, 'stargan_dataparallel.expected.safetensors'));
    expect(prefixed.diff).toBeLessThan(1e-4);
    const old = await importAndCompare(
      join(CHECKPOINTS, 'resnet2_old_instance_stats_legacy.pth'),
      join(CHECKPOINTS, 'resnet2_old_instance_stats_legacy.expected.safetensors'),
    );
    expect(old.diff).toBeLessThan(1e-4);
  });

  it('writes a manifest with the condition names and a card with the architecture', async () => {
    const { entry, notes } = await importModelFile(library, join(HERE, 'stargan.pth'), {
      name: 'Hair colour',
      attributes: ['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Male', 'Young'],
      licence: 'MIT',
    });
    expect(entry.manifest).toMatchObject({ id: 'hair-colour', kind: 'conditional', sizeMultiple: 4, licence: 'MIT' });
    expect(entry.manifest.attributes.map((a) => a.name)).toEqual(['Black_Hair', 'Blond_Hair', 'Brown_Hair', 'Male', 'Young']);
    const card = await readFile(join(entry.dir, 'card.md'), 'utf8');
    expect(card).toMatch(/Source: stargan\.pth/);
    expect(card).toMatch(/Architecture: stargan \(conv_dim 8, 5 attributes, 2 residual blocks\)/);
    expect(card).toMatch(/Parameters: [\d,]+/);
    expect(notes.join('\n')).toMatch(/zip checkpoint/);
    await expect(importModelFile(library, join(HERE, 'stargan.pth'), { attributes: ['a', 'b'] })).rejects.toThrow(/takes 5 condition values but 2/);
  });

  it('gives a second import of the same file a free id', async () => {
    const a = await importModelFile(library, join(HERE, 'resnet6_instance.pth'), { name: 'Same' });
    const b = await importModelFile(library, join(HERE, 'resnet6_instance.pth'), { name: 'Same' });
    expect([a.entry.manifest.id, b.entry.manifest.id]).toEqual(['same', 'same-2']);
  });

  it('refuses hostile and broken files and leaves the library unchanged', async () => {
    const before = (await readdir(join(home, 'models'))).sort();
    const refusals: [string, RegExp, string][] = [
      [join(CHECKPOINTS, 'evil_os_system.pth'), /posix\.system/, 'UNSAFE_CHECKPOINT'],
      [join(CHECKPOINTS, 'evil_os_system_legacy.pth'), /posix\.system/, 'UNSAFE_CHECKPOINT'],
      [join(CHECKPOINTS, 'evil_eval.pth'), /__builtin__\.eval/, 'UNSAFE_CHECKPOINT'],
    ];
    const truncated = join(home, 'truncated.pth');
    const bytes = await readFile(join(HERE, 'resnet6_instance.pth'));
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    refusals.push([truncated, /truncated/, 'BAD_CHECKPOINT']);
    const noise = join(home, 'noise.pth');
    await writeFile(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    refusals.push([noise, /not a PyTorch checkpoint/, 'BAD_CHECKPOINT']);
    for (const [file, message, code] of refusals) {
      await expect(importModelFile(library, file), file).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect(existsSync('/tmp/gan-studio-pwned')).toBe(false);
    expect((await readdir(join(home, 'models'))).sort()).toEqual(before);
  });

  it('refuses an unknown layout by naming keys, and takes --arch to override', async () => {
    await expect(importModelFile(library, join(CHECKPOINTS, 'views.pth'))).rejects.toMatchObject({ code: 'BAD_CHECKPOINT', message: expect.stringMatching(/extra\./) });
    const forced = await importModelFile(library, join(HERE, 'resnet6_instance.pth'), { arch: 'resnet_6blocks' });
    expect(forced.entry.manifest.architecture).toMatch(/resnet_6blocks/);
    await expect(importModelFile(library, join(HERE, 'resnet6_instance.pth'), { arch: 'resnet_9blocks' })).rejects.toThrow(/model\./);
  });
});

describe('importing ONNX models', () => {
  it('guesses the manifest from the graph: dynamic size, condition input', async () => {
    const graph = buildGenerator({ family: 'stargan', convDim: 4, cDim: 3, repeatNum: 1 });
    const path = join(home, 'mine.onnx');
    await writeFile(path, emitOnnx(graph, randomWeights(graph)));
    const { entry, notes } = await importModelFile(library, path, { attributes: ['x', 'y', 'z'] });
    expect(entry.manifest).toMatchObject({ id: 'mine', kind: 'conditional', io: { image: 'input', condition: 'condition' } });
    expect(entry.manifest.fixedSize).toBeUndefined();
    expect(notes.join('\n')).toMatch(/of any size/);
  });

  it('describes a fixed-size model so that any image size translates through it', async () => {
    const graph = buildGenerator({ family: 'resnet', ngf: 2, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
    const model = onnxProto.onnx.ModelProto.decode(emitOnnx(graph, randomWeights(graph)));
    for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
      const dims = v.type?.tensorType?.shape?.dim ?? [];
      dims[2] = { dimValue: 32 };
      dims[3] = { dimValue: 32 };
    }
    const path = join(home, 'fixed.onnx');
    await writeFile(path, onnxProto.onnx.ModelProto.encode(model).finish());
    const { entry } = await importModelFile(library, path, { pixelRange: '0..1' });
    expect(entry.manifest).toMatchObject({ fixedSize: { width: 32, height: 32 }, sizeMultiple: 1, pixelRange: '0..1' });
    const photo = join(home, 'odd.png');
    await sharp({ create: { width: 50, height: 30, channels: 3, background: '#5080b0' } }).png().toFile(photo);
    const out = join(home, 'fixed-out');
    const summary = await runTranslateJob({ inputs: [photo], model: entry.manifest.id, outDir: out, format: 'png', device: 'cpu' }, { library, sessions }, () => undefined);
    expect(summary.succeeded).toBe(1);
    const meta = await sharp(join(out, 'odd.png')).metadata();
    expect([meta.width, meta.height]).toEqual([50, 30]);
  });

  it('refuses a file that is not an ONNX image model', async () => {
    const path = join(home, 'fake.onnx');
    await copyFile(join(HERE, 'resnet6_instance.pth'), path);
    await expect(importModelFile(library, path)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/fake\.onnx/) });
  });
});
