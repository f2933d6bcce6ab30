/**
 * Live previews (the Attributes page's sliders, the sketch pad): one small translation at a
 * time per stream, newest request wins. Plain data and the schema of the arguments; shared by
 * the studio and the page.
 */
import * as z from 'zod';
import { base64Image, inputRef, shortText } from './bounds.js';
import { attributeValues, modelId } from './ids.js';

/** Previews are limited to this longest side, whatever the page asks for. */
export const PREVIEW_MAX_SIDE = 2048;
/** The default longest side when a request names none (smaller images keep their size). */
export const PREVIEW_DEFAULT_SIDE = 1024;

export const previewArgsSchema = z
  .object({
    /**
     * Requests of one stream replace each other: at most one is computed at a time, and one
     * that arrives while another is computed waits in its place, superseding any older waiter.
     */
    stream: shortText,
    model: modelId,
    /**
     * Where the picture comes from: a host path (desktop), an upload id (browser mode) or a
     * queue item (`queueItemRef`); or the bytes of a PNG (or JPEG, WebP) as base64, e.g. a
     * canvas drawing (the socket carries at most 16 MB per message).
     */
    source: z.union([z.object({ input: inputRef }).strict(), z.object({ png: base64Image }).strict()]),
    /** Attribute values of a conditional model; unset ones take the manifest default. */
    attributes: attributeValues.optional(),
    /** Longest side of the preview in pixels (default: the image's own, at most 1024). */
    maxSide: z.number().int().min(16).max(PREVIEW_MAX_SIDE).optional(),
    /**
     * The answer to a finished gesture (a slider released): the page does nothing but wait
     * for it, so the engine may run it on every core. Previews during a gesture leave a core
     * to the page, or its frames would wait behind the model. The sketch pad does not ask: at
     * its 128 px a second thread gained nothing (docs/BENCHMARKS.md, live previews).
     */
    settled: z.boolean().optional(),
  })
  .strict();
export type PreviewArgs = z.infer<typeof previewArgsSchema>;

export interface PreviewImage {
  superseded: false;
  /** A data: URL (PNG, or JPEG for large previews). */
  image: string;
  width: number;
  height: number;
  /** Time the engine spent on it (decode, model, encode), in milliseconds. */
  ms: number;
  provider: string;
  /** What was done to the picture on the way, in words (cropping, resizing). */
  notes: string[];
  /** Previews computed on this stream so far, this one included. */
  computed: number;
}

/** A request that a newer one of the same stream replaced before it was computed. */
export interface PreviewSuperseded {
  superseded: true;
}

export type PreviewResult = PreviewImage | PreviewSuperseded;

/**
 * An input that names an image already in the Translate queue (its job and index), so the
 * Attributes page can preview it and send it again without uploading it twice.
 */
export function queueItemRef(jobId: string, index: number): string {
  return `item:${jobId}:${index}`;
}

export function parseQueueItemRef(input: string): { jobId: string; index: number } | null {
  const match = /^item:([^:]+):(\d+)$/.exec(input);
  return match === null ? null : { jobId: match[1] as string, index: Number(match[2]) };
}
