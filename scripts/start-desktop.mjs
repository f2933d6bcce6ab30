// `npm start`: the desktop app. The electron package installs without its binary (its install
// script is denied in package.json's allowScripts, so `npm ci` never depends on Electron's
// download host). Here the binary is found, or fetched with electron's own installer where
// that host (or ELECTRON_MIRROR) answers; otherwise one line says what to do instead, and the
// exit code is 1. Then the app is built and started.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const electronDir = join(root, 'node_modules', 'electron');
/** Where a download that neither fails nor finishes is given up (a slow mirror still gets its time). */
const FETCH_LIMIT_MS = 15 * 60_000;

/** The binary's path when it is there; electron's index.js throws when path.txt is missing. */
function findBinary() {
  try {
    // A fresh require each time: the module caches the path it read.
    delete require.cache[require.resolve('electron')];
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Runs electron's installer (download, checksum, unzip); resolves with its first error line, or null. */
function fetchBinary(version) {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    // Say what the wait is for only when there is a wait: a refused download fails at once.
    const notice = setTimeout(() => process.stderr.write(`gan-studio: downloading the Electron ${version} binary (about 100 MB)...\n`), 3000);
    const limit = setTimeout(() => child.kill(), FETCH_LIMIT_MS);
    child.on('error', (err) => (output += `Error: ${err.message}`));
    child.on('close', (code) => {
      clearTimeout(notice);
      clearTimeout(limit);
      if (code === 0) return resolve(null);
      const cause = output.split('\n').find((l) => /error/i.test(l))?.trim() ?? (code === null ? 'it took too long' : `the installer exited with code ${code}`);
      resolve(cause.replace(/^\w*Error: /, ''));
    });
  });
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('error', (err) => {
      process.stderr.write(`gan-studio: cannot run ${command}: ${err.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
let binary = findBinary();
if (binary === null) {
  const problem = await fetchBinary(version);
  binary = findBinary();
  if (binary === null) {
    process.stderr.write(
      `gan-studio: cannot start the desktop app: the Electron ${version} binary is not installed and could not be fetched (${problem ?? 'the installer wrote no binary'}); ` +
        'run npm start again where Electron\'s download host or ELECTRON_MIRROR is reachable, or use the studio in a browser now with "npx gan-studio serve --open".\n',
    );
    process.exit(1);
  }
}
const built = await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
if (built !== 0) process.exit(built);
const bundled = await run(process.execPath, [join(root, 'scripts', 'build-ui.mjs')]);
if (bundled !== 0) process.exit(bundled);
process.exit(await run(binary, ['.', ...process.argv.slice(2)]));
