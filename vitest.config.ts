import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/__tests__/**/*.test.ts', 'renderer/**/__tests__/**/*.test.ts', 'e2e/**/*.spec.ts', 'bench/**/__tests__/**/*.test.ts', 'models/**/__tests__/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
