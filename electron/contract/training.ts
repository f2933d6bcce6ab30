/** Fine-tuning: the settings of a training run, their limits, and the events a run reports. Shared by CLI, engine and UI. */
import * as z from 'zod';
import type { Result } from './result.js';

export const TRAIN_MODES = ['cyclegan', 'pix2pix', 'conditional'] as const;
export type TrainMode = (typeof TRAIN_MODES)[number];

/**
 * The generators the trainer offers by name (the Fine-tune form's list, `train --arch`), and the
 * names help and messages list first; engine/nets/ reads each (a family's own `parseName`).
 */
export const TRAIN_ARCHS = ['resnet_9blocks', 'resnet_6blocks', 'unet_128', 'unet_256', 'stargan'] as const;
export type TrainArch = (typeof TRAIN_ARCHS)[number];

export const TRAIN_NORMS = ['instance', 'batch'] as const;

/** The generator's upsampling: the reference's transposed convs, or resize-then-convolve (no checkerboards). */
export const UPSAMPLINGS = ['transposed', 'resize'] as const;
export type Upsampling = (typeof UPSAMPLINGS)[number];

/**
 * Where a conditional generator reads its attributes: at its input only (StarGAN), or at every
 * residual block too (GAN Studio's variant: the first instance norm removes constant input
 * planes, so input-only sliders fade as images grow).
 */
export const CONDITIONINGS = ['input', 'blocks'] as const;
export type Conditioning = (typeof CONDITIONINGS)[number];

// Each check's message leaves out the setting's name: the caller puts its own in front.
const got = (issue: { input?: unknown }): string => `, got ${String(issue.input)}`;
const whole = (min: number, max: number) =>
  z.number({ error: (i) => `must be a number${got(i)}` }).refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: (i) => `must be a whole number from ${min} to ${max}${got(i)}` });
const count = (min: number) => z.number({ error: (i) => `must be a number${got(i)}` }).refine((v) => Number.isInteger(v) && v >= min, { error: (i) => `must be a whole number, at least ${min}${got(i)}` });
const weight = z.number({ error: (i) => `must be a number${got(i)}` }).min(0, { error: (i) => `must be 0 or more${got(i)}` });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: (i) => `must be one of ${values.join(', ')}${got(i)}` });
const text = (max: number) => z.string({ error: (i) => `must be text${got(i)}` }).min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });
const yesNo = z.boolean({ error: (i) => `must be true or false${got(i)}` });

/**
 * Every setting of a run: its check (the one set of limits, for the CLI, the studio and the
 * engine alike), its label on the Fine-tune page and its `gan-studio train` flag (with the
 * flag's argument and help line), so each caller's errors name the setting the way its user
 * typed it.
 */
