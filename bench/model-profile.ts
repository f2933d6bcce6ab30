/**
 * Where a model's time goes on the CPU provider, node by node, from onnxruntime's own profiler:
 *
 *   node dist/bench/model-profile.js MODEL [SIDE=256] [THREADS=1] [RUNS=8]
 *
 * MODEL is a library id (the bundled ones included) or a model path. One session with the
 * engine's session options (graph optimisation 'all', so the NCHWc layout and fused
 * activations the engine really runs), random input of SIDE x SIDE (and every attribute at the
 * middle of its range for conditional models), RUNS timed runs after one warm-up. Prints the median
 * kernel time per operator type and the nodes above 2 % of a run: the profile behind the
 * preview and strip figures in docs/BENCHMARKS.md.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLibrary } from '../electron/engine/library/index.js';
import { createBareRunner, type TensorInput } from '../electron/engine/runtime/index.js';
import { median } from './benchmarks-file.js';

interface ProfileEvent {
  cat?: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

async function main(): Promise<void> {
  const [model, sideArg = '256', threadsArg = '1', runsArg = '8'] = process.argv.slice(2);
  if (model === undefined) throw new Error('usage: model-profile MODEL [SIDE] [THREADS] [RUNS] (MODEL: a library id or path)');
  const side = Number(sideArg);
  const threads = Number(threadsArg);
  const runs = Number(runsArg);
  const entry = await new ModelLibrary().resolve(model);
  const { manifest } = entry;
  const feeds: Record<string, TensorInput> = {
    [manifest.io?.image ?? 'input']: { data: Float32Array.from({ length: 3 * side * side }, () => Math.random() * 2 - 1), dims: [1, 3, side, side] },
  };
  if (manifest.kind === 'conditional') {
    feeds[manifest.io?.condition ?? 'condition'] = { data: Float32Array.from(manifest.attributes, (a) => (a.min + a.max) / 2), dims: [1, manifest.attributes.length] };
  }
  const dir = await mkdtemp(join(tmpdir(), 'gs-model-profile-'));
  try {
    // createBareRunner runs once to warm up; that run is in the profile too (dropped below).
    const runner = await createBareRunner(entry.onnxPath, feeds, { threads, profileFilePrefix: join(dir, 'profile') });
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) wall.push(await runner.runOnce());
    // The profile file is complete once the session is released.
    await runner.release();
    const file = (await readdir(dir)).find((n) => n.startsWith('profile'));
    if (file === undefined) throw new Error('onnxruntime wrote no profile');
    const events = JSON.parse(await readFile(join(dir, file), 'utf8')) as ProfileEvent[];
    const byNode = new Map<string, { op: string; durs: number[] }>();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const node = e.name.slice(0, -'_kernel_time'.length);
      const entry = byNode.get(node) ?? { op: e.args?.op_name ?? '?', durs: [] };
      entry.durs.push(e.dur / 1000);
      byNode.set(node, entry);
    }
    // The first run is the warm-up: drop each node's first sample.
    const nodes = [...byNode].map(([name, { op, durs }]) => ({ name, op, ms: median(durs.slice(durs.length > runs ? 1 : 0)) }));
    const total = nodes.reduce((s, n) => s + n.ms, 0);
    const byOp = new Map<string, { ms: number; count: number }>();
    for (const n of nodes) {
      const o = byOp.get(n.op) ?? { ms: 0, count: 0 };
      o.ms += n.ms;
      o.count += 1;
      byOp.set(n.op, o);
    }
    const pct = (ms: number): string => `${((100 * ms) / total).toFixed(1)} %`;
    console.log(`${manifest.id}, ${side} x ${side}, ${threads} thread(s): run median ${median(wall).toFixed(1)} ms over ${runs} runs; kernels ${total.toFixed(1)} ms`);
    console.log('\n| operator | nodes | ms per run | share |\n|---|---|---|---|');
    for (const [op, o] of [...byOp].sort((a, b) => b[1].ms - a[1].ms)) console.log(`| ${op} | ${o.count} | ${o.ms.toFixed(1)} | ${pct(o.ms)} |`);
    console.log('\n| node | operator | ms per run | share |\n|---|---|---|---|');
    for (const n of nodes.filter((x) => x.ms > total * 0.02).sort((a, b) => b.ms - a.ms)) console.log(`| ${n.name} | ${n.op} | ${n.ms.toFixed(1)} | ${pct(n.ms)} |`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
