/**
 * Seeded mutation of the files a user opens (PyTorch checkpoints, ONNX models), each imported
 * by a child process under a memory ceiling (see run.ts for the interface). Counted:
 * - crashes: the child exited, or an import threw anything but a StudioError (or the
 *   reader's "internal reader error" safety net);
 * - hangs: no answer within the deadline;
 * - escapes: the child's peak memory passed the ceiling, or an installed model holds the
 *   sentinel bytes of a file outside the model's folder (external data that got out).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import { emitOnnx } from '../electron/engine/graph/onnx-emitter.js';
import { randomWeights } from '../electron/engine/graph/weights.js';
import { buildGenerator } from '../electron/engine/nets/index.js';
import { FuzzRng, type FuzzFigures, type FuzzOptions } from './figures.js';
import type { ChildAnswer, ChildRequest } from './file-fuzz-child.js';

const { onnx } = onnxProto;
const CHECKPOINTS = fileURLToPath(new URL('../electron/engine/checkpoints/__tests__/fixtures/', import.meta.url));
const CHILD = fileURLToPath(new URL('./file-fuzz-child.ts', import.meta.url));

/** Peak resident memory the importing process may reach (a 3 GiB zip bomb takes 114 MB). */
export const MEMORY_CEILING_MB = 600;
/** One import of these small files takes well under a second; this is a hang. */
const DEADLINE_MS = 30_000;
/** Bytes in a file outside every model folder that an import must never copy in. */
const SENTINEL = Buffer.from('GAN-STUDIO-FUZZ-SENTINEL-OUTSIDE-THE-MODEL-FOLDER');

const SEED_CHECKPOINTS = ['resnet6_instance', 'resnet1_f16', 'views', 'wrapped_state_dict', 'stargan', 'resnet6_instance_legacy', 'views_legacy', 'py2_era_legacy'];

interface Seed {
  name: string;
  ext: '.pth' | '.onnx';
  bytes: Uint8Array;
}

async function seeds(): Promise<Seed[]> {
  const out: Seed[] = [];
  for (const name of SEED_CHECKPOINTS) out.push({ name, ext: '.pth', bytes: new Uint8Array(await readFile(join(CHECKPOINTS, `${name}.pth`))) });
  const resnet = buildGenerator({ family: 'resnet', ngf: 2, nBlocks: 1, norm: 'instance', dropout: false, inputChannels: 3, outputChannels: 3 });
  out.push({ name: 'resnet-onnx', ext: '.onnx', bytes: emitOnnx(resnet, randomWeights(resnet, 3)) });
  const stargan = buildGenerator({ family: 'stargan', convDim: 2, cDim: 2, repeatNum: 1 });
  out.push({ name: 'stargan-onnx', ext: '.onnx', bytes: emitOnnx(stargan, randomWeights(stargan, 4)) });
  return out;
}

/** Byte-level mutations any file gets: flips, overwrites with interesting values, cuts, splices, repeats. */
function mutateBytes(rng: FuzzRng, input: Uint8Array): Uint8Array {
  let bytes = Buffer.from(input);
  const steps = 1 + rng.int(4);
  for (let s = 0; s < steps && bytes.length > 0; s++) {
    const at = rng.int(bytes.length);
    switch (rng.int(6)) {
      case 0:
        bytes[at] = (bytes[at] as number) ^ (1 << rng.int(8));
        break;
      case 1: {
        const v = rng.pick([0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe]);
        for (let k = 0; k < 1 + rng.int(8) && at + k < bytes.length; k++) bytes[at + k] = v;
        break;
      }
      case 2:
        if (at + 4 <= bytes.length) bytes.writeUInt32LE(rng.pick([0xffffffff, 0x7fffffff, 0x40000000, 0, 1]), at);
        break;
      case 3:
        bytes = bytes.subarray(0, at);
        break;
      case 4:
        bytes = Buffer.concat([bytes.subarray(0, at), rng.bytes(1 + rng.int(64)), bytes.subarray(at)]);
        break;
      default: {
        const len = Math.min(bytes.length - at, 1 + rng.int(4096));
        bytes = Buffer.concat([bytes.subarray(0, at + len), bytes.subarray(at, at + len), bytes.subarray(at + len)]);
      }
    }
  }
  return bytes;
}

