#!/usr/bin/env node
// Entry point of the `gan-studio` command. The TypeScript sources are compiled to dist/ by
// `npm ci` / `npm install` (the package's prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/electron/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('gan-studio: the command is not built yet; run `npm install` (or `npm run build`) in the gan-studio folder.\n');
  process.exit(1);
}
await import(entry.href);
