import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'worker_threads', 'net', 'http', 'https', 'stream', 'url', 'util'];

/**
 * Lint rules enforce the architecture's boundaries: contract/ and renderer/ import no Node or
 * Electron; engine/ imports no electron; only engine/runtime imports onnxruntime-node.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'models/**/*.onnx', '.gpu/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['electron/contract/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...nodeBuiltins, 'electron', 'electron/*', 'onnxruntime-node', 'sharp'], message: 'contract/ and renderer/ must not import Node, Electron or native modules.' }] }],
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts'],
    ignores: ['electron/engine/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron', 'electron/*'], message: 'engine/ runs outside Electron (utilityProcess, CLI, tests): never import electron.' },
        { group: ['onnxruntime-node', 'onnxruntime-common'], message: 'only electron/engine/runtime imports onnxruntime.' },
      ] }],
    },
  },
  {
    files: ['electron/engine/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['electron', 'electron/*'], message: 'engine/ never imports electron.' }] }],
    },
  },
  {
    files: ['bench/**/*.ts', 'e2e/**/*.ts', 'models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['onnxruntime-node', 'onnxruntime-common'], message: 'go through electron/engine/runtime.' }] }],
    },
  },
);
