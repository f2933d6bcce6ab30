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
  /** GET /api/media/<jobId>/<index>/<input|output>; `download=1` asks for an attachment. */
  media: '/api/media',
  /** GET /api/run-media/<runId>/<sample file>: a training run's sample grids. */
  runMedia: '/api/run-media',
} as const;

/** What the page sends as an input in browser mode: every file of one drop or pick. */
export function uploadRef(batch: string): string {
  return `upload:${batch}`;
}
