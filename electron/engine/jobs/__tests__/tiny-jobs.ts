import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { TINY_STARGAN, installTinyModel } from '../../../../e2e/fixtures/tiny-model.js';
import { scratchFolder } from '../../../../e2e/fixtures/scratch-folder.js';
import { ModelLibrary } from '../../library/index.js';
import { SessionManager } from '../../runtime/index.js';

/**
 * A jobs test file's scratch folder with the tiny models installed (`tiny`, and the conditional
 * `tiny-cond`), a library that sees only them, and one session manager disposed after the tests.
 */
export function tinyJobs(prefix: string): { root: string; library: ModelLibrary; sessions: SessionManager } {
  const { root, home } = scratchFolder(prefix);
  const library = new ModelLibrary({ home, bundledDir: join(root, 'none') });
  const sessions = new SessionManager();
  beforeAll(async () => {
    await installTinyModel(home, 'tiny');
    await installTinyModel(home, 'tiny-cond', TINY_STARGAN);
  });
  afterAll(() => sessions.dispose());
  return { root, library, sessions };
}
