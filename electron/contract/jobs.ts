import type { StudioErrorInfo } from './result.js';

/** What a translated item reports about where it ran. */
export interface ProviderReport {
  /** The execution provider that produced the output (cpu, webgpu, cuda, dml, coreml). */
  provider: string;
  /** Providers that were tried first and failed, with the reason. */
  fallbacks: { provider: string; reason: string }[];
}

/**
 * The one line that says which provider ran and why the ones before it did not, as the CLI and
 * the studio show it: "cpu (webgpu skipped: no Vulkan driver on this system)". `provider` may be
 * described already ("webgpu (on SwiftShader, ...)"); repeated reasons are shown once.
 */
export function providerLine(provider: string, fallbacks: readonly { provider: string; reason: string }[]): string {
  const passed = [...new Set(fallbacks.map((f) => `${f.provider} ${f.reason}`))];
  return passed.length === 0 ? provider : `${provider} (${passed.join('; ')})`;
}

/** What translating one item made, and where it ran. */
export interface ItemResult extends ProviderReport {
  output: string;
  /** The output name differs from the plain one (see renameReason). */
  renamed: boolean;
  /** Why the plain name was not used, in words for the user (set when renamed). */
  renameReason?: string;
  /** How the image was processed when it was not simply whole (tiles, retries). */
  notes: string[];
  width: number;
  height: number;
  ms: number;
  /** The farm worker that translated it (farm batches only). */
  worker?: string;
}

/**
 * Every job reports through this one union, keyed by jobId. `progress` is 0..1 for the whole
 * job; item events also carry the item's index and input path.
 */
export type JobEvent =
  | { type: 'queued'; jobId: string; total: number }
  | { type: 'started'; jobId: string; total: number; model: string; device: string }
  | {
      type: 'item-progress';
      jobId: string;
      index: number;
      input: string;
      /** This item's own progress, 0..1. */
      itemProgress: number;
      progress: number;
      status: string;
    }
  | ({ type: 'item-done'; jobId: string; index: number; input: string; progress: number } & ItemResult)
  | { type: 'item-error'; jobId: string; index: number; input: string; error: StudioErrorInfo; progress: number; worker?: string }
  | { type: 'finished'; jobId: string; succeeded: number; failed: number; ms: number }
  | { type: 'cancelled'; jobId: string; succeeded: number; failed: number; remaining: number };

export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface TranslateJobSpec {
  inputs: string[];
  model: string;
  outDir: string;
  /** 'auto' keeps the input's format where it is png, jpeg or webp, else png. */
  format: OutputFormat | 'auto';
  quality?: number;
  /** Resize so the shorter side is this many pixels before translating. */
  shorterSide?: number;
  attributes?: Record<string, number>;
  device: string;
  /** Replace existing output files instead of choosing a free name. */
  overwrite?: boolean;
  /** Appended to each output's name before the extension (`photo` -> `photo-night`). */
  nameSuffix?: string;
  /** Memory one translation may plan for, in MB; larger images run layer by layer in strips. */
  maxMemoryMB?: number;
  /** Run in overlapping tiles of this many pixels instead of strips (approximate norm statistics). */
  tileSize?: number;
}
