import { describe, expect, it } from 'vitest';
import { buildGenerator, type Architecture } from '../../nets/index.js';
import { detectArchitecture, parseArchitectureOption, readCheckpoint, type CheckpointTensor, type StateDict } from '../index.js';
import { fixturePath, studioErrorOf } from './helpers.js';

const resnet = (o: Partial<Extract<Architecture, { family: 'resnet' }>>): Architecture => ({
  family: 'resnet',
  ngf: 2,
  nBlocks: 6,
  norm: 'instance',
  dropout: false,
  inputChannels: 3,
  outputChannels: 3,
  ...o,
});
const unet = (o: Partial<Extract<Architecture, { family: 'unet' }>>): Architecture => ({
  family: 'unet',
  numDowns: 7,
  ngf: 2,
  norm: 'batch',
  dropout: false,
  inputChannels: 3,
  outputChannels: 3,
  ...o,
});
const stargan = (convDim: number, cDim: number, repeatNum: number): Architecture => ({ family: 'stargan', convDim, cDim, repeatNum });

describe('detectArchitecture on real PyTorch checkpoints', () => {
  const CASES: [string, Architecture][] = [
    ['resnet6_instance', resnet({})],
    ['resnet6_instance_legacy', resnet({})],
    ['resnet9_batch_dropout', resnet({ nBlocks: 9, norm: 'batch', dropout: true })],
    ['resnet9_batch_dropout_legacy', resnet({ nBlocks: 9, norm: 'batch', dropout: true })],
    ['resnet2_old_instance_stats_legacy', resnet({ nBlocks: 2 })],
    ['resnet1_f16', resnet({ nBlocks: 1, norm: 'batch' })],
    ['resnet1_bf16', resnet({ nBlocks: 1, norm: 'batch' })],
    ['resnet1_f64', resnet({ nBlocks: 1, norm: 'batch' })],
    ['resnet1_f64_legacy', resnet({ nBlocks: 1, norm: 'batch' })],
    ['wrapped_state_dict', resnet({ nBlocks: 1, dropout: true })],
    ['unet128_batch', unet({})],
    ['unet128_batch_legacy', unet({})],
    ['unet256_instance_dropout', unet({ numDowns: 8, ngf: 1, norm: 'instance' })],
    ['stargan', stargan(4, 5, 2)],
    ['stargan_legacy', stargan(4, 5, 2)],
    ['stargan_proto4', stargan(4, 5, 2)],
    ['stargan_proto5_legacy', stargan(4, 5, 2)],
    ['stargan_dataparallel', stargan(4, 3, 3)],
  ];
  for (const [name, arch] of CASES) {
    it(`${name}: ${arch.family}`, async () => {
      const sd = await readCheckpoint(fixturePath(name));
      const d = detectArchitecture(sd);
      expect(d.arch).toEqual(arch);
      const graph = buildGenerator(arch);
      expect([...d.weights.keys()].sort()).toEqual(graph.params.map((p) => p.name).sort());
      expect(d.parameterCount).toBe(graph.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0));
      for (const p of graph.params) expect(d.weights.get(p.name)?.length).toBe(p.shape.reduce((a, b) => a * b, 1));
      // Everything in the file is accounted for: a weight, or deliberately ignored.
      expect(d.weights.size + d.ignored.length).toBe(sd.tensors.size + sd.skipped.length);
    });
  }

  it('ignores the InstanceNorm running stats of old junyanz checkpoints, and says so', async () => {
    const d = detectArchitecture(await readCheckpoint(fixturePath('resnet2_old_instance_stats_legacy')));
    expect(d.ignored).toContain('model.2.running_mean');
    expect(d.ignored).toContain('model.2.running_var');
    expect(d.ignored).toContain('model.2.num_batches_tracked');
    expect(d.ignored).toContain('model.10.conv_block.6.running_var');
    expect(d.ignored).toHaveLength(2 * (3 + 2 * 2 + 2) + 1);
  });

  it('strips the module. prefix of DataParallel checkpoints', async () => {
    const d = detectArchitecture(await readCheckpoint(fixturePath('stargan_dataparallel')));
    expect(d.weights.has('main.0.weight')).toBe(true);
    expect(d.ignored.every((k) => !k.startsWith('module.'))).toBe(true);
  });

  it('lists BatchNorm running stats and num_batches_tracked as ignored', async () => {
    const d = detectArchitecture(await readCheckpoint(fixturePath('resnet9_batch_dropout')));
    expect(d.ignored).toContain('model.2.running_mean');
    expect(d.ignored).toContain('model.2.num_batches_tracked');
  });
});

