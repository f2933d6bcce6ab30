/**
 * `npm run fuzz`: the deep run of the fuzz and abuse suite (docs/SECURITY.md records its figures).
 *
 *   npm run fuzz -- [--seed N] [--iterations N] [--only NAME[,NAME]]
 *
 * The interface every module keeps (so a module can be added without touching this file):
 * - a file `fuzz/<name>-fuzz.ts` (http-fuzz.ts, socket-fuzz.ts, path-fuzz.ts, file-fuzz.ts, ...);
 *   every such file is found and run, in name order;
 * - it exports `async function run({ seed, iterations }: FuzzOptions): Promise<FuzzFigures>`;
 *   the same seed must replay the same inputs; `iterations` is how many inputs to try (a
 *   module may try a few fixed cases on top);
 * - it returns its figures: `tried` (inputs tried), `crashes` (the process under test exited or
 *   an unexpected exception escaped), `hangs` (no answer within the module's deadline),
 *   `escapes` (a write, delete or read outside the studio's folders, a leaked descriptor, a
 *   memory ceiling passed), and optional `notes` (one line each, the first few findings, for
 *   replaying them by hand).
 * A module throws only when it cannot run at all (its set-up failed).
 *
 * The quick version of each module runs inside `npm test` (e2e/fuzz-quick.spec.ts) with few
 * iterations; this command runs them deep. The exit status is 1 when any figure but `tried` is
 * not zero.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { FuzzFigures, FuzzOptions } from './figures.js';

interface Args extends FuzzOptions {
  only: string[] | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: 1, iterations: 2000, only: undefined };
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k];
    const value = argv[k + 1];
    if (flag === '--seed' && value !== undefined) args.seed = Number(value);
    else if (flag === '--iterations' && value !== undefined) args.iterations = Number(value);
    else if (flag === '--only' && value !== undefined) args.only = value.split(',');
    else throw new Error(`unknown argument ${String(flag)}: npm run fuzz -- [--seed N] [--iterations N] [--only NAME[,NAME]]`);
    k++;
  }
  if (!Number.isInteger(args.seed) || !Number.isInteger(args.iterations) || args.iterations < 1) throw new Error('--seed and --iterations take whole numbers');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const here = dirname(fileURLToPath(import.meta.url));
  const files = (await readdir(here)).filter((f) => /^[a-z0-9-]+-fuzz\.ts$/.test(f)).sort();
  const names = files.map((f) => f.replace(/-fuzz\.ts$/, '')).filter((n) => args.only === undefined || args.only.includes(n));
  const table: (FuzzFigures & { module: string; seconds: number })[] = [];
  for (const name of names) {
    const started = performance.now();
    const module = (await import(join(here, `${name}-fuzz.ts`))) as { run: (o: FuzzOptions) => Promise<FuzzFigures> };
    process.stderr.write(`fuzz ${name}: seed ${args.seed}, ${args.iterations} iterations...\n`);
    const figures = await module.run({ seed: args.seed, iterations: args.iterations });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    table.push({ module: name, seconds, ...figures });
    process.stderr.write(`fuzz ${name}: tried ${figures.tried}, crashes ${figures.crashes}, hangs ${figures.hangs}, escapes ${figures.escapes} (${seconds} s)\n`);
    for (const note of figures.notes ?? []) process.stderr.write(`  ${note}\n`);
  }
  process.stdout.write(`${JSON.stringify({ seed: args.seed, iterations: args.iterations, date: new Date().toISOString(), modules: table })}\n`);
  if (table.some((t) => t.crashes + t.hangs + t.escapes > 0)) process.exitCode = 1;
}

await main();
