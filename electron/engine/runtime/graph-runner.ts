import { Tape } from '../graph/tape.js';
import type { DeviceChoice, ProviderName } from './devices.js';
import { createSession, DeviceValue, runOnSession, runSession, type Feed, type SessionSettings } from './ort-session.js';
import { faultPoint } from './injected-fault.js';
import { onFirstWorkingProvider, type Fallback } from './provider-policy.js';

/** A step's outputs: plain arrays, and the ones kept on the device (SessionSettings.keepOnDevice). */
export interface StepOutputs {
  host: Map<string, Float32Array>;
  device: Map<string, DeviceValue>;
}

/**
 * A session over an in-memory graph that the engine built itself (training steps, strips,
 * gradient checks), run again and again with new feeds. Unlike SessionManager's cached model
 * files, such a graph has one owner and lives as long as a training run.
 */
export interface GraphRunner {
  readonly provider: ProviderName;
  readonly fallbacks: readonly Fallback[];
  readonly outputNames: readonly string[];
  /** One run, every output as a plain array. */
  run(feeds: Readonly<Record<string, Feed>>): Promise<Map<string, Float32Array>>;
  /** One run; the outputs named in `keepOnDevice` stay on the device where the provider has one. */
  step(feeds: Readonly<Record<string, Feed>>): Promise<StepOutputs>;
  /** Reads values kept on the device back into plain arrays (they stay valid on the device). */
  download(values: ReadonlyMap<string, DeviceValue>): Promise<Map<string, Float32Array>>;
  release(): Promise<void>;
}

export type GraphRunnerOptions = SessionSettings;

const plain = (outputs: Awaited<ReturnType<typeof runSession>>): Map<string, Float32Array> => new Map([...outputs].map(([name, t]) => [name, t.data]));

/**
 * A graph that copies each of the values out of the device: onnxruntime-node cannot read a GPU
 * buffer itself, but a session on the same device takes it as a feed and returns a plain array.
 * Its inputs are named `readback#k`, which no value name of the engine's takes.
 */
function readbackGraph(values: ReadonlyMap<string, DeviceValue>): Uint8Array {
  const t = new Tape('readback');
  const outputs = [...values].map(([name, v], k) => t.rename(t.emit('Identity', [t.input(`readback#${k}`, v.dims)], v.dims), name));
  return t.toOnnx(outputs);
}

/** Opens the graph on the first provider of the device choice that accepts it (runtime/provider-policy). */
export async function openGraphRunner(model: Uint8Array, choice: DeviceChoice, options: GraphRunnerOptions = {}): Promise<GraphRunner> {
  const { value: session, provider, fallbacks } = await onFirstWorkingProvider(choice, (p) => createSession(model, p, options), { subject: 'the engine-built graph' });
  // One read-back session per set of names, opened at the first download.
  const readers = new Map<string, Promise<Awaited<ReturnType<typeof createSession>>>>();
  // Only the tests set it (runtime/injected-fault.ts).
  const fault = faultPoint(provider);
  return {
    provider,
    fallbacks,
    outputNames: session.outputNames,
    run: async (feeds) => plain(await runSession(session, feeds)),
    async step(feeds) {
      fault.before('step');
      const { host, device } = await runOnSession(session, feeds);
      return { host: plain(host), device };
    },
    async download(values) {
      if (values.size === 0) return new Map();
      fault.before('read');
      const key = [...values.keys()].join('\n');
      let reader = readers.get(key);
      if (reader === undefined) {
        reader = createSession(readbackGraph(values), provider);
        readers.set(key, reader);
      }
      const feeds = Object.fromEntries([...values.values()].map((v, k) => [`readback#${k}`, v]));
      return plain(await runSession(await reader, feeds));
    },
    async release() {
      // Every session, even when one refuses (a lost device may): none is left open.
      const results = await Promise.allSettled([...[...readers.values()].map(async (reader) => (await reader.catch(() => null))?.release()), session.release()]);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (refused !== undefined) throw refused.reason;
    },
  };
}