export const TRAIN_FIELDS = {
  mode: { label: 'Task', flag: '--mode', arg: '<mode>', help: 'what to train', schema: oneOf(TRAIN_MODES) },
  dataA: { label: 'Folder A', flag: '--a', arg: '<dir>', help: 'folder A: domain A (cyclegan), inputs or side-by-side AB images (pix2pix), photos (with --edges)', schema: text(4096) },
  dataB: { label: 'Folder B', flag: '--b', arg: '<dir>', help: 'folder B: domain B (cyclegan), or targets matched to A by file name (pix2pix, conditional: with attributes.csv)', schema: text(4096).optional() },
  edges: { label: 'Edges from photos', flag: '--edges', help: 'pix2pix: --a holds photos; the inputs are edge maps derived from them', schema: yesNo },
  /** The model's architecture wins over `arch`/`ngf`. */
  from: { label: 'Start from', flag: '--from', arg: '<model>', help: 'library model to start the generator (cyclegan: A to B) from', schema: text(4096).optional() },
  fromB: { label: 'Start from (B to A)', flag: '--from-b', arg: '<model>', help: 'cyclegan: library model to start the B to A generator from', schema: text(4096).optional() },
  arch: { label: 'Generator', flag: '--arch', arg: '<arch>', help: 'generator architecture when training from scratch', schema: oneOf(TRAIN_ARCHS) },
  ngf: { label: 'Generator width', flag: '--ngf', arg: '<n>', help: 'generator width (default 64)', schema: whole(1, 256) },
  ndf: { label: 'Discriminator width', flag: '--ndf', arg: '<n>', help: 'discriminator width (default 64)', schema: whole(1, 256) },
  dLayers: { label: 'Discriminator layers', flag: '--d-layers', arg: '<n>', help: 'PatchGAN layers (default 3: 70 x 70 patches)', schema: whole(1, 6) },
  norm: { label: 'Normalisation', flag: '--norm', arg: '<norm>', help: 'normalisation (default: instance; batch for pix2pix)', schema: oneOf(TRAIN_NORMS) },
  /** New generators only (a --from model keeps its own); absent: the reference's transposed convs. */
  upsample: { label: 'Upsampling', flag: '--upsample', arg: '<how>', help: 'generator upsampling: transposed convs (default, as the reference) or resize then conv (no checkerboard)', schema: oneOf(UPSAMPLINGS).optional() },
  /** New conditional generators only; absent: the reference's input planes. */
  conditioning: {
    label: 'Attributes read at',
    flag: '--conditioning',
    arg: '<where>',
    help: 'conditional: the generator reads the attributes at its input (default, as StarGAN) or at every residual block too (full strength on large images)',
    schema: oneOf(CONDITIONINGS).optional(),
  },
  iterations: { label: 'Iterations', flag: '--iterations', arg: '<n>', help: 'training iterations (default 2000)', schema: whole(1, 10_000_000) },
  size: { label: 'Crop size (px)', flag: '--size', arg: '<pixels>', help: 'crop size the networks train at (default 256)', schema: whole(16, 4096) },
  loadSize: { label: 'Load size (px)', flag: '--load-size', arg: '<pixels>', help: 'images are resized to this before the random crop (default size x 286/256)', schema: whole(16, 8192) },
  batch: { label: 'Batch size', flag: '--batch', arg: '<n>', help: 'batch size (default 1)', schema: whole(1, 64) },
  flip: { label: 'Random flips', flag: '--no-flip', help: 'no random horizontal flips', schema: yesNo },
  lr: {
    label: 'Learning rate',
    flag: '--lr',
    arg: '<rate>',
    help: 'Adam learning rate (default 0.0002)',
    schema: z.number({ error: (i) => `must be a number${got(i)}` }).refine((v) => v > 0 && v < 1, { error: (i) => `must be between 0 and 1${got(i)}` }),
  },
  lambdaCycle: { label: 'Cycle-consistency weight', schema: weight },
  lambdaIdentity: { label: 'Identity weight', schema: weight },
  lambdaL1: { label: 'L1 weight', schema: weight },
  seed: { label: 'Seed', flag: '--seed', arg: '<n>', help: 'random seed (default 1)', schema: whole(0, 2 ** 31) },
  /** CycleGAN's pool of earlier fakes the discriminators see (default 50, as the reference). */
  poolSize: { label: 'Fake-image pool size', schema: count(0).optional() },
  sampleEvery: { label: 'Sample every', flag: '--sample-every', arg: '<n>', help: 'write a sample grid every n iterations (default 100)', schema: whole(1, 10_000_000) },
  checkpointEvery: { label: 'Checkpoint every', flag: '--checkpoint-every', arg: '<n>', help: 'checkpoint every n iterations (default 200)', schema: whole(1, 10_000_000) },
  name: { label: 'Model name', flag: '--name', arg: '<name>', help: 'name of the exported model(s)', schema: text(80) },
  device: { label: 'Device', flag: '--device', schema: text(64) },
} as const;

export type TrainField = keyof typeof TRAIN_FIELDS;
type FieldSchemas = { [K in TrainField]: (typeof TRAIN_FIELDS)[K]['schema'] };

const fieldSchemas = Object.fromEntries(Object.entries(TRAIN_FIELDS).map(([key, field]) => [key, field.schema])) as FieldSchemas;
const fieldOk = (key: TrainField, value: unknown): boolean => fieldSchemas[key].safeParse(value).success;

export const trainSettingsSchema = z
  .object(fieldSchemas)
  .strict()
  .superRefine((s, ctx) => {
    // Checks between settings, made once each setting is valid on its own.
    if (fieldOk('size', s.size) && fieldOk('loadSize', s.loadSize) && s.loadSize < s.size) {
      ctx.addIssue({ code: 'custom', path: ['loadSize'], input: s.loadSize, message: `must be a whole number from ${s.size} to 8192, got ${s.loadSize}` });
    }
    if (s.edges === true && s.mode !== 'pix2pix') ctx.addIssue({ code: 'custom', path: ['edges'], message: 'only applies to pix2pix training (edge maps in, photos out)' });
    if (s.conditioning !== undefined && s.mode !== 'conditional') ctx.addIssue({ code: 'custom', path: ['conditioning'], message: 'only applies to conditional training (a generator that takes attributes)' });
  });

