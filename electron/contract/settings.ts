/** The studio's saved settings: their schema (what `settings:set` accepts) and their types. */
import * as z from 'zod';
import { PRESET_MODELS_MAX, hostPath, shortText } from './bounds.js';
import { attributeValues } from './ids.js';
import { OUTPUT_FORMATS } from './jobs.js';

export const DEVICE_SETTINGS = ['auto', 'cpu', 'gpu'] as const;
export type DeviceSetting = (typeof DEVICE_SETTINGS)[number];
export const THEME_SETTINGS = ['system', 'light', 'dark'] as const;
export type ThemeSetting = (typeof THEME_SETTINGS)[number];
/** keep: `photo.png` (a free name like `photo-1.png` when taken); suffix: `photo-<model>.png`. */
export const NAMING_SETTINGS = ['keep', 'suffix'] as const;
export type NamingSetting = (typeof NAMING_SETTINGS)[number];

export const PRESET_NAME_MAX = 60;
export const PRESETS_PER_MODEL_MAX = 50;
/** Output folders offered again, most recent first. */
export const RECENT_FOLDERS_MAX = 8;

/** JPEG and WebP quality, for the saved setting, a batch's override and `translate -q`. */
export const QUALITY = { min: 1, max: 100 } as const;
export const quality = z.number().int().min(QUALITY.min).max(QUALITY.max);

/** Slider values saved under a name, for one conditional model. */
export const presetSchema = z
  .object({
    name: z.string().trim().min(1, 'a preset needs a name').max(PRESET_NAME_MAX),
    values: attributeValues,
  })
  .strict();
export type AttributePreset = z.infer<typeof presetSchema>;

export const presetsSchema = z
  .record(shortText, z.array(presetSchema).max(PRESETS_PER_MODEL_MAX))
  .superRefine((byModel, ctx) => {
    if (Object.keys(byModel).length > PRESET_MODELS_MAX) ctx.addIssue({ code: 'custom', message: `presets for at most ${PRESET_MODELS_MAX} models` });
    for (const [model, presets] of Object.entries(byModel)) {
      const names = presets.map((p) => p.name.toLowerCase());
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice !== undefined) ctx.addIssue({ code: 'custom', path: [model], message: `two presets are named "${twice}"` });
    }
  });

/**
 * Where the Translate page sends batches when `enabled`: a farm's Redis (redis:// or rediss://,
 * its password in the URL or in GAN_FARM_REDIS_PASSWORD) and the folder its workers share, as
 * this computer mounts it. The output folder must be inside that folder.
 */
export const farmSettingsSchema = z.object({
  enabled: z.boolean(),
  redis: z.string().max(2048),
  shared: z.string().max(4096),
});
export type FarmSettings = z.infer<typeof farmSettingsSchema>;

/**
 * The saved settings. `outputDir` must also be a full path on the computer the studio runs
 * on: a host rule, checked by the studio where it handles host paths.
 */
export const settingsSchema = z.object({
  device: z.enum(DEVICE_SETTINGS),
  theme: z.enum(THEME_SETTINGS),
  outputDir: hostPath,
  format: z.enum([...OUTPUT_FORMATS, 'auto']),
  quality,
  naming: z.enum(NAMING_SETTINGS),
  /** The model last picked on the Translate page. */
  model: shortText.nullable(),
  /** Attribute presets by model id, in the order they were saved. */
  attributePresets: presetsSchema,
  /** Output folders used lately, most recent first (the output folder menu offers them). */
  recentFolders: z.array(hostPath).max(RECENT_FOLDERS_MAX),
  farm: farmSettingsSchema,
});
export type Settings = z.infer<typeof settingsSchema>;