/** A state dict shaped exactly like a checkpoint of `arch` (values zero). */
function synthetic(arch: Architecture, prefix = '', label = 'synthetic.pth'): StateDict {
  const graph = buildGenerator(arch);
  const tensors = new Map<string, CheckpointTensor>();
  const skipped: string[] = [];
  for (const p of graph.params) {
    tensors.set(prefix + p.name, { shape: [...p.shape], data: new Float32Array(p.shape.reduce((a, b) => a * b, 1)), sourceDtype: 'float32' });
  }
  for (const key of graph.unusedKeys) {
    if (key.endsWith('num_batches_tracked')) skipped.push(prefix + key);
    else {
      const weight = graph.params.find((p) => p.name === key.replace(/running_(mean|var)$/, 'weight'));
      const c = weight?.shape[0] ?? 1;
      tensors.set(prefix + key, { shape: [c], data: new Float32Array(c), sourceDtype: 'float32' });
    }
  }
  return { tensors, skipped, container: 'zip', label };
}

describe('detectArchitecture on every layout variant', () => {
  const ARCHS: Architecture[] = [];
  for (const norm of ['instance', 'batch'] as const) {
    for (const dropout of [false, true]) {
      // Without blocks, dropout leaves no trace in the keys (detection then says false).
      for (const nBlocks of dropout ? [1, 6, 9, 12] : [0, 1, 6, 9]) ARCHS.push(resnet({ norm, dropout, nBlocks, ngf: 3 }));
    }
    for (const numDowns of [5, 6, 7, 8, 9]) ARCHS.push(unet({ norm, numDowns, ngf: 2 }));
  }
  ARCHS.push(resnet({ inputChannels: 1, outputChannels: 4, ngf: 64, nBlocks: 9 }));
  ARCHS.push(unet({ inputChannels: 4, outputChannels: 1, ngf: 8 }));
  ARCHS.push(stargan(64, 5, 6), stargan(8, 1, 0), stargan(2, 17, 3));

  it('recovers each architecture from key names and shapes', () => {
    for (const arch of ARCHS) {
      expect(detectArchitecture(synthetic(arch)).arch, JSON.stringify(arch)).toEqual(arch);
      expect(detectArchitecture(synthetic(arch, 'module.')).arch).toEqual(arch);
    }
  });

  it('refuses an unknown layout, naming the keys (ten, then a count)', () => {
    const tensors = new Map<string, CheckpointTensor>();
    for (let i = 0; i < 14; i++) tensors.set(`encoder.${i}.weight`, { shape: [1], data: new Float32Array(1), sourceDtype: 'float32' });
    const err = studioErrorOf(() => detectArchitecture({ tensors, skipped: [], container: 'zip', label: 'odd.pth' }));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toBe(
      'odd.pth: unknown layout: the keys match no supported generator (junyanz ResnetGenerator or UnetGenerator, StarGAN); ' +
        'keys that did not match: encoder.0.weight, encoder.1.weight, encoder.2.weight, encoder.3.weight, encoder.4.weight, ' +
        'encoder.5.weight, encoder.6.weight, encoder.7.weight, encoder.8.weight, encoder.9.weight and 4 more',
    );
  });

  it('refuses a near miss, naming missing, misshaped and unexpected keys', () => {
    const sd = synthetic(resnet({ nBlocks: 2 }));
    sd.tensors.delete('model.10.conv_block.1.bias');
    sd.tensors.set('model.4.weight', { shape: [4, 2, 5, 5], data: new Float32Array(160), sourceDtype: 'float32' });
    sd.tensors.set('model.99.weight', { shape: [1], data: new Float32Array(1), sourceDtype: 'float32' });
    sd.tensors.set('model.3.running_mean', { shape: [2], data: new Float32Array(2), sourceDtype: 'float32' });
    const err = studioErrorOf(() => detectArchitecture(sd));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toMatch(/^synthetic\.pth: the keys look like a resnet generator but do not fit resnet_2blocks/);
    expect(err.message).toContain('missing model.10.conv_block.1.bias');
    expect(err.message).toContain('wrong shape: model.4.weight (expected [4, 2, 3, 3], got [4, 2, 5, 5])');
    expect(err.message).toContain('unexpected model.99.weight, model.3.running_mean');
  });

  it('only ignores InstanceNorm stats where a norm follows a conv, with its width', () => {
    const sd = synthetic(resnet({ nBlocks: 1 }));
    sd.tensors.set('model.2.running_mean', { shape: [2], data: new Float32Array(2), sourceDtype: 'float32' });
    sd.tensors.set('model.5.running_var', { shape: [7], data: new Float32Array(7), sourceDtype: 'float32' });
    sd.tensors.set('model.19.running_mean', { shape: [3], data: new Float32Array(3), sourceDtype: 'float32' }); // after the last conv: Tanh
    const err = studioErrorOf(() => detectArchitecture(sd));
    expect(err.message).toMatch(/unexpected model\.5\.running_var, model\.19\.running_mean$/);
  });

  it('refuses a key that appears both with and without module.', () => {
    const sd = synthetic(stargan(2, 2, 1));
    sd.tensors.set('module.main.0.weight', sd.tensors.get('main.0.weight') as CheckpointTensor);
    expect(studioErrorOf(() => detectArchitecture(sd)).message).toMatch(/main\.0\.weight appears twice/);
  });
});

