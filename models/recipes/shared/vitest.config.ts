/**
 * The repository's vitest config only collects electron/, e2e/ and bench/ tests; this one runs
 * just the renderer tests until the root include also covers models/**:
 *   npx vitest run --config models/recipes/shared/vitest.config.ts
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: '.', include: ['models/recipes/shared/__tests__/**/*.test.ts'], testTimeout: 120_000, pool: 'forks' },
});
