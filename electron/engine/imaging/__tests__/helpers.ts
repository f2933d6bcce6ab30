import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { StudioError } from '../../errors.js';
import type { ErrorCode } from '../../../contract/result.js';

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-imaging-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Awaits a rejection and checks it is a StudioError with this code whose message contains every fragment. */
export async function expectStudioError(work: Promise<unknown>, code: ErrorCode, ...fragments: string[]): Promise<StudioError> {
  const err: unknown = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StudioError);
  const studio = err as StudioError;
  expect(studio.code).toBe(code);
  for (const fragment of fragments) expect(studio.message).toContain(fragment);
  return studio;
}

/** The RGB triple at (x, y) of an interleaved HWC buffer. */
export function pixelAt(rgb: Uint8Array, width: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * 3;
  return [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
}

/** Largest per-channel difference between two colours. */
export function colourDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - (b[i] ?? 0))));
}
