import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod';
import { PRESETS_PER_MODEL_MAX, RECENT_FOLDERS_MAX, presetSchema, presetsSchema, settingsSchema, type AttributePreset, type Settings } from '../contract/settings.js';
import { describeIssues } from '../contract/result.js';
import { StudioError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/write-atomic.js';

/** The valid presets of a damaged field: one bad preset is dropped, not every model's. */
function salvagePresets(value: unknown): Record<string, AttributePreset[]> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, AttributePreset[]> = {};
  for (const [model, list] of Object.entries(value)) {
    if (!Array.isArray(list)) continue;
    const kept: AttributePreset[] = [];
    for (const item of list) {
      const preset = presetSchema.safeParse(item);
      if (preset.success && kept.length < PRESETS_PER_MODEL_MAX && !kept.some((k) => k.name.toLowerCase() === preset.data.name.toLowerCase())) kept.push(preset.data);
    }
    if (kept.length > 0) out[model] = kept;
  }
  return presetsSchema.safeParse(out).success ? out : {};
}

/** The contract's settings with the host's rule: output folders are full paths on this computer. */
const fullPath = settingsSchema.shape.outputDir.refine(isAbsolute, 'the output folder must be a full path, like /home/you/Pictures/out');
const storedSchema = settingsSchema.extend({
  outputDir: fullPath,
  recentFolders: z.array(fullPath).max(RECENT_FOLDERS_MAX),
});

/**
 * The default output folder: <Pictures>/GAN Studio, where Pictures is the system's own
 * (localised) folder in the desktop app, else ~/Pictures (HOME decides, so tests can move it).
 */
export function defaultOutputDir(picturesDir: string = join(homedir(), 'Pictures')): string {
  return join(picturesDir, 'GAN Studio');
}

export function defaultSettings(picturesDir?: string): Settings {
  return { device: 'auto', theme: 'system', outputDir: defaultOutputDir(picturesDir), format: 'auto', quality: 92, naming: 'keep', model: null, attributePresets: {}, recentFolders: [], farm: { enabled: false, redis: '', shared: '' } };
}

/**
 * Settings persisted as JSON in the studio's home folder. A damaged or outdated file never
 * stops the app: each field that does not validate falls back to its default.
 */
export class SettingsStore {
  private cached: Settings | undefined;
  readonly path: string;

  constructor(
    home: string,
    private readonly picturesDir?: string,
  ) {
    this.path = join(home, 'settings.json');
  }

  async get(): Promise<Settings> {
    if (this.cached !== undefined) return { ...this.cached };
    const defaults = defaultSettings(this.picturesDir);
    let stored: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null) stored = parsed as Record<string, unknown>;
    } catch {
      // No file yet, or not JSON: start from the defaults.
    }
    const merged: Record<string, unknown> = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof Settings)[]) {
      const field = storedSchema.shape[key].safeParse(stored[key]);
      if (field.success) merged[key] = field.data;
      else if (key === 'attributePresets') merged[key] = salvagePresets(stored[key]);
    }
    this.cached = storedSchema.parse(merged);
    return { ...this.cached };
  }

  async set(patch: Partial<Settings>): Promise<Settings> {
    const checked = storedSchema.partial().safeParse(patch);
    if (!checked.success) {
      throw new StudioError('BAD_ARGUMENT', `settings not saved: ${describeIssues(checked.error.issues)}`);
    }
    const current = await this.get();
    const next = { ...current, ...checked.data };
    // A new output folder goes to the front of the recent ones, the one it replaces just behind it.
    if (checked.data.outputDir !== undefined && checked.data.outputDir !== current.outputDir && checked.data.recentFolders === undefined) {
      next.recentFolders = [...new Set([checked.data.outputDir, current.outputDir, ...current.recentFolders])].slice(0, RECENT_FOLDERS_MAX);
    }
    await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`, `the settings file ${this.path}`);
    this.cached = next;
    return { ...next };
  }
}
