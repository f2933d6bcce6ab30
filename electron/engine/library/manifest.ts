import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MODEL_ID_PATTERN, attributeName } from '../../contract/ids.js';
import { MODEL_KINDS, type ModelManifest } from '../../contract/models.js';
import { StudioError, orSystemError } from '../errors.js';
import { networkSchema } from '../nets/index.js';

const attributeSchema = z
  .object({
    name: attributeName,
    label: z.string().min(1).optional(),
    min: z.number().finite(),
    max: z.number().finite(),
    default: z.number().finite(),
  })
  .refine((a) => a.min < a.max, { message: 'min must be below max' })
  .refine((a) => a.default >= a.min && a.default <= a.max, { message: 'default must lie within min..max' });

export { MODEL_ID_PATTERN };

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: z.string().regex(MODEL_ID_PATTERN, 'lower-case letters, digits, ".", "_" and "-", at most 64'),
    name: z.string().min(1),
    kind: z.enum(MODEL_KINDS),
    description: z.string(),
    inputChannels: z.number().int().min(1).max(64),
    outputChannels: z.number().int().min(1).max(4),
    sizeMultiple: z.number().int().min(1).max(1024),
    preferredSize: z.number().int().min(8).max(8192),
    attributes: z.array(attributeSchema),
    architecture: z.string().optional(),
    network: networkSchema.optional(),
    source: z.string(),
    licence: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    card: z.string().regex(/^[^/\\]+$/, 'a file name beside the manifest').optional(),
    reverse: z.string().regex(MODEL_ID_PATTERN).optional(),
    io: z.object({ image: z.string().min(1), condition: z.string().min(1).optional() }).strict().optional(),
    fixedSize: z.object({ width: z.number().int().min(1).max(16384), height: z.number().int().min(1).max(16384) }).strict().optional(),
    pixelRange: z.enum(['-1..1', '0..1']).optional(),
    preprocess: z.object({ crop: z.literal('centre-square'), size: z.number().int().min(8).max(8192) }).strict().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === 'conditional' && m.attributes.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'a conditional model needs at least one attribute' });
    }
    if (m.kind !== 'conditional' && m.attributes.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['attributes'], message: `a ${m.kind} model takes no attributes` });
    }
    const names = new Set<string>();
    for (const a of m.attributes) {
      if (names.has(a.name)) ctx.addIssue({ code: 'custom', path: ['attributes'], message: `attribute ${a.name} appears twice` });
      names.add(a.name);
    }
  });

/** Validates parsed JSON; the error lists every problem with its field path. */
export function parseManifest(value: unknown, label: string): ModelManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`);
    throw new StudioError('BAD_MANIFEST', `${label}: invalid manifest (${problems.join('; ')})`);
  }
  return parsed.data as ModelManifest;
}

export async function readManifest(path: string): Promise<ModelManifest> {
  const text = await orSystemError(readFile(path, 'utf8'), (cause) => `${path}: cannot read manifest (${cause})`, 'BAD_MANIFEST');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StudioError('BAD_MANIFEST', `${path}: manifest is not valid JSON (${(err as Error).message})`);
  }
  return parseManifest(json, path);
}
