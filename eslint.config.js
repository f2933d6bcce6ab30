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
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
    rules: {
      // zod's `z` object holds all of zod (every locale too): the page's bundle would carry 450 kB of it instead of 90.
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']", message: "use import * as z from 'zod', so the page's bundle keeps only the parts of zod it uses." }],
      'no-restricted-imports': ['error', { patterns: [
        { group: [...nodeBuiltins, 'onnxruntime-node', 'sharp'], message: 'contract/ and renderer/ must not import Node, Electron or native modules.' },
        // A regex, because the gitignore-style 'electron/*' would also match our own ../electron/contract.
        { regex: '^electron(/.*)?$', message: 'contract/ and renderer/ must not import Electron.' },
        { regex: '/(engine|studio|server|main|preload|cli)/', message: 'the renderer reaches the studio only through electron/contract.' },
      ] }],
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts', 'electron/studio/**/*.ts', 'electron/server/**/*.ts'],
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
    // Electron main and preload: no image or tensor work there, so no engine internals either.
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['onnxruntime-node', 'onnxruntime-common', 'sharp'], message: 'main stays thin: image and tensor work happens in the engine process.' },
        { group: ['**/engine/jobs/*', '**/engine/imaging/*', '**/engine/runtime/*', '**/engine/graph/*', '**/engine/nets/*', '**/engine/checkpoints/*'], message: 'main reaches the engine through the studio service, never directly.' },
      ] }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'child_process', '**/engine/*', '**/engine/**', '**/studio/*'], message: 'the preload only bridges the contract.' }] }],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['bench/**/*.ts', 'e2e/**/*.ts', 'models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['onnxruntime-node', 'onnxruntime-common'], message: 'go through electron/engine/runtime.' }] }],
    },
  },
);
