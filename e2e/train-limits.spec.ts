import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '../electron/contract/training.js';
import { StudioError } from '../electron/engine/errors.js';
import { ModelLibrary } from '../electron/engine/library/model-library.js';
import { trainSettings } from '../electron/engine/training/train-settings.js';
import { TrainingRun } from '../electron/engine/training/training-run.js';
import { forkEngine } from '../electron/studio/fork-launcher.js';
import { StudioService } from '../electron/studio/studio-service.js';
import { blobImage, writeFolder } from '../electron/engine/training/__tests__/synthetic-folders.js';
import { runCli } from './fixtures/run-cli.js';
import { scratchFolder } from './fixtures/scratch-folder.js';

/**
 * The training limits, as each caller meets them: `gan-studio train` (flags), the studio behind
 * the Fine-tune page (field labels) and the engine itself (settings keys). The same values
 * are refused everywhere, with the same words but for the setting's name.
 */
const { root: work, home } = scratchFolder('gs-train-limits-');
let studio: StudioService;

beforeAll(async () => {
  studio = new StudioService({ mode: 'desktop', home, launchEngine: forkEngine, send: () => undefined, resolveInputs: async (inputs) => inputs });
});
afterAll(async () => {
  studio?.stop();
});

/** A setting, the value tried, and what each caller calls the setting. */
interface Case {
  key: keyof TrainSettings;
  value: number;
  flag: string;
  label: string;
  problem: string;
}

const outOfRange: Case[] = [
  { key: 'size', value: 4097, flag: '--size', label: 'Crop size (px)', problem: 'must be a whole number from 16 to 4096, got 4097' },
  { key: 'size', value: 15, flag: '--size', label: 'Crop size (px)', problem: 'must be a whole number from 16 to 4096, got 15' },
  { key: 'loadSize', value: 8193, flag: '--load-size', label: 'Load size (px)', problem: 'must be a whole number from 16 to 8192, got 8193' },
  { key: 'dLayers', value: 7, flag: '--d-layers', label: 'Discriminator layers', problem: 'must be a whole number from 1 to 6, got 7' },
  { key: 'iterations', value: 0, flag: '--iterations', label: 'Iterations', problem: 'must be a whole number from 1 to 10000000, got 0' },
  { key: 'iterations', value: 2.5, flag: '--iterations', label: 'Iterations', problem: 'must be a whole number from 1 to 10000000, got 2.5' },
  { key: 'ngf', value: 257, flag: '--ngf', label: 'Generator width', problem: 'must be a whole number from 1 to 256, got 257' },
  { key: 'ndf', value: 0, flag: '--ndf', label: 'Discriminator width', problem: 'must be a whole number from 1 to 256, got 0' },
  { key: 'batch', value: 65, flag: '--batch', label: 'Batch size', problem: 'must be a whole number from 1 to 64, got 65' },
  { key: 'lr', value: 1, flag: '--lr', label: 'Learning rate', problem: 'must be between 0 and 1, got 1' },
  { key: 'seed', value: 2 ** 31 + 1, flag: '--seed', label: 'Seed', problem: `must be a whole number from 0 to ${2 ** 31}, got ${2 ** 31 + 1}` },
  { key: 'sampleEvery', value: 0, flag: '--sample-every', label: 'Sample every', problem: 'must be a whole number from 1 to 10000000, got 0' },
  { key: 'checkpointEvery', value: 10_000_001, flag: '--checkpoint-every', label: 'Checkpoint every', problem: 'must be a whole number from 1 to 10000000, got 10000001' },
];

const folderA = (): string => join(work, 'no-such-folder-a');
const folderB = (): string => join(work, 'no-such-folder-b');
const base = (overrides: Partial<TrainSettings>): TrainSettings =>
  trainSettings({ mode: 'cyclegan', dataA: folderA(), dataB: folderB(), device: 'cpu', name: 'limits', ...overrides });

const cli = (flags: string[]) =>
  runCli(['train', '--mode', 'cyclegan', '--a', folderA(), '--b', folderB(), '--device', 'cpu', '--run', join(work, 'cli-run'), ...flags], { env: { GAN_STUDIO_HOME: home } });

async function engineRefusal(settings: TrainSettings): Promise<StudioError> {
  const error = await TrainingRun.create(settings, { library: new ModelLibrary({ home }), runDir: join(work, 'engine-run') }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StudioError);
  return error as StudioError;
}