describe('detectArchitecture with --arch', () => {
  it('accepts a matching override, partial or full', async () => {
    const sd = await readCheckpoint(fixturePath('resnet9_batch_dropout'));
    const full = resnet({ nBlocks: 9, norm: 'batch', dropout: true });
    expect(detectArchitecture(sd, parseArchitectureOption('resnet_9blocks')).arch).toEqual(full);
    expect(detectArchitecture(sd, parseArchitectureOption('resnet_9blocks,ngf=2,norm=batch,dropout')).arch).toEqual(full);
    expect(detectArchitecture(sd, full).arch).toEqual(full);
  });

  it('takes what the keys cannot show from the override (U-Net dropout)', async () => {
    const sd = await readCheckpoint(fixturePath('unet256_instance_dropout'));
    expect(detectArchitecture(sd).arch).toMatchObject({ dropout: false });
    expect(detectArchitecture(sd, parseArchitectureOption('unet_256,dropout')).arch).toEqual(unet({ numDowns: 8, ngf: 1, norm: 'instance', dropout: true }));
  });

  it('reports mismatches by key when the override is wrong', async () => {
    const sd = await readCheckpoint(fixturePath('resnet9_batch_dropout'));
    const blocks = studioErrorOf(() => detectArchitecture(sd, parseArchitectureOption('resnet_6blocks')));
    expect(blocks.code).toBe('BAD_CHECKPOINT');
    expect(blocks.message).toMatch(/: the weights do not fit resnet_6blocks \(ngf 2, batch norm, dropout\): keys that did not match: missing model\.16\.weight/);
    expect(blocks.message).toMatch(/unexpected model\.16\.conv_block\.1\.weight/);
    const width = studioErrorOf(() => detectArchitecture(sd, parseArchitectureOption('resnet_9blocks,ngf=4')));
    expect(width.message).toContain('model.1.weight (expected [4, 3, 7, 7], got [2, 3, 7, 7])');
    const family = studioErrorOf(() => detectArchitecture(sd, parseArchitectureOption('unet_256')));
    expect(family.message).toMatch(/cannot tell ngf, input_nc, output_nc of a unet generator from the checkpoint \(give ngf, input_nc, output_nc in --arch\)/);
    const star = studioErrorOf(() => detectArchitecture(sd, parseArchitectureOption('stargan,c=5,conv_dim=2,repeat=9')));
    expect(star.message).toMatch(/the weights do not fit stargan .*missing main\.0\.weight/);
  });
});
