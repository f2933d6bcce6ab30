/**
 * The names clients use for what the studio keeps: each pattern is written here once, and
 * every check (channel arguments, URL routes, the library, the upload store) uses it.
 */
import * as z from 'zod';

/** A library model: lower-case letters, digits, ".", "_" and "-", at most 64. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/**
 * An attribute of a conditional model (a manifest's, an attributes.csv column, `--set NAME=`):
 * a letter first, so names such as `__proto__` never become keys of anything.
 */
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const ATTRIBUTE_NAME_RULE = 'letters, digits, _ and - only, starting with a letter, at most 64';
/** A run is named by its folder under `<studio home>/runs`, never by a host path. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Sample grids are `samples/iter-0000012.png`. */
export const SAMPLE_FILE_PATTERN = /^iter-\d{7}\.png$/;
/** One drop or pick of files in browser mode (the page makes a random UUID). */
export const UPLOAD_BATCH_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export const runId = z.string().regex(RUN_ID_PATTERN, 'not a run name');
export const attributeName = z.string().regex(ATTRIBUTE_NAME_PATTERN, ATTRIBUTE_NAME_RULE);
/** Attribute values by name: at most 64 of them, each a finite number. */
export const attributeValues = z.record(attributeName, z.number().finite()).refine((r) => Object.keys(r).length <= 64, 'at most 64 attributes');
export const modelId = z.string().regex(MODEL_ID_PATTERN, 'not a model id (lower-case letters, digits, ".", "_" and "-")');
