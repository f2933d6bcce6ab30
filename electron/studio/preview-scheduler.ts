import type { PreviewResult } from '../contract/preview.js';
import type { Result } from '../contract/result.js';
import type { RenderedPreview } from '../engine/jobs/preview.js';

type Render = () => Promise<Result<RenderedPreview>>;

interface Waiting {
  render: Render;
  resolve: (result: Result<PreviewResult>) => void;
}

interface Stream {
  running: boolean;
  /** The newest request that arrived while one was computed; older ones were answered superseded. */
  pending: Waiting | undefined;
  computed: number;
  lastUsed: number;
}

/** Idle streams remembered (for their computed count) before the least recently used is dropped. */
const STREAMS_KEPT = 64;

/**
 * Newest-wins scheduling of live previews, per stream: at most one render of a stream is in
 * the engine at a time. A request that arrives meanwhile waits in the single pending slot,
 * and the request it displaces is answered `{ superseded: true }` at once, so a fast slider
 * drag never builds a queue: when the render in flight returns, only the newest value runs.
 */
export class PreviewScheduler {
  private readonly streams = new Map<string, Stream>();

  request(stream: string, render: Render): Promise<Result<PreviewResult>> {
    const state = this.stream(stream);
    return new Promise((resolve) => {
      if (!state.running) {
        this.run(stream, state, { render, resolve });
        return;
      }
      state.pending?.resolve({ ok: true, data: { superseded: true } });
      state.pending = { render, resolve };
    });
  }

  /** Previews computed on a stream so far. */
  computed(stream: string): number {
    return this.streams.get(stream)?.computed ?? 0;
  }

  private stream(name: string): Stream {
    let state = this.streams.get(name);
    if (state === undefined) {
      state = { running: false, pending: undefined, computed: 0, lastUsed: 0 };
      this.streams.set(name, state);
      this.forgetIdle();
    }
    state.lastUsed = performance.now();
    return state;
  }

  private run(name: string, state: Stream, job: Waiting): void {
    state.running = true;
    void job
      .render()
      .catch((err: unknown): Result<RenderedPreview> => ({ ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } }))
      .then((result) => {
        if (result.ok) state.computed += 1;
        job.resolve(result.ok ? { ok: true, data: { superseded: false, ...result.data, computed: state.computed } } : result);
        const next = state.pending;
        state.pending = undefined;
        state.running = false;
        if (next !== undefined) this.run(name, state, next);
      });
  }

  private forgetIdle(): void {
    if (this.streams.size <= STREAMS_KEPT) return;
    const idle = [...this.streams].filter(([, s]) => !s.running && s.pending === undefined).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [name] of idle.slice(0, this.streams.size - STREAMS_KEPT)) this.streams.delete(name);
  }
}