describe('training limits: one set, for the CLI, the studio and the engine', () => {
  it.each(outOfRange)('refuses $key = $value everywhere, each naming the setting its own way', async ({ key, value, flag, label, problem }) => {
    const settings = base({ [key]: value });

    const engine = await engineRefusal(settings);
    expect(engine.code).toBe('BAD_ARGUMENT');
    expect(engine.message).toBe(`${key} ${problem}`);

    const page = await studio.invoke('training:start', { settings });
    expect(page).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: `${label} ${problem}` } });

    const command = await cli([flag, String(value)]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain(`gan-studio: ${flag} ${problem}`);
  });

  it('refuses a load size below the crop size, edges outside pix2pix and conditioning outside conditional training, naming them each way', async () => {
    const small = base({ size: 256, loadSize: 100 });
    expect((await engineRefusal(small)).message).toBe('loadSize must be a whole number from 256 to 8192, got 100');
    expect(await studio.invoke('training:estimate', { settings: small })).toMatchObject({ error: { message: 'Load size (px) must be a whole number from 256 to 8192, got 100' } });
    expect((await cli(['--size', '256', '--load-size', '100'])).stderr).toContain('gan-studio: --load-size must be a whole number from 256 to 8192, got 100');

    const edges = base({ edges: true });
    expect((await engineRefusal(edges)).message).toBe('edges only applies to pix2pix training (edge maps in, photos out)');
    expect(await studio.invoke('training:start', { settings: edges })).toMatchObject({ error: { message: 'Edges from photos only applies to pix2pix training (edge maps in, photos out)' } });
    expect((await cli(['--edges'])).stderr).toContain('gan-studio: --edges only applies to pix2pix training');

    const conditioning = base({ conditioning: 'blocks' });
    expect((await engineRefusal(conditioning)).message).toBe('conditioning only applies to conditional training (a generator that takes attributes)');
    expect(await studio.invoke('training:start', { settings: conditioning })).toMatchObject({ error: { message: 'Attributes read at only applies to conditional training (a generator that takes attributes)' } });
    expect((await cli(['--conditioning', 'blocks'])).stderr).toContain('gan-studio: --conditioning only applies to conditional training');
    expect((await cli(['--conditioning', 'everywhere'])).stderr).toContain("'everywhere' is invalid. Allowed choices are input, blocks");
  });

  it('names the settings each way when they do not suit the generator (checked once the data is read)', async () => {
    await writeFolder(join(work, 'warm'), 2, 32, (s) => blobImage(s, 32));
    await writeFolder(join(work, 'cool'), 2, 32, (s) => blobImage(s, 32), 50);
    const folders = { dataA: join(work, 'warm'), dataB: join(work, 'cool') };
    const cases = [
      { flags: ['--arch', 'stargan'], settings: base({ ...folders, arch: 'stargan' }), problem: (arch: string) => `cyclegan training needs an image-to-image generator; ${arch} stargan is a conditional (StarGAN) one` },
      { flags: ['--size', '30'], settings: base({ ...folders, size: 30 }), problem: (arch: string, size: string) => `${size} 30 does not suit ${arch} resnet_9blocks: it needs a multiple of 4` },
    ];
    for (const { flags, settings, problem } of cases) {
      expect((await engineRefusal(settings)).message).toBe(problem('arch', 'size'));
      expect(await studio.invoke('training:start', { settings })).toEqual({ ok: false, error: { code: 'BAD_ARGUMENT', message: problem('Generator', 'Crop size (px)') } });
      const command = await runCli(['train', '--mode', 'cyclegan', '--a', folders.dataA, '--b', folders.dataB, '--device', 'cpu', '--run', join(work, 'cli-run'), ...flags], { env: { GAN_STUDIO_HOME: home } });
      expect(command.stderr).toContain(`gan-studio: ${problem('--arch', '--size')}`);
    }
  }, 60_000);

  it('lists every problem at once', async () => {
    const result = await cli(['--size', '5000', '--d-layers', '9']);
    expect(result.stderr).toContain('--d-layers must be a whole number from 1 to 6, got 9; --size must be a whole number from 16 to 4096, got 5000');
  });

  it('accepts the largest sizes and depth everywhere: the run then stops at the missing folder, not at a limit', async () => {
    const edge = { size: 4096, loadSize: 8192, dLayers: 6, ngf: 256, batch: 64 };
    const settings = base(edge);
    const missing = new RegExp(folderA().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

    const engine = await engineRefusal(settings);
    expect(engine.message).toMatch(missing);
    expect(engine.message).not.toMatch(/must be/);

    const page = await studio.invoke('training:estimate', { settings });
    expect(page.ok).toBe(false);
    if (!page.ok) {
      expect(page.error.message).toMatch(missing);
      expect(page.error.message).not.toMatch(/must be/);
    }

    const command = await cli(['--size', '4096', '--load-size', '8192', '--d-layers', '6', '--ngf', '256', '--batch', '64']);
    expect(command.code).not.toBe(0);
    expect(command.stderr).toMatch(missing);
    expect(command.stderr).not.toMatch(/must be/);
  }, 60_000);
});
