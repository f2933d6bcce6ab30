/**
 * npm run bench:live: runs the live-preview e2e specs (real server, engine and Chromium), which
 * time the last input event to the updated full-size preview, and merges their rows into the
 * live-preview section of docs/BENCHMARKS.md by key, so each page's rows can be rerun alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../electron/engine/library/index.js';
import { percentile, type LiveBenchRow } from '../e2e/fixtures/live-bench.js';
import { machineLine, writeBenchmarkSection } from './benchmarks-file.js';

/** The specs that record rows (see e2e/fixtures/live-bench.ts); a page adds its own here. */
export const LIVE_SPECS = ['e2e/attributes.spec.ts', 'e2e/sketch.spec.ts'];
const SECTION = 'live-preview';
const TARGET_MS = 400;

const HEADER = [
  '## Live previews: last input event to the updated preview (browser mode, CPU provider)',
  '',
  'Measured inside the e2e runs by `npm run bench:live`: the real `gan-studio serve` and engine process,',
  'Chromium, the bundled models. Time from the last input event (slider release or key up, end of',
  'a stroke) to the frame after the full-size preview for the final value reached the page.',
  `Target: median under ${TARGET_MS} ms on 2 cores for scene-attributes at 256 px and for a sketch stroke`,
  '(edges2handbags, 128 px). Coalescing: previews the engine computed against the input events of a',
  'fast drag or a quick scribble (newest request wins).',
  '',
  '| key | what | model, picture | median | p90 | runs | coalescing | machine | date |',
  '|---|---|---|---|---|---|---|---|---|',
];

const ms = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} ms` : '–');

function renderRow(row: LiveBenchRow, machine: string, date: string): string {
  const has = row.samples.length > 0;
  const coalescing = row.coalescing === undefined ? '–' : `${row.coalescing.computed} previews for ${row.coalescing.inputEvents} events`;
  const cells = [
    `\`${row.key}\``,
    row.what,
    row.subject,
    has ? ms(percentile(row.samples, 50)) : '–',
    has ? ms(percentile(row.samples, 90)) : '–',
    has ? String(row.samples.length) : '–',
    coalescing,
    machine,
    date,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Rows of the section as it is now, by key (the first cell, in backticks). */
async function existingRows(): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  let text = '';
  try {
    text = await readFile(join(packageRoot(), 'docs', 'BENCHMARKS.md'), 'utf8');
  } catch {
    return rows;
  }
  const from = text.indexOf(`<!-- bench:${SECTION} -->`);
  const to = text.indexOf(`<!-- /bench:${SECTION} -->`);
  if (from < 0 || to < from) return rows;
  for (const line of text.slice(from, to).split('\n')) {
    const key = /^\| `([^`]+)` \|/.exec(line)?.[1];
    if (key !== undefined) rows.set(key, line);
  }
  return rows;
}

async function main(): Promise<void> {
  const out = join(packageRoot(), 'dist', 'bench', 'live');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const specs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : LIVE_SPECS;
  const run = spawnSync('npx', ['vitest', 'run', ...specs], { cwd: packageRoot(), stdio: 'inherit', env: { ...process.env, GAN_BENCH_LIVE_OUT: out } });
  if (run.status !== 0) throw new Error(`the live-preview specs failed (exit ${String(run.status)}); nothing was written`);

  const measured: LiveBenchRow[] = [];
  for (const name of (await readdir(out)).filter((n) => n.endsWith('.json')).sort()) {
    measured.push(JSON.parse(await readFile(join(out, name), 'utf8')) as LiveBenchRow);
  }
  if (measured.length === 0) throw new Error(`the specs recorded no rows in ${out}`);
  const cpu = cpus()[0]?.model.replace(/\(R\)|\(TM\)|CPU|Processor|@.*$/g, '').replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const machine = `${cpu}, ${cpus().length} cores`;
  const date = new Date().toISOString().slice(0, 10);
  const rows = await existingRows();
  for (const row of measured) rows.set(row.key, renderRow(row, machine, date));
  const body = [...HEADER, ...rows.values(), '', `Last run: ${machineLine()}, ${date}. Raw samples: \`dist/bench/live/*.json\`.`].join('\n');
  const path = await writeBenchmarkSection(SECTION, body);
  await writeFile(join(out, 'summary.json'), `${JSON.stringify({ date, machine: machineLine(), rows: measured }, null, 2)}\n`);
  for (const row of measured) {
    if (row.samples.length > 0) console.log(`${row.key}: median ${ms(percentile(row.samples, 50))}, p90 ${ms(percentile(row.samples, 90))} (${row.samples.length} runs)`);
  }
  console.log(`wrote the ${SECTION} section of ${path}`);
}

await main();
