import ort from 'onnxruntime-node';
import type { TensorInput } from './session-manager.js';

/**
 * Times onnxruntime's own session.run on the CPU provider with nothing around it: the
 * baseline the benchmarks hold the end-to-end pipeline against. Lives here because this
 * folder is the only one allowed to import onnxruntime.
 */
export async function timeBareRuns(modelPath: string, feeds: Record<string, TensorInput>, runs: number): Promise<number[]> {
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, t.dims);
    await session.run(ortFeeds); // warm-up: first run allocates
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await session.run(ortFeeds);
      times.push(performance.now() - start);
    }
    return times;
  } finally {
    await session.release();
  }
}
