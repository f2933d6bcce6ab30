/**
 * The names clients use for what the studio keeps: each pattern is written here once, and
 * every check (channel arguments, URL routes, the library, the upload store) uses it.
 */
import * as z from 'zod';

/** A library model: lower-case letters, digits, ".", "_" and "-", at most 64. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** A run is named by its folder under `<studio home>/runs`, never by a host path. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Sample grids are `samples/iter-0000012.png`. */
export const SAMPLE_FILE_PATTERN = /^iter-\d{7}\.png$/;
/** One drop or pick of files in browser mode (the page makes a random UUID). */
export const UPLOAD_BATCH_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export const runId = z.string().regex(RUN_ID_PATTERN, 'not a run name');
export const modelId = z.string().regex(MODEL_ID_PATTERN, 'not a model id (lower-case letters, digits, ".", "_" and "-")');
