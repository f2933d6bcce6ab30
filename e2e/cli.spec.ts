import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeProblemImageFolder } from '../electron/engine/imaging/__tests__/fixture-images.js';
import { scratchFolder } from './fixtures/scratch-folder.js';
import { installTinyModel } from './fixtures/tiny-model.js';
import { runCli } from './fixtures/run-cli.js';

const { root, home, env } = scratchFolder('gs-cli-');
beforeAll(() => installTinyModel(home, 'tiny'));

const sha = async (p: string): Promise<string> => createHash('sha256').update(await readFile(p)).digest('hex');

describe('gan-studio translate', () => {
  it('translates the bundled model on a photo at its own size', async () => {
    const photo = join(root, 'photo.jpg');
    await sharp({ create: { width: 123, height: 77, channels: 3, background: '#6fa8dc' } }).jpeg().toFile(photo);
    const out = join(root, 'out');
    const list = await runCli(['models', '--json'], { env });
    const bundled = (JSON.parse(list.stdout) as { models: { id: string; origin: string }[] }).models.find((m) => m.origin === 'bundled');
    expect(bundled, 'a bundled model ships in models/').toBeDefined();
    const result = await runCli(['translate', '--model', bundled?.id ?? '', photo, '--out', out], { env });
    expect(result.code, result.stderr).toBe(0);
    const meta = await sharp(join(out, 'photo.jpg')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 123, 77]);
    expect(result.stderr).toMatch(/Done: 1 of 1 file translated/);
  });

  it('handles the problem folder: good files translate, bad ones are named, exit code 1, inputs untouched', async () => {
    const dir = join(root, 'problems');
    await mkdir(dir);
    const files = await writeProblemImageFolder(dir);
    const before = await Promise.all(Object.values(files).map(sha));
    const out = join(root, 'problems-out');
    const result = await runCli(['translate', '-m', 'tiny', '--device', 'cpu', dir, '--out', out], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/5 of 8 files translated.*3 failed/);
    expect(result.stderr).toMatch(/corrupt\.jpg: .*(truncated|corrupt|premature)/i);
    expect(result.stderr).toMatch(/empty\.png: .*empty/i);
    expect(result.stderr).toMatch(/notes\.png: .*not an image/i);
    expect((await readdir(out)).sort()).toEqual(['cmyk.jpg', 'deep.png', 'good.jpg', 'rgba.png', 'rotated.jpg']);
    // EXIF rotation is applied: the 64 x 48 stored image comes out 48 x 64.
    const rotated = await sharp(join(out, 'rotated.jpg')).metadata();
    expect([rotated.width, rotated.height, rotated.orientation ?? 1]).toEqual([48, 64, 1]);
    // Alpha is carried through unchanged.
    const alphaIn = await sharp(files['rgba.png']).extractChannel(3).raw().toBuffer();
    const alphaOut = await sharp(join(out, 'rgba.png')).extractChannel(3).raw().toBuffer();
    expect(alphaOut.equals(alphaIn)).toBe(true);
    expect(await Promise.all(Object.values(files).map(sha))).toEqual(before);
  });

  it('exits 2 for usage errors and names the problem', async () => {
    const noModel = await runCli(['translate', '-m', 'nope', 'x.png'], { env });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/no model "nope"/);
    const badQuality = await runCli(['translate', '-m', 'tiny', '-q', '500', 'x.png'], { env });
    expect(badQuality.code).toBe(2);
    expect(badQuality.stderr).toMatch(/500.*1 to 100/);
    const badSet = await runCli(['translate', '-m', 'tiny', '--set', 'fog', 'x.png'], { env });
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toMatch(/not NAME=VALUE/);
  });

  it('writes one line per file when not on a terminal, and converts format and size on request', async () => {
    const photo = join(root, 'wide.png');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#c08040' } }).png().toFile(photo);
    const out = join(root, 'sized');
    const result = await runCli(['translate', '-m', 'tiny', '-f', 'webp', '-q', '80', '--size', '50', photo, '-o', out], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^ok +.*wide\.png -> .*wide\.webp \(100x50, \d+ ms, cpu\)$/m);
    const meta = await sharp(join(out, 'wide.webp')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 100, 50]);
  });

  it('lists models, and reports a broken model folder without failing', async () => {
    await mkdir(join(home, 'models', 'broken'), { recursive: true });
    const result = await runCli(['models'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tiny +Tiny tiny +pix2pix +installed/m);
    expect(result.stderr).toMatch(/skipped .*broken: .*manifest\.json is missing/);
  });
});

describe('the provider line', () => {
  /** Dawn's own lines, which a user must never see (it prints them to stderr when it finds no adapter). */
  const DAWN_NOISE = /vkCreateInstance|VK_ERROR|XDG_RUNTIME_DIR|Dawn|\bWarning:/;
  const image = async (): Promise<string> => {
    const path = join(root, 'provider-line.png');
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808040' } }).png().toFile(path);
    return path;
  };

  it('says in one line which provider ran and why the others did not, with no native noise', async () => {
    const photo = await image();
    const run = (device: string, extra: NodeJS.ProcessEnv = {}) => runCli(['translate', '-m', 'tiny', '--device', device, photo, '--out', join(root, `line-${device}`), '--overwrite'], { env: { ...env, ...extra } });
    // No Vulkan driver at all: WebGPU is not even tried, so Dawn has nothing to print.
    const none = await run('auto', { VK_ICD_FILENAMES: join(root, 'no-such-driver.json') });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).toMatch(/translated with tiny on cpu \(webgpu skipped: no Vulkan driver on this system\) in /);
    expect(none.stderr).not.toMatch(DAWN_NOISE);
    expect(none.stderr).not.toMatch(/^note: webgpu/m);
    if (process.platform !== 'linux' || !(process.env.VK_ICD_FILENAMES ?? '').includes('swiftshader')) return;
    // SwiftShader, the only driver here (the test setup names it): auto passes it over and says so...
    const auto = await run('auto');
    expect(auto.stderr).toMatch(/on cpu \(webgpu skipped: the only Vulkan driver is SwiftShader, which runs on the processor \(--device webgpu uses it\)\) in /);
    expect(auto.stderr).not.toMatch(DAWN_NOISE);
    // ...and asked for by name, it runs there, reported as what it is.
    const named = await run('webgpu');
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toMatch(/on webgpu \(on SwiftShader, a software Vulkan driver: the processor, not a GPU\) in /);
    expect(named.stderr).not.toMatch(DAWN_NOISE);
    // SwiftShader compiles the model's kernels on the processor.
  }, 180_000);
});
