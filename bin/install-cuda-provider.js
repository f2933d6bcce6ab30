#!/usr/bin/env node
// Opt-in: downloads onnxruntime's CUDA 12 provider files (Linux x64) next to its binding.
// Normal installs skip this (package.json's allowScripts denies onnxruntime-node's install script),
// so they stay offline and deterministic; after this runs,
// `--device auto` tries CUDA first. Needs network access and an NVIDIA driver with CUDA 12.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  process.stderr.write('The CUDA provider is offered for Linux x64 only; on Windows the DirectML provider is used instead.\n');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const script = require.resolve('onnxruntime-node/script/install.js');
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
delete env.npm_config_onnxruntime_node_install;
const result = spawnSync(process.execPath, [script], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
