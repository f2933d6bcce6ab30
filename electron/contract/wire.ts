/**
 * How browser mode carries the contract over its WebSocket: requests with an id, answers with
 * the same id, and events. HTTP routes (uploads, images, downloads) are named here too so the
 * server and the page agree on them.
 */
import type { EventChannel, EventChannels, InvokeChannel } from './ipc.js';
import type { Result } from './result.js';

export type WireRequest = { id: number; channel: InvokeChannel; args: unknown };
export type WireMessage =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { [E in EventChannel]: { kind: 'event'; event: E; payload: EventChannels[E] } }[EventChannel];

export const WIRE_PATHS = {
  socket: '/api/ws',
  /** POST the file's bytes; query: batch (the drop), path (the file's path within the drop). */
  upload: '/api/upload',
  /**
   * GET /api/media/<jobId>/<index>/<input|output>?variant=thumb|view: a picture the engine made
   * of the file (WebP, downscaled); `download=1` instead sends the output file itself, as an attachment.
   */
  media: '/api/media',
  /** GET /api/run-media/<runId>/<sample file>: a training run's sample grids. */
  runMedia: '/api/run-media',
} as const;

/**
 * The pictures of a queue item the page can ask for: `thumb` for queue rows, `view` for the
 * before/after view. Both are made by the engine (any input format, shown as WebP).
 */
export const MEDIA_VARIANTS = ['thumb', 'view'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

export function isMediaVariant(value: unknown): value is MediaVariant {
  return typeof value === 'string' && (MEDIA_VARIANTS as readonly string[]).includes(value);
}

/** What the page sends as an input in browser mode: every file of one drop or pick. */
export function uploadRef(batch: string): string {
  return `upload:${batch}`;
}
