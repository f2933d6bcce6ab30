import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../../checkpoints/index.js';
import { float16Variant } from '../../graph/float16-variant.js';
import { emitOnnx } from '../../graph/onnx-emitter.js';
import { randomWeights } from '../../graph/weights.js';
import { buildGenerator } from '../../nets/index.js';
import { SessionManager } from '../../runtime/index.js';
import { ModelLibrary } from '../model-library.js';
import { importModelFile } from '../model-importer.js';

const { onnx } = onnxProto;
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

let root: string;
let library: ModelLibrary;
const sessions = new SessionManager();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gs-import-checks-'));
  library = new ModelLibrary({ home: join(root, 'home'), bundledDir: join(root, 'none') });
});
afterAll(async () => {
  await sessions.dispose();
  await rm(root, { recursive: true, force: true });
});

async function installedIds(): Promise<string[]> {
  return (await library.list()).models.map((m) => m.manifest.id);
}

/** The fixture checkpoint with one value of its first storage replaced; returns the file and the tensor hit. */
async function poisonedCheckpoint(value: number, file: string): Promise<{ path: string; tensor: string }> {
  const members = unzipSync(new Uint8Array(await readFile(join(FIXTURES, 'resnet6_instance.pth'))));
  const key = Object.keys(members).find((n) => /\/data\/0$/.test(n)) as string;
  const data = (members[key] as Uint8Array).slice();
  new DataView(data.buffer).setFloat32(8, value, true);
  members[key] = data;
  const bytes = zipSync(Object.fromEntries(Object.entries(members).map(([n, d]) => [n, [d, { level: 0 }]])));
  const sd = parseCheckpoint(bytes, file);
  const tensor = [...sd.tensors].find(([, t]) => t.data.some((v) => !Number.isFinite(v)))?.[0] as string;
  const path = join(root, file);
  await writeFile(path, bytes);
  return { path, tensor };
}

function tinyModel(): onnxProto.onnx.ModelProto {
  const graph = buildGenerator({ family: 'resnet', ngf: 2, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
  return onnx.ModelProto.decode(emitOnnx(graph, randomWeights(graph)));
}

async function writeModel(folder: string, name: string, model: onnxProto.onnx.ModelProto): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, onnx.ModelProto.encode(model).finish());
  return path;
}

/** Moves the model's largest initializer out to `location` (relative to the model), returning its name. */
function externalise(model: onnxProto.onnx.ModelProto, location: string): { name: string; data: Uint8Array } {
  const t = [...(model.graph?.initializer ?? [])].sort((a, b) => (b.rawData?.length ?? 0) - (a.rawData?.length ?? 0))[0] as onnxProto.onnx.TensorProto;
  const data = t.rawData;
  t.rawData = new Uint8Array(0);
  t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  t.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: '0' },
    { key: 'length', value: String(data.length) },
  ];
  return { name: t.name, data };
}

describe('import refuses weights that are not finite', () => {
  for (const [value, label] of [
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ] as const) {
    it(`a checkpoint with a ${label} weight, naming the tensor; nothing installed`, async () => {
      const { path, tensor } = await poisonedCheckpoint(value, `poisoned-${label}.pth`);
      expect(tensor).toBeDefined();
      const before = await installedIds();
      const err = importModelFile(library, path);
      await expect(err).rejects.toMatchObject({ code: 'BAD_MODEL' });
      await expect(err).rejects.toThrow(new RegExp(`poisoned-${label}\\.pth: tensor ${tensor.replace(/\./g, '\\.')} has 1 of \\d+ values that are not finite \\(the first, at index 2, is ${label}\\)`));
      expect(await installedIds()).toEqual(before);
    });
  }

  it('an ONNX model with a NaN initializer, naming it', async () => {
    const model = tinyModel();
    const t = model.graph?.initializer?.[0] as onnxProto.onnx.TensorProto;
    new DataView(t.rawData.buffer, t.rawData.byteOffset).setFloat32(0, NaN, true);
    const path = await writeModel(join(root, 'nan'), 'nan.onnx', model);
    await expect(importModelFile(library, path)).rejects.toThrow(new RegExp(`nan\\.onnx: tensor "${t.name}" has 1 of`));
  });

  it('a float16 ONNX model: each tensor is checked on its own halves, so finite weights pass and a NaN one is named', async () => {
    const half = (): onnxProto.onnx.ModelProto => onnx.ModelProto.decode(float16Variant(onnx.ModelProto.encode(tinyModel()).finish()));
    const clean = await writeModel(join(root, 'half'), 'half.onnx', half());
    expect((await importModelFile(library, clean)).entry.manifest.id).toBe('half');
    const poisoned = half();
    const t = poisoned.graph?.initializer?.find((i) => i.dataType === onnx.TensorProto.DataType.FLOAT16) as onnxProto.onnx.TensorProto;
    new DataView(t.rawData.buffer, t.rawData.byteOffset).setUint16(2, 0x7e00, true);
    const path = await writeModel(join(root, 'half-nan'), 'half-nan.onnx', poisoned);
    await expect(importModelFile(library, path)).rejects.toThrow(new RegExp(`half-nan\\.onnx: tensor "${t.name}" has 1 of \\d+ values that are not finite \\(the first, at index 1, is NaN\\)`));
  });
});

