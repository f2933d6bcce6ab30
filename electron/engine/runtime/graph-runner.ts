import type { DeviceChoice, ProviderName } from './devices.js';
import { createSession, runSession, type SessionSettings, type TensorInput } from './ort-session.js';
import { onFirstWorkingProvider, type Fallback } from './provider-policy.js';

/**
 * A session over an in-memory graph that the engine built itself (training steps, strips,
 * gradient checks), run again and again with new feeds. Unlike SessionManager's cached model
 * files, such a graph has one owner and lives as long as a training run.
 */
export interface GraphRunner {
  readonly provider: ProviderName;
  readonly fallbacks: readonly Fallback[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, TensorInput>): Promise<Map<string, Float32Array>>;
  release(): Promise<void>;
}

export type GraphRunnerOptions = SessionSettings;

/** Opens the graph on the first provider of the device choice that accepts it (runtime/provider-policy). */
export async function openGraphRunner(model: Uint8Array, choice: DeviceChoice, options: GraphRunnerOptions = {}): Promise<GraphRunner> {
  const { value: session, provider, fallbacks } = await onFirstWorkingProvider(choice, (p) => createSession(model, p, options), { subject: 'the engine-built graph' });
  return {
    provider,
    fallbacks,
    outputNames: session.outputNames,
    async run(feeds) {
      const outputs = await runSession(session, feeds);
      return new Map([...outputs].map(([name, t]) => [name, t.data]));
    },
    release: () => session.release(),
  };
}
