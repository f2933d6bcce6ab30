import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath } from '../shared/recipe-kit.js';

const run = promisify(execFile);

/**
 * The grid-artifact measure of the project's shared tools (`../shared/tools/grid-artifacts.cjs`,
 * or GRID_ARTIFACTS): the median, over the 8 frequencies of periods 2 and 4 px, of how far the
 * spectrum's peak stands above its surroundings. Photos score 1 to 2; a visible checkerboard 3
 * and more. Scores PNG files (JPEG adds its own 8 px grid).
 */
export async function gridScores(files: readonly string[]): Promise<number[]> {
  const tool = process.env.GRID_ARTIFACTS ?? join(repoPath(), '..', 'shared', 'tools', 'grid-artifacts.cjs');
  if (!(await access(tool).then(() => true, () => false))) throw new Error(`${tool}: the grid-artifact measure is not there (set GRID_ARTIFACTS to its path)`);
  const { stdout } = await run(process.execPath, [tool, ...files], { env: { ...process.env, NODE_PATH: repoPath('node_modules') }, maxBuffer: 2 ** 24 });
  const scores = stdout.trim().split('\n').map((line) => Number(line.split('\t')[0]));
  if (scores.length !== files.length || scores.some((s) => !Number.isFinite(s))) throw new Error(`grid-artifacts printed ${JSON.stringify(stdout.slice(0, 200))} for ${files.length} files`);
  return scores;
}
