import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../engine/library/paths.js';
import type { FromEngine } from '../engine/host/protocol.js';
import { processLogger } from '../engine/logging/index.js';
import type { EngineLauncher } from './engine-supervisor.js';
import { EngineOutput, describeEngineExit, engineLogEnv } from './engine-output.js';

/**
 * The engine entry point, compiled beside this file in dist/ (tests run this module from its
 * TypeScript source, and then use the built one).
 */
const besideThis = fileURLToPath(new URL('../engine/host/engine-process.js', import.meta.url));
export const ENGINE_ENTRY = existsSync(besideThis) ? besideThis : join(packageRoot(), 'dist', 'electron', 'engine', 'host', 'engine-process.js');

/** Starts the engine as a Node child process (browser mode and tests); its output goes to the studio's log. */
export const forkEngine: EngineLauncher = () => {
  const log = processLogger();
  const child = fork(ENGINE_ENTRY, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced', env: engineLogEnv(log) });
  const output = new EngineOutput(log);
  output.attach(child.stdout, 'stdout');
  output.attach(child.stderr, 'stderr');
  return {
    get pid() {
      return child.pid;
    },
    // A send to an engine that just died fails; its exit handler already answers what was pending.
    send: (message) => void child.send(message, () => undefined),
    onMessage: (listener) => child.on('message', (m) => listener(m as FromEngine)),
    onExit: (listener) => {
      // 'close' comes after the output streams ended, so the engine's last words are in.
      child.once('close', (code, signal) => listener(describeEngineExit(code, signal, output.cause())));
      child.once('error', (err) => listener(`could not run: ${err.message}`));
    },
    kill: () => void child.kill(),
  };
};
