import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from './fixtures/electron-binary.js';
import { REPO_ROOT } from './fixtures/run-cli.js';

/**
 * Packaging as electron-builder sees it. The configuration is read, validated and applied by
 * electron-builder's own code (its config loader, schema and file matcher), so these checks
 * need no Electron binary; the real `electron-builder --dir` run needs one and is skipped
 * without it.
 */
const require = createRequire(import.meta.url);
type Config = Record<string, unknown> & { linux: { files: string[] }; deb: { depends: string[] }; electronFuses: Record<string, boolean>; publish: unknown };
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(dir: string, path: string, options: null): Promise<Config>;
  validateConfiguration(config: Config, logger: unknown): Promise<void>;
};
type FileFilter = (file: string, stat: { isDirectory(): boolean; moduleFullFilePath: string }) => boolean;
const { getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(appDir: string, to: string, expand: (p: string) => string, platformOptions: unknown, packager: object): { createFilter(): FileFilter };
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const FpmTarget = (require('app-builder-lib/out/targets/FpmTarget.js') as { default: { prototype: { getDefaultDepends(target: string): string[] } } }).default;

let config: Config;
beforeAll(async () => {
  config = await getConfig(REPO_ROOT, join(REPO_ROOT, 'electron-builder.yml'), null);
});

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

describe('the package configuration', () => {
  it("is valid by electron-builder's schema, with fuses set and no update channel", async () => {
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // No publish target: no update feed in the package until one is configured.
    expect(config.publish).toBeNull();
    expect(config.npmRebuild).toBe(false);
  });

  it("depends on electron-builder's default deb packages plus the studio's own", () => {
    const defaults = FpmTarget.prototype.getDefaultDepends('deb');
    expect(defaults).toEqual(expect.arrayContaining(['xdg-utils', 'libnotify4', 'libxtst6', 'libatspi2.0-0']));
    expect(config.deb.depends).toEqual(expect.arrayContaining(defaults));
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libvulkan1', 'libasound2t64 | libasound2']));
  });

  it('packs only the target platform and architecture of the onnxruntime binaries', async () => {
    const bin = join(REPO_ROOT, 'node_modules', 'onnxruntime-node', 'bin');
    const files = await walk(bin);
    const platforms = new Set(files.map((f) => relative(bin, f).split(sep)[1]));
    expect([...platforms].sort(), 'onnxruntime-node carries every platform').toEqual(['darwin', 'linux', 'win32']);
    // The matcher electron-builder builds for node_modules files (the exclusions of `files`,
    // top level and per platform), with ${arch} expanded as for that build.
    const packed = (platform: 'linux' | 'win' | 'mac', arch: string): string[] => {
      const matcher = getNodeModuleFileMatcher(REPO_ROOT, join(REPO_ROOT, 'out'), (p) => p.replaceAll('${arch}', arch), config[platform], { config, debugLogger: new DebugLogger(false) });
      const keep = matcher.createFilter();
      return files
        .filter((f) => keep(f, { isDirectory: () => false, moduleFullFilePath: relative(REPO_ROOT, f).split(sep).join('/') }))
        .map((f) => relative(bin, f).split(sep).slice(1, 3).join('/'));
    };
    expect([...new Set(packed('linux', 'x64'))]).toEqual(['linux/x64']);
    expect([...new Set(packed('linux', 'arm64'))]).toEqual(['linux/arm64']);
    expect([...new Set(packed('win', 'x64'))]).toEqual(['win32/x64']);
    expect([...new Set(packed('mac', 'arm64'))]).toEqual(['darwin/arm64']);
  });

  it('has the icon set scripts/make-icons.mjs makes from assets/icon.svg', async () => {
    const { makeIcons, PNG_SIZES, ICO_SIZES } = await import('../scripts/make-icons.mjs');
    const fresh = await mkdtemp(join(tmpdir(), 'gs-icons-'));
    try {
      await makeIcons(fresh);
      for (const size of PNG_SIZES) {
        const committed = join(REPO_ROOT, 'assets', 'icons', `${size}x${size}.png`);
        const meta = await sharp(committed).metadata();
        expect([meta.width, meta.height, meta.hasAlpha]).toEqual([size, size, true]);
        // The committed picture is the one the script makes now: the source and the set agree.
        const a = await sharp(committed).raw().toBuffer();
        const b = await sharp(join(fresh, 'icons', `${size}x${size}.png`)).raw().toBuffer();
        expect(a.equals(b), `${size}x${size}.png is up to date with icon.svg (npm run icons)`).toBe(true);
      }
      const ico = await readFile(join(REPO_ROOT, 'assets', 'icon.ico'));
      expect([ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([1, ICO_SIZES.length]);
      const icns = await readFile(join(REPO_ROOT, 'assets', 'icon.icns'));
      expect(icns.toString('latin1', 0, 4)).toBe('icns');
      expect(icns.readUInt32BE(4)).toBe(icns.length);
      expect(ico.equals(await readFile(join(fresh, 'icon.ico')))).toBe(true);
      expect(icns.equals(await readFile(join(fresh, 'icon.icns')))).toBe(true);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});

const binary = electronBinary();
const distOk = 'path' in binary && existsSync(join(REPO_ROOT, 'node_modules', 'electron', 'dist'));
if (!distOk) process.stderr.write(`e2e/packaging.spec.ts: electron-builder --dir skipped: ${'missing' in binary ? binary.missing : 'node_modules/electron/dist is missing'}\n`);

describe.skipIf(!distOk)('electron-builder --dir for Linux', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-package-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('builds an unpacked app with its asar, the Linux x64 native binaries only, and the fuses flipped', async () => {
    const cli = require.resolve('electron-builder/cli.js');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, '--linux', '--x64', '--dir', '--config', 'electron-builder.yml', `-c.directories.output=${out}`], { cwd: REPO_ROOT, stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    const app = join(out, 'linux-unpacked');
    expect(existsSync(join(app, 'resources', 'app.asar'))).toBe(true);
    const unpacked = join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
    expect(await readdir(unpacked)).toEqual(['linux']);
    expect(await readdir(join(unpacked, 'linux'))).toEqual(['x64']);
    const { getCurrentFuseWire, FuseV1Options, FuseState } = require('@electron/fuses') as {
      getCurrentFuseWire(path: string): Promise<Record<number, number>>;
      FuseV1Options: Record<string, number>;
      FuseState: Record<string, number>;
    };
    const wire = await getCurrentFuseWire(join(app, 'gan-studio'));
    expect(wire[FuseV1Options.RunAsNode as number]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption as number]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar as number]).toBe(FuseState.ENABLE);
  }, 600_000);
});
