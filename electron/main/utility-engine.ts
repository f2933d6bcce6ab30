import { join } from 'node:path';
import { app, utilityProcess } from 'electron';
import type { FromEngine } from '../engine/host/protocol.js';
import { processLogger } from '../engine/logging/index.js';
import type { EngineLauncher } from '../studio/engine-supervisor.js';
import { EngineOutput, describeEngineExit, engineLogEnv } from '../studio/engine-output.js';
import { ENGINE_ENTRY } from '../studio/fork-launcher.js';

const SERVICE_NAME = 'GAN Studio engine';

/** Electron's reason for the engine process that went last ('crashed', 'oom', ...); one runs at a time. */
let goneReason: string | undefined;
app.on('child-process-gone', (_event, details) => {
  if (details.type !== 'Utility' || details.serviceName !== SERVICE_NAME) return;
  processLogger().error({ reason: details.reason, exitCode: details.exitCode }, `the engine process is gone: ${details.reason}`);
  goneReason = details.reason;
});

/**
 * Starts the engine in an Electron utilityProcess, so a native crash never takes the window.
 * Its stdout and stderr go to the studio's log; a crash is reported with Electron's reason and
 * the engine's last words.
 */
export const utilityEngine: EngineLauncher = () => {
  const log = processLogger();
  // A packaged app keeps its bundled models in the resources folder, outside the asar.
  const base = app.isPackaged ? { ...process.env, GAN_STUDIO_BUNDLED_MODELS: join(process.resourcesPath, 'models') } : process.env;
  const child = utilityProcess.fork(ENGINE_ENTRY, [], { serviceName: SERVICE_NAME, stdio: 'pipe', env: engineLogEnv(log, base) });
  const output = new EngineOutput(log);
  output.attach(child.stdout, 'stdout');
  output.attach(child.stderr, 'stderr');
  goneReason = undefined;
  let exited = false;
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', (m: FromEngine) => listener(m)),
    onExit: (listener) => {
      child.once('exit', (code) => {
        exited = true;
        // 'child-process-gone' and the last output lines may arrive just after 'exit'.
        setTimeout(() => listener(describeEngineExit(code, null, output.cause(), goneReason)), 100);
      });
    },
    kill: () => void child.kill(),
  };
};
