import { join } from 'node:path';
import { app, utilityProcess } from 'electron';
import type { FromEngine } from '../engine/host/protocol.js';
import type { EngineLauncher } from '../studio/engine-supervisor.js';
import { ENGINE_ENTRY } from '../studio/fork-launcher.js';

/** Starts the engine in an Electron utilityProcess, so a native crash never takes the window. */
export const utilityEngine: EngineLauncher = () => {
  // A packaged app keeps its bundled models in the resources folder, outside the asar.
  const env = app.isPackaged ? { ...process.env, GAN_STUDIO_BUNDLED_MODELS: join(process.resourcesPath, 'models') } : process.env;
  const child = utilityProcess.fork(ENGINE_ENTRY, [], { serviceName: 'GAN Studio engine', stdio: 'inherit', env });
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
        listener(`exited with code ${code}`);
      });
    },
    kill: () => void child.kill(),
  };
};
