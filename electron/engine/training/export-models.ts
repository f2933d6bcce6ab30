import { readFile } from 'node:fs/promises';
import type { AttributeSpec, ModelEntry, ModelKind } from '../../contract/models.js';
import { emitOnnx } from '../graph/onnx-emitter.js';
import type { ModelLibrary } from '../library/model-library.js';
import { freeId, slugify } from '../library/model-importer.js';
import { discriminatorFamily, familyOf } from '../nets/index.js';
import { latestSample } from './runs-service.js';
import type { TrainingRun } from './training-run.js';

function card(run: TrainingRun, title: string, direction: string, arch: string, hasSample: boolean): string {
  const s = run.settings;
  const d = run.mode.discriminatorArch();
  const counts = Object.entries(run.record.data.counts)
    .map(([k, v]) => `${v} ${k === 'pairs' ? 'pairs' : `images in ${k}`}`)
    .join(', ');
  const origins = run.generators.map((g) => `${g.id} from ${g.origin === 'scratch' ? 'scratch (random init)' : `library model "${g.origin}"`}`).join('; ');
  const lines = [
    `# ${title}`,
    '',
    `Fine-tuned by GAN Studio (${s.mode}), ${direction}.`,
    '',
    '## Training',
    `- Data: ${s.dataA}${s.dataB === undefined ? '' : ` and ${s.dataB}`}${s.edges ? ' (edge maps derived from the photos)' : ''}: ${counts}`,
    `- Skipped files: ${run.record.data.skipped.length}`,
    `- Start: ${origins}`,
    `- Network: ${arch}; ${discriminatorFamily(d).describe(d)}`,
    `- ${run.completedIterations} iterations, batch ${s.batch}, crop ${s.size} from ${s.loadSize}${s.flip ? ', flips' : ''}, Adam lr ${s.lr} (linear decay over the second half), seed ${s.seed}`,
    `- Losses: ${run.mode.describeLosses()}`,
    `- Run folder: ${run.dir}`,
    '',
    '## Limits',
    '- Trained without dropout. Expect results like the training images; more data and iterations give better ones.',
  ];
  if (hasSample) lines.push('', '## Last training sample', '', '![sample](sample.png)');
  return `${lines.join('\n')}\n`;
}

/**
 * Exports a run's generator(s) to the library: pix2pix and conditional runs give one model;
 * CycleGAN runs give both directions, each naming the other as its reverse. Returns the entries.
 */
export async function exportRunModels(run: TrainingRun, library: ModelLibrary, name = run.settings.name): Promise<ModelEntry[]> {
  const s = run.settings;
  const samplePath = await latestSample(run.dir);
  const sample = samplePath === null ? null : await readFile(samplePath);
  const files = (body: string): Record<string, string | Uint8Array> => (sample === null ? { 'card.md': body } : { 'card.md': body, 'sample.png': sample });
  const base = slugify(name);
  const kind: ModelKind = s.mode;
  const targets: { net: string; id: string; title: string; direction: string }[] = [];
  for (const g of run.mode.generators) {
    const id = await freeId(library, `${base}${g.exportSuffix?.id ?? ''}`);
    targets.push({ net: g.id, id, title: `${name}${g.exportSuffix?.title ?? ''}`, direction: g.direction });
  }
  const attributes: AttributeSpec[] = run.record.data.attributeNames.map((n) => ({ name: n, min: 0, max: 1, default: 0 }));
  const entries: ModelEntry[] = [];
  for (const [k, target] of targets.entries()) {
    const net = run.generators.find((g) => g.id === target.net);
    if (net?.arch === undefined) throw new Error(`run has no generator ${target.net}`);
    const arch = net.arch;
    const family = familyOf(arch);
    const described = family.describe(arch);
    const onnx = emitOnnx(family.build(arch), run.weights(target.net), { metadata: { architecture: described, source_run: run.dir } });
    const reverse = targets[1 - k];
    const body = card(run, target.title, target.direction, described, sample !== null);
    entries.push(
      await library.install(
        onnx,
        {
          schemaVersion: 1,
          id: target.id,
          name: target.title,
          kind,
          description: `Fine-tuned (${s.mode}, ${target.direction}) on ${s.dataA}${s.dataB === undefined ? '' : ` / ${s.dataB}`}`,
          inputChannels: 3,
          outputChannels: 3,
          sizeMultiple: family.sizeMultiple(arch),
          preferredSize: s.size,
          attributes,
          architecture: described,
          network: arch,
          source: `GAN Studio training run ${run.dir}`,
          licence: 'yours: trained on your own data',
          card: 'card.md',
          ...(reverse === undefined ? {} : { reverse: reverse.id }),
        },
        files(body),
      ),
    );
  }
  await run.noteExports(entries.map((e) => e.manifest.id));
  return entries;
}
