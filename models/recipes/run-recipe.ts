/**
 * `npm run recipe -- <name> [--seed N] [--iterations N] [--work DIR] [--device D] [--threads N] [--no-install] [--resume] [--continue] [--only MODEL]`
 *
 * Regenerates a starter model's data and trains it from scratch with GAN Studio's own trainer,
 * deterministic given the seed; installs the model into models/<id>/, its sample grid into
 * docs/models/, and its held-out evaluation into the card and docs/BENCHMARKS.md. Prints how
 * long it took. Hours on a small CPU: run it in the background.
 */
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machineLine, writeBenchmarkSection } from '../../bench/benchmarks-file.js';
import { day2night, reevaluateDay2Night } from './day2night/recipe.js';
import { edges2handbags } from './edges2handbags/recipe.js';
import { evaluateReal } from './evaluate-real/recipe.js';
import { sceneAttributes } from './scene-attributes/recipe.js';
import type { RecipeOptions } from './shared/recipe-kit.js';

const RECIPES: Record<string, (o: RecipeOptions) => Promise<Record<string, string>>> = {
  day2night,
  edges2handbags,
  'scene-attributes': sceneAttributes,
  'evaluate-real': evaluateReal,
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const name = args[0];
  const recipe = name === undefined ? undefined : RECIPES[name];
  if (name === undefined || recipe === undefined) {
    process.stderr.write(`usage: npm run recipe -- <${Object.keys(RECIPES).join('|')}> [--seed N] [--iterations N] [--work DIR] [--device D] [--threads N] [--no-install] [--resume] [--continue] [--only MODEL]\n`);
    return 2;
  }
  const seed = Number(option(args, '--seed') ?? 1);
  const iterations = option(args, '--iterations');
  const work = resolve(option(args, '--work') ?? join(tmpdir(), `gan-studio-recipe-${name}-${seed}`));
  await mkdir(work, { recursive: true });
  const started = performance.now();
  process.stderr.write(`recipe ${name}: seed ${seed}, work folder ${work}\n`);
  const evaluateOnly = args.includes('--evaluate-only');
  if (args.includes('--continue') && name !== 'day2night' && name !== 'edges2handbags') {
    process.stderr.write('--continue is available for day2night and edges2handbags\n');
    return 2;
  }
  if (evaluateOnly && name !== 'day2night') {
    process.stderr.write('--evaluate-only is available for day2night\n');
    return 2;
  }
  const result = await (evaluateOnly ? reevaluateDay2Night : recipe)({
    seed,
    ...(iterations === undefined ? {} : { iterations: Number(iterations) }),
    work,
    device: option(args, '--device') ?? 'cpu',
    ...(option(args, '--threads') === undefined ? {} : { threads: Number(option(args, '--threads')) }),
    install: !args.includes('--no-install'),
    resume: args.includes('--resume'),
    continue: args.includes('--continue'),
    ...(option(args, '--only') === undefined ? {} : { only: option(args, '--only') }),
  });
  const seconds = (performance.now() - started) / 1000;
  if (!args.includes('--no-install')) {
    const rows = Object.entries(result).filter(([k]) => k !== 'grid').map(([k, v]) => `| ${k} | ${v} |`);
    await writeBenchmarkSection(
      `starter-${name}`,
      `## ${name === 'evaluate-real' ? 'Starter models on real photographs and hand-drawn outlines' : `Starter model \`${name}\`: held-out evaluation`}

${new Date().toISOString().slice(0, 10)}, ${machineLine()}, ${option(args, '--threads') ?? cpus().length} thread(s), load average ${loadavg()[0]?.toFixed(1)} at the end (a machine shared with other jobs); \`npm run recipe -- ${name}\` (seed ${seed}), ${(seconds / 60).toFixed(1)} min in all${evaluateOnly ? ' (evaluation only, on the installed model: the training figures are in its card)' : ''}.

| measure | value |
| --- | --- |
${rows.join('\n')}`,
    );
  }
  process.stderr.write(`recipe ${name} finished in ${(seconds / 60).toFixed(1)} min\n`);
  return 0;
}

process.exitCode = await main();