export type TrainSettings = z.infer<typeof trainSettingsSchema>;

/** Whose words an error uses: the Fine-tune page's labels, the command line's flags, or the settings' own keys (code). */
export type TrainSettingNames = 'label' | 'flag' | 'key';

/** A setting named the caller's way. */
export function trainSettingName(key: TrainField, names: TrainSettingNames): string {
  const field: { label: string; flag?: string } = TRAIN_FIELDS[key];
  return names === 'label' ? field.label : names === 'flag' ? (field.flag ?? key) : key;
}

/** The problems with some settings in one line, each naming its setting the caller's way. */
export function describeTrainSettingIssues(issues: readonly z.core.$ZodIssue[], names: TrainSettingNames): string {
  return issues
    .map((issue) => {
      const key = issue.path.at(-1);
      return typeof key === 'string' && key in TRAIN_FIELDS ? `${trainSettingName(key as TrainField, names)} ${issue.message}` : `settings: ${issue.message}`;
    })
    .join('; ');
}

/** Settings checked against the one set of limits; a refusal names each problem the caller's way. */
export function checkTrainSettings(value: unknown, names: TrainSettingNames): Result<TrainSettings> {
  const checked = trainSettingsSchema.safeParse(value);
  return checked.success ? { ok: true, data: checked.data } : { ok: false, error: { code: 'BAD_ARGUMENT', message: describeTrainSettingIssues(checked.error.issues, names) } };
}

export interface TrainDataSummary {
  /** Images (or pairs) per folder, by role ("A", "B", "pairs"). */
  counts: Record<string, number>;
  skipped: { path: string; reason: string }[];
  attributeNames: string[];
}

/**
 * A run's move to the CPU after a step failed on its device mid-run (device lost, out of device
 * memory, a kernel error): where, why, and the state it went on from. Kept in the run record,
 * told by a `train-fallback` event; `provider` and `reason` read as a provider fallback does
 * (providerLine: "cpu (webgpu failed at iteration 3: ...)").
 */
export interface TrainFallback {
  /** The provider that failed. */
  provider: string;
  reason: string;
  /** The provider the run went on with (the CPU). */
  to: string;
  /** The iteration whose step failed. */
  failedAt: number;
  /** The completed iterations the run went on from. */
  iteration: number;
  /** That state: read back from the device as the last good step left it, the last checkpoint, or the run's start (no checkpoint yet). */
  from: 'device' | 'checkpoint' | 'start';
  at: string;
}

/** The one line a user is told when a run moves to the CPU (CLI, studio notice). */
export function trainFallbackNotice(f: TrainFallback): string {
  const from = f.from === 'device' ? 'its state read back from the device' : f.from === 'checkpoint' ? 'its last checkpoint' : 'its start (no checkpoint yet)';
  return `${f.provider} failed at iteration ${f.failedAt} (${f.reason}); training goes on on the ${f.to === 'cpu' ? 'CPU' : f.to} from iteration ${f.iteration}, ${from}`;
}

/** A move to the CPU as a provider fallback reads (providerLine): "webgpu failed at iteration 3: device lost". */
export function fallbackAsProvider(f: TrainFallback): { provider: string; reason: string } {
  return { provider: f.provider, reason: `failed at iteration ${f.failedAt}: ${f.reason}` };
}

export type TrainEvent =
  | {
      type: 'train-started';
      runDir: string;
      provider: string;
      fallbacks: { provider: string; reason: string }[];
      /** Iterations already done (non-zero when resuming). */
      iteration: number;
      iterations: number;
      data: TrainDataSummary;
      resumed: boolean;
    }
  | {
      type: 'train-progress';
      iteration: number;
      iterations: number;
      epoch: number;
      losses: Record<string, number>;
      secondsPerIteration: number;
      etaSeconds: number;
      progress: number;
    }
  | {
      /** The run moved to the CPU mid-run (TrainFallback); progress goes on from `fallback.iteration`. */
      type: 'train-fallback';
      fallback: TrainFallback;
      /** The provider now training, and every provider passed over so far (start and mid-run). */
      provider: string;
      fallbacks: { provider: string; reason: string }[];
      iterations: number;
    }
  | { type: 'train-sample'; iteration: number; path: string }
  | { type: 'train-checkpoint'; iteration: number; path: string }
  | { type: 'train-finished'; iteration: number; status: 'completed' | 'paused'; seconds: number };