/** Zip-aware mutations of a zip checkpoint: a member's bytes changed, dropped, swapped or joined by a deflated giant. */
function mutateZip(rng: FuzzRng, input: Uint8Array): Uint8Array {
  const members: Record<string, Uint8Array> = unzipSync(input);
  const names = Object.keys(members);
  const name = rng.pick(names);
  const prefix = (names[0] ?? 'archive/').split('/')[0] as string;
  switch (rng.int(4)) {
    case 0:
      members[name] = mutateBytes(rng, members[name] as Uint8Array);
      break;
    case 1:
      delete members[name];
      break;
    case 2: {
      const other = rng.pick(names);
      [members[name], members[other]] = [members[other] as Uint8Array, members[name] as Uint8Array];
      break;
    }
    default:
      // 16 MiB of zeros (deflated to about 16 KB, or stored) among the storages, named like one or not.
      members[`${prefix}/data/${rng.pick(['0', '1', '999', 'unused'])}`] = new Uint8Array(16 * 2 ** 20);
  }
  const level = rng.chance(0.5) ? 0 : 6;
  return zipSync(Object.fromEntries(Object.entries(members).map(([n, d]) => [n, [d, { level }]])) as Parameters<typeof zipSync>[0]);
}

/** Structure-aware mutations of an ONNX model: shapes, types, external data, operators, domains. */
function mutateOnnx(rng: FuzzRng, input: Uint8Array, outside: string): Uint8Array {
  const model = onnx.ModelProto.decode(input);
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const tensor = rng.pick(graph.initializer);
  const node = rng.pick(graph.node);
  switch (rng.int(7)) {
    case 0:
      tensor.dims = (tensor.dims ?? []).map(() => rng.pick([0, 1, 3, 1000, 100000, -1, 2 ** 40]));
      break;
    case 1:
      tensor.dataType = rng.int(20);
      break;
    case 2: {
      // External data: outside the folder (the sentinel), absolute, missing, or a short range.
      const location = rng.pick([outside, `../${outside.split('/').pop() ?? ''}`, '../../../../etc/hostname', 'missing.bin', '', 'model.onnx']);
      tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: location },
        { key: 'offset', value: String(rng.pick([0, 4, -8, 2 ** 53])) },
        ...(rng.chance(0.5) ? [{ key: 'length', value: String(tensor.rawData?.length ?? 0) }] : []),
      ];
      tensor.rawData = new Uint8Array(0);
      break;
    }
    case 3:
      node.opType = rng.pick(['Frobnicate', 'Conv', 'Loop', 'If', '', 'Pad', 'Resize', 'MatMul']);
      break;
    case 4:
      node.domain = rng.pick(['com.example', 'ai.onnx.ml', 'com.microsoft', 'ai.onnx', '\u202e']);
      break;
    case 5: {
      const f = new Float32Array(new Uint8Array(tensor.rawData ?? new Uint8Array(0)).buffer);
      if (f.length > 0) f[rng.int(f.length)] = rng.pick([NaN, Infinity, -Infinity, 3e38]);
      tensor.rawData = new Uint8Array(f.buffer);
      break;
    }
    default:
      node.input = (node.input ?? []).map((i) => (rng.chance(0.3) ? rng.pick(['', 'nope', graph.output[0]?.name ?? 'x']) : i));
  }
  const bytes = onnx.ModelProto.encode(model).finish();
  return rng.chance(0.2) ? mutateBytes(rng, bytes) : bytes;
}

class Child {
  private process: ChildProcess | undefined;
  private waiting: ((answer: ChildAnswer | 'exited') => void) | undefined;

