// Bundles the renderer (React + MUI) into dist/renderer and the Electron preload into
// dist/electron/preload, with esbuild. Part of `npm run build`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outRenderer = `${root}dist/renderer`;
await mkdir(outRenderer, { recursive: true });

await build({
  entryPoints: [`${root}renderer/main.tsx`],
  outfile: `${outRenderer}/app.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120'],
  jsx: 'automatic',
  minify: process.env.UI_MINIFY !== '0',
  sourcemap: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});
await copyFile(`${root}renderer/index.html`, `${outRenderer}/index.html`);

// A sandboxed preload must be one CommonJS file with only `electron` left external.
await build({
  entryPoints: [`${root}electron/preload/index.ts`],
  outfile: `${root}dist/electron/preload/index.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: ['node20'],
  external: ['electron'],
  logLevel: 'warning',
});
