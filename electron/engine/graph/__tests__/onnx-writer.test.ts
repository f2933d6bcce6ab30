import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../library/paths.js';
import { buildGenerator } from '../../nets/index.js';
import { emitOnnx } from '../onnx-emitter.js';
import { weightsFromOnnx } from '../onnx-weights.js';

/**
 * The bundled starters were written by the engine's own emitter: emitting their network again
 * from their weights, metadata and producer version gives the same file byte for byte. A
 * change to the op table or the writer that would alter any inference model shows here.
 */
describe('the ONNX writer', () => {
  it('writes every bundled model byte for byte as it ships', async () => {
    const models = join(packageRoot(), 'models');
    const ids = (await readdir(models, { withFileTypes: true })).filter((d) => d.isDirectory() && d.name !== 'recipes').map((d) => d.name);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const manifest = JSON.parse(await readFile(join(models, id, 'manifest.json'), 'utf8')) as { network?: Parameters<typeof buildGenerator>[0] };
      if (manifest.network === undefined) continue;
      const bytes = new Uint8Array(await readFile(join(models, id, 'model.onnx')));
      const model = onnxProto.onnx.ModelProto.decode(bytes);
      const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
      const again = emitOnnx(buildGenerator(manifest.network), weightsFromOnnx(bytes), { metadata, producerVersion: model.producerVersion ?? '0' });
      expect(Buffer.compare(Buffer.from(again), Buffer.from(bytes)), `${id}/model.onnx`).toBe(0);
    }
  });
});