  private start(): ChildProcess {
    const child = fork(CHILD, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.on('message', (m) => this.waiting?.(m as ChildAnswer));
    child.on('exit', () => {
      // A child stopped on purpose (stop) is no longer this.process: its exit is no finding.
      if (this.process !== child) return;
      this.process = undefined;
      this.waiting?.('exited');
    });
    this.process = child;
    return child;
  }

  /** The answer, 'exited' when the child died, 'hang' past the deadline (the child is killed). */
  async ask(request: ChildRequest): Promise<ChildAnswer | 'exited' | 'hang'> {
    const child = this.process ?? this.start();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.stop();
        resolve('hang');
      }, DEADLINE_MS);
      this.waiting = (answer) => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(answer);
      };
      child.send(request);
    });
  }

  /** Kills the child (a fresh one starts with the next request: its peak memory starts over). */
  stop(): void {
    const child = this.process;
    this.process = undefined;
    child?.kill('SIGKILL');
  }
}

export async function run({ seed, iterations }: FuzzOptions): Promise<FuzzFigures> {
  const rng = new FuzzRng(seed);
  const work = await mkdtemp(join(tmpdir(), 'gs-file-fuzz-'));
  const outside = join(work, 'outside-sentinel.bin');
  await writeFile(outside, Buffer.concat(Array.from({ length: 4096 }, () => SENTINEL)));
  const corpus = await seeds();
  const figures: FuzzFigures & { notes: string[] } = { tried: 0, crashes: 0, hangs: 0, escapes: 0, notes: [] };
  const outcomes = { installed: 0, refused: 0 };
  let highestPeakMB = 0;
  const note = (text: string): void => {
    if (figures.notes.length < 8) figures.notes.push(text.split('\n').slice(0, 3).join(' | ').slice(0, 400));
  };
  const child = new Child();
  try {
    for (let i = 0; i < iterations; i++) {
      const base = rng.pick(corpus);
      const kind = rng.int(3);
      let bytes: Uint8Array;
      try {
        bytes = base.ext === '.onnx' && kind > 0 ? mutateOnnx(rng, base.bytes, outside) : base.bytes[0] === 0x50 && kind > 0 ? mutateZip(rng, base.bytes) : mutateBytes(rng, base.bytes);
      } catch {
        bytes = mutateBytes(rng, base.bytes);
      }
      const folder = join(work, `case-${i}`);
      await mkdir(folder);
      const path = join(folder, `${base.name}${base.ext}`);
      await writeFile(path, bytes);
      const home = join(work, `home-${i}`);
      figures.tried++;
      const answer = await child.ask({ id: i, path, home });
      const replay = `seed ${seed} case ${i} (${base.name}${base.ext}, ${bytes.length} bytes)`;
      if (answer === 'hang') {
        figures.hangs++;
        note(`hang: ${replay}`);
      } else if (answer === 'exited') {
        figures.crashes++;
        note(`child exited: ${replay}`);
      } else {
        if (answer.outcome !== 'unexpected') outcomes[answer.outcome]++;
        highestPeakMB = Math.max(highestPeakMB, answer.peakRssMB);
        if (answer.outcome === 'unexpected') {
          figures.crashes++;
          note(`unexpected error: ${replay}: ${answer.message}`);
        }
        if (answer.peakRssMB > MEMORY_CEILING_MB) {
          figures.escapes++;
          note(`memory ceiling passed (${Math.round(answer.peakRssMB)} MB): ${replay}`);
          child.stop();
        }
        if (answer.installed !== undefined && (await readFile(answer.installed)).includes(SENTINEL)) {
          figures.escapes++;
          note(`installed model holds data from outside its folder: ${replay}`);
        }
      }
      await rm(folder, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    }
  } finally {
    child.stop();
    await rm(work, { recursive: true, force: true });
  }
  figures.notes.push(`outcomes: ${outcomes.installed} imported, ${outcomes.refused} refused with a reason; highest peak memory of an import process ${Math.round(highestPeakMB)} MB (ceiling ${MEMORY_CEILING_MB} MB)`);
  return figures;
}

