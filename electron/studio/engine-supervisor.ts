import type { EngineState } from '../contract/ipc.js';
import type { Result } from '../contract/result.js';
import type { EngineArgs, EngineData, EngineEvent, EngineMethod, FromEngine, ToEngine } from '../engine/host/protocol.js';

/** A running engine process, whichever way it was started (utilityProcess or fork). */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  /** Called once when the process is gone, with the reason in words. */
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

export type EngineLauncher = () => EngineProcess;

export interface SupervisorStatus {
  state: EngineState;
  pid: number | null;
  restarts: number;
  lastExit: string | null;
}

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

/** Restarts allowed within RESTART_WINDOW_MS before the engine is declared failed. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 250;

/**
 * Keeps one engine process alive: starts it, restarts it when it dies (a native crash, an
 * out-of-memory kill, a user killing it) and answers every request in flight at that moment
 * with ENGINE_LOST, so callers (the JobManager) can put the work back in the queue.
 */
export class EngineSupervisor {
  private process: EngineProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly recentRestarts: number[] = [];
  private stopped = false;
  private current: SupervisorStatus = { state: 'starting', pid: null, restarts: 0, lastExit: null };

  constructor(
    private readonly launch: EngineLauncher,
    private readonly listeners: { onEvent: (event: EngineEvent) => void; onStatus: (status: SupervisorStatus) => void },
  ) {}

  get status(): SupervisorStatus {
    return { ...this.current };
  }

  start(): Promise<void> {
    if (this.ready === undefined) this.ready = this.spawn();
    return this.ready;
  }

  async request<M extends EngineMethod>(method: M, args: EngineArgs<M>): Promise<Result<EngineData<M>>> {
    if (this.stopped) return { ok: false, error: { code: 'ENGINE_LOST', message: 'the studio is shutting down' } };
    await this.start();
    if (this.current.state === 'failed' || this.process === undefined) {
      return { ok: false, error: { code: 'ENGINE_LOST', message: 'the engine keeps stopping and was not restarted again', detail: this.current.lastExit ?? undefined } };
    }
    const id = this.nextId++;
    const engine = this.process;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve: resolve as (r: Result<unknown>) => void });
      engine.send({ kind: 'request', id, method, args });
    });
  }

  stop(): void {
    this.stopped = true;
    this.process?.kill();
    this.process = undefined;
  }

  private setStatus(patch: Partial<SupervisorStatus>): void {
    this.current = { ...this.current, ...patch };
    this.listeners.onStatus(this.status);
  }

  private spawn(): Promise<void> {
    return new Promise((resolveReady) => {
      let engine: EngineProcess;
      try {
        engine = this.launch();
      } catch (err) {
        this.setStatus({ state: 'failed', pid: null, lastExit: `the engine could not start: ${err instanceof Error ? err.message : String(err)}` });
        resolveReady();
        return;
      }
      this.process = engine;
      engine.onMessage((message) => {
        if (message.kind === 'ready') {
          this.setStatus({ state: 'ready', pid: message.pid });
          resolveReady();
        } else if (message.kind === 'response') {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          waiting?.resolve(message.result);
        } else {
          this.listeners.onEvent(message.event);
        }
      });
      engine.onExit((reason) => {
        if (this.process !== engine) return;
        this.process = undefined;
        for (const [id, waiting] of this.pending) {
          this.pending.delete(id);
          waiting.resolve({ ok: false, error: { code: 'ENGINE_LOST', message: `the engine stopped (${reason})` } });
        }
        resolveReady();
        if (this.stopped) return;
        const now = Date.now();
        this.recentRestarts.push(now);
        while ((this.recentRestarts[0] ?? now) < now - RESTART_WINDOW_MS) this.recentRestarts.shift();
        if (this.recentRestarts.length > MAX_RESTARTS) {
          this.setStatus({ state: 'failed', pid: null, lastExit: reason });
          return;
        }
        this.setStatus({ state: 'restarting', pid: null, restarts: this.current.restarts + 1, lastExit: reason });
        this.ready = new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS)).then(() => this.spawn());
      });
    });
  }
}