describe('ONNX imports are checked before they are installed', () => {
  it('inlines external data kept inside the model folder; the installed model runs without it', async () => {
    const folder = join(root, 'ext-ok');
    const model = tinyModel();
    const { data } = externalise(model, 'weights/w.bin');
    await mkdir(join(folder, 'weights'), { recursive: true });
    await writeFile(join(folder, 'weights', 'w.bin'), data);
    const path = await writeModel(folder, 'ext-ok.onnx', model);
    const { entry, notes } = await importModelFile(library, path);
    expect(notes.join('\n')).toMatch(/external data of 1 tensor copied into the installed model/);
    expect(notes.join('\n')).toMatch(/trial run on a 64 x 64 image: ok/);
    expect(await readdir(entry.dir)).not.toContain('weights');
    await rm(folder, { recursive: true });
    const result = await sessions.run(entry.onnxPath, 'cpu', { input: { data: new Float32Array(3 * 16 * 16), dims: [1, 3, 16, 16] } });
    expect(result.dims).toEqual([1, 3, 16, 16]);
  });

  it('refuses external data outside the model folder: ../, absolute, and through a link', async () => {
    const secret = join(root, 'secret.bin');
    const cases: [string, RegExp][] = [
      ['../secret.bin', /outside the model's folder/],
      [secret, /must be a relative path inside the model's folder/],
      ['link.bin', /a link that leads outside the model's folder/],
    ];
    for (const [i, [location, why]] of cases.entries()) {
      const folder = join(root, `ext-bad-${i}`);
      const model = tinyModel();
      const { name, data } = externalise(model, location);
      await writeFile(secret, data);
      await mkdir(folder, { recursive: true });
      await symlink(secret, join(folder, 'link.bin'));
      const path = await writeModel(folder, 'bad.onnx', model);
      const before = await installedIds();
      await expect(importModelFile(library, path)).rejects.toThrow(new RegExp(`bad\\.onnx: tensor "${name}" keeps its data (at|in) .*${why.source}`));
      expect(await installedIds()).toEqual(before);
    }
  });

  it('refuses an initializer whose declared shape the file does not hold', async () => {
    const model = tinyModel();
    const t = model.graph?.initializer?.[0] as onnxProto.onnx.TensorProto;
    t.dims = [1000, 1000];
    const lying = await writeModel(join(root, 'huge'), 'lying.onnx', model);
    await expect(importModelFile(library, lying)).rejects.toThrow(new RegExp(`lying\\.onnx: tensor "${t.name}" declares shape \\[1000, 1000\\] \\(1000000 values\\), but the file holds \\d+`));
    t.dims = [100000, 100000, 100000];
    const huge = await writeModel(join(root, 'huge'), 'huge.onnx', model);
    await expect(importModelFile(library, huge)).rejects.toThrow(new RegExp(`huge\\.onnx: tensor "${t.name}" declares shape \\[100000, 100000, 100000\\], far larger than any model file`));
  });

  it('refuses an operator onnxruntime does not implement, by name, before installing', async () => {
    const model = tinyModel();
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const out = graph.output[0] as onnxProto.onnx.ValueInfoProto;
    const last = graph.node.find((n) => n.output?.includes(out.name) === true) as onnxProto.onnx.NodeProto;
    last.output = ['pre'];
    graph.node.push(onnx.NodeProto.create({ opType: 'Frobnicate', input: ['pre'], output: [out.name] }));
    const unknown = await writeModel(join(root, 'op'), 'unknown-op.onnx', model);
    const before = await installedIds();
    await expect(importModelFile(library, unknown)).rejects.toThrow(/unknown-op\.onnx: onnxruntime cannot open the model: operator Frobnicate \(opset 17\) has no implementation in onnxruntime's CPU provider/);
    (graph.node.at(-1) as onnxProto.onnx.NodeProto).domain = 'com.example';
    model.opsetImport.push({ domain: 'com.example', version: 1 });
    const custom = await writeModel(join(root, 'op'), 'custom-op.onnx', model);
    await expect(importModelFile(library, custom)).rejects.toThrow(/custom-op\.onnx: operator "Frobnicate" is from domain "com\.example", a custom operator onnxruntime does not implement/);
    expect(await installedIds()).toEqual(before);
  });
});
