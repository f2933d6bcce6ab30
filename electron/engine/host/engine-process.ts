/**
 * Entry point of the engine process: an Electron utilityProcess in the desktop app, a
 * child_process.fork() child in browser mode. Pure Node; it talks through whichever parent
 * channel it was started with and does the work the studio asks for, one request at a time
 * per kind (translations are sent one by one by the JobManager).
 */
import { availableParallelism, setPriority } from 'node:os';
import pino from 'pino';
import { ModelLibrary, studioCacheDir } from '../library/index.js';
import { createLogger, useProcessLogger } from '../logging/index.js';
import { float16Setting, SessionManager } from '../runtime/index.js';
import { EngineService } from './engine-service.js';
import { isEngineMethod, type FromEngine, type ToEngine } from './protocol.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** send resolves once the message has left this process (fork), or was handed over (utilityProcess). */
function parentChannel(): { send: (m: FromEngine) => Promise<void>; onMessage: (l: (m: unknown) => void) => void } {
  // Electron adds parentPort to process inside a utilityProcess; engine/ never imports electron.
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port !== undefined) {
    return {
      send: async (m) => port.postMessage(m),
      onMessage: (l) => port.on('message', (e) => l(e.data)),
    };
  }
  if (process.send === undefined) throw new Error('the engine process must be started by the studio (utilityProcess or fork)');
  return {
    send: (m) => new Promise((resolve) => process.send?.(m, undefined, undefined, () => resolve()) ?? resolve()),
    onMessage: (l) => process.on('message', l),
  };
}

function isRequest(value: unknown): value is ToEngine {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<ToEngine>;
  return m.kind === 'request' && typeof m.id === 'number' && isEngineMethod(m.method);
}

/**
 * The engine yields the processor to the window: a batch keeps every core busy, and on a small
 * machine the page would otherwise stutter. Threads started later (onnxruntime's pool, libuv)
 * inherit this niceness; a refusal (some sandboxes) only means normal priority.
 */
const ENGINE_NICENESS = 10;
try {
  setPriority(ENGINE_NICENESS);
} catch {
  // Keep normal priority.
}

// The engine logs JSON lines to stdout; the studio copies them into its log file (synchronous
// writes, so the last line before a crash is not lost in a buffer).
const level = (process.env.GAN_STUDIO_LOG_LEVEL ?? 'info') as pino.LevelWithSilent;
const log = createLogger('engine', pino.destination({ fd: 1, sync: true }), level);
useProcessLogger(log);
// Whatever escapes a handler is the engine's fault: say what it was, then stop (the studio
// restarts the engine and reports this line as the cause).
process.on('uncaughtException', (err) => {
  log.fatal({ err }, `the engine failed: ${err.message}`);
  process.exit(70);
});
process.on('unhandledRejection', (reason) => {
  log.fatal({ err: reason }, `the engine failed: ${reason instanceof Error ? reason.message : String(reason)}`);
  process.exit(70);
});

const channel = parentChannel();
// One core stays free for the window: onnxruntime's threads otherwise take every core (and spin
// between runs), and on a 2-core machine the page's frames then wait behind them for 150 ms.
// The command line keeps all cores; it has no window to keep responsive.
// The preview of a finished gesture (slider released, stroke ended) is what the user waits for
// while the page is idle: it gets every core (docs/BENCHMARKS.md, live previews).
const float16 = float16Setting(studioCacheDir());
const sessions = new SessionManager({ threads: Math.max(1, availableParallelism() - 1), float16 });
const settledSessions = new SessionManager({ float16 });
const service = new EngineService(new ModelLibrary(), sessions, (event) => channel.send({ kind: 'event', event }), settledSessions);

channel.onMessage((message) => {
  if (!isRequest(message)) return;
  void service.handle(message.method, message.args).then((result) => channel.send({ kind: 'response', id: message.id, result }));
});
// The studio closes the channel when it quits, or stops the engine: leave with it, but pause a
// training run first so it checkpoints and can resume on the next start.
const leave = (): void => {
  void service.pauseTraining().finally(() => process.exit(0));
};
process.on('disconnect', leave);
process.on('SIGTERM', leave);
log.info({ threads: Math.max(1, availableParallelism() - 1), node: process.versions.node }, 'engine started');
void channel.send({ kind: 'ready', pid: process.pid });
