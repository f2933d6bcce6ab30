import { createSession, toOrtFeeds, type SessionSettings, type TensorInput } from './ort-session.js';

export interface BareRunner {
  /** One session.run on the prepared feeds; returns its wall time in ms. */
  runOnce(): Promise<number>;
  release(): Promise<void>;
}

/**
 * onnxruntime's own session.run on the CPU provider with nothing around it: the baseline
 * the benchmarks hold the end-to-end pipeline against. Lives here because this folder is the
 * only one allowed to import onnxruntime.
 */
export async function createBareRunner(modelPath: string, feeds: Record<string, TensorInput>, settings: SessionSettings = {}): Promise<BareRunner> {
  const session = await createSession(modelPath, 'cpu', settings);
  const ortFeeds = toOrtFeeds(feeds);
  await session.run(ortFeeds); // warm-up: the first run allocates
  return {
    async runOnce() {
      const start = performance.now();
      await session.run(ortFeeds);
      return performance.now() - start;
    },
    release: () => session.release(),
  };
}
