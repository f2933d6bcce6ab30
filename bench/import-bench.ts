/**
 * Import benchmark: a full-size (ngf 64, 9 blocks) CycleGAN-style checkpoint, zip and legacy,
 * through the whole import (read, unpickle, detect, emit ONNX, hash, install). The checkpoints
 * are written by Debian's python3-torch (/usr/bin/python3); without it the benchmark says so
 * and leaves its section of docs/BENCHMARKS.md as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLibrary, importModelFile, packageRoot } from '../electron/engine/library/index.js';
import { machineLine, median, writeBenchmarkSection } from './benchmarks-file.js';

const PYTHON = '/usr/bin/python3';

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'gs-import-bench-'));
  try {
    const rows: string[] = [];
    for (const container of ['zip', 'legacy'] as const) {
      const ckpt = join(work, `resnet9-${container}.pth`);
      const made = spawnSync(PYTHON, [join(packageRoot(), 'bench', 'make_full_checkpoint.py'), ckpt, container], { encoding: 'utf8' });
      if (made.status !== 0) {
        console.log(`import benchmark skipped: ${PYTHON} with PyTorch is needed to write the checkpoint (${(made.stderr || String(made.error)).trim().split('\n').at(-1)})`);
        return;
      }
      const size = (await stat(ckpt)).size;
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const library = new ModelLibrary({ home: join(work, `home-${container}-${i}`), bundledDir: join(work, 'none') });
        const start = performance.now();
        await importModelFile(library, ckpt, { name: 'bench' });
        times.push(performance.now() - start);
      }
      const line = `| resnet_9blocks ngf 64 (${container}) | ${(size / 1e6).toFixed(1)} MB | ${(median(times) / 1000).toFixed(2)} s | ${(Math.max(...times) / 1000).toFixed(2)} s |`;
      console.log(line);
      rows.push(line);
    }
    await writeBenchmarkSection(
      'import',
      [
        '## Checkpoint import (full size)',
        '',
        `Machine: ${machineLine()}. Date: ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench\`.`,
        '',
        'Whole `importModelFile`: read and unpickle the checkpoint, detect the architecture, emit ONNX,',
        'hash it and install it atomically into an empty library. 5 runs each. Target: under 5 s.',
        '',
        '| checkpoint | file | median | slowest |',
        '|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
