import { basename, extname } from 'node:path';
import sharp from 'sharp';
import type { OutputFormat, TranslateJobSpec } from '../../contract/jobs.js';
import { StudioError } from '../errors.js';
import { decodeImage, encodeImage, extensionFor, listImageFiles, outputFormatFor } from '../imaging/index.js';
import { deviceChoice } from '../runtime/index.js';
import { OutputWriter } from './output-writer.js';
import { openPipeline, type TranslatedImage } from './pipeline.js';
import type { TranslateJobContext } from './translate-job.js';

/** One attribute moved from `from` to `to` in `steps` equal steps (both ends included). */
export interface SweepSpec {
  name: string;
  from: number;
  to: number;
  steps: number;
}

/** A translate job's options (`attributes`: the other attributes, held fixed) plus the sweep. */
export type SweepJobSpec = Pick<TranslateJobSpec, 'inputs' | 'model' | 'outDir' | 'format' | 'quality' | 'shorterSide' | 'attributes' | 'device' | 'overwrite'> & {
  sweep: SweepSpec;
};

export interface SweepProgress {
  input: string;
  step: number;
  steps: number;
  value: number;
  output?: string;
  error?: string;
}

/** Parses `NAME=FROM:TO:STEPS`, e.g. `time_of_day=0:1:5`. */
export function parseSweep(text: string): SweepSpec {
  const match = /^([A-Za-z][A-Za-z0-9_-]*)=([^:]+):([^:]+):(\d+)$/.exec(text.trim());
  const from = Number(match?.[2]);
  const to = Number(match?.[3]);
  const steps = Number(match?.[4]);
  if (match === null || !Number.isFinite(from) || !Number.isFinite(to) || !(steps >= 2 && steps <= 100)) {
    throw new StudioError('BAD_ARGUMENT', `"${text}" is not NAME=FROM:TO:STEPS with 2 to 100 steps (for example time_of_day=0:1:5)`);
  }
  return { name: match[1] ?? '', from, to, steps };
}

export const sweepValues = (s: SweepSpec): number[] => Array.from({ length: s.steps }, (_, k) => s.from + ((s.to - s.from) * k) / (s.steps - 1));

/**
 * Translates each input once per value of the swept attribute: `<name>-<attr>-<k>.<ext>` for
 * each step, and a contact sheet `<name>-<attr>-sweep.png` with the steps side by side.
 */
export async function runSweepJob(
  spec: SweepJobSpec,
  ctx: TranslateJobContext,
  onProgress: (p: SweepProgress) => void,
  signal?: AbortSignal,
): Promise<{ written: string[]; failed: number; cancelled: boolean }> {
  const pipeline = await openPipeline(ctx, spec.model, deviceChoice(spec.device));
  const model = pipeline.entry;
  const attr = model.manifest.attributes.find((a) => a.name === spec.sweep.name);
  if (attr === undefined) {
    const known = model.manifest.attributes.map((a) => a.name);
    throw new StudioError('BAD_ARGUMENT', `${model.manifest.id} has no attribute "${spec.sweep.name}"${known.length === 0 ? ' (it takes none)' : ` (it has ${known.join(', ')})`}`);
  }
  if (spec.attributes !== undefined && spec.sweep.name in spec.attributes) {
    throw new StudioError('BAD_ARGUMENT', `${spec.sweep.name} is both swept and set; leave out --set ${spec.sweep.name}=...`);
  }
  const values = sweepValues(spec.sweep);
  pipeline.validate({ attributes: { ...spec.attributes, [spec.sweep.name]: values[0] ?? 0 } });
  const { files, errors } = await listImageFiles(spec.inputs, { skipFolders: [spec.outDir] });
  const writer = new OutputWriter(spec.outDir, files, spec.overwrite ?? false);
  await writer.prepare(spec.inputs);
  const written: string[] = [];
  let failed = errors.length;
  for (const e of errors) onProgress({ input: e.path, step: 0, steps: values.length, value: values[0] ?? 0, error: e.message });
  for (const input of files) {
    if (signal?.aborted === true) return { written, failed, cancelled: true };
    const stem = `${basename(input, extname(input))}-${spec.sweep.name}`;
    try {
      const image = await decodeImage(input, spec.shorterSide === undefined ? {} : { shorterSide: spec.shorterSide });
      const format: OutputFormat = spec.format === 'auto' ? outputFormatFor(image.format) : spec.format;
      const frames: TranslatedImage[] = [];
      for (const [k, value] of values.entries()) {
        const result = await pipeline.translate(image, { attributes: { ...spec.attributes, [spec.sweep.name]: value } });
        frames.push(result);
        const bytes = await encodeImage(result, spec.quality === undefined ? { format } : { format, quality: spec.quality });
        const out = await writer.writeNamed(`${stem}-${k + 1}`, extensionFor(format), bytes, input);
        written.push(out.path);
        onProgress({ input, step: k + 1, steps: values.length, value, output: out.path });
      }
      const sheet = await writer.writeNamed(`${stem}-sweep`, 'png', await contactSheet(frames), input);
      written.push(sheet.path);
    } catch (err) {
      failed += 1;
      onProgress({ input, step: 0, steps: values.length, value: values[0] ?? 0, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { written, failed, cancelled: false };
}

/** The steps side by side, 8 px apart on mid grey, as one PNG. */
async function contactSheet(frames: readonly TranslatedImage[]): Promise<Uint8Array> {
  const gap = 8;
  const height = Math.max(...frames.map((f) => f.height));
  const width = frames.reduce((w, f) => w + f.width, 0) + gap * (frames.length + 1);
  let left = gap;
  const layers = await Promise.all(
    frames.map(async (f) => {
      const layer = { input: await sharp(Buffer.from(f.rgb), { raw: { width: f.width, height: f.height, channels: 3 } }).png().toBuffer(), left, top: gap };
      left += f.width + gap;
      return layer;
    }),
  );
  return sharp({ create: { width, height: height + 2 * gap, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite(layers)
    .png()
    .toBuffer();
}
