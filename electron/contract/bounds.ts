/**
 * The sizes every channel's text may have: each argument a page (or the studio, to the engine)
 * sends is bounded by one of these, so no message can make the studio hold or walk more than
 * it meant to. Written once; the channel tables use them.
 */
import * as z from 'zod';

/** A full path of the computer the studio runs on (Linux's PATH_MAX). */
export const HOST_PATH_MAX = 4096;
export const hostPath = z.string().min(1).max(HOST_PATH_MAX);
/** What the page names an input by: a host path (desktop), `upload:<batch>` or `item:<job>:<index>`. */
export const inputRef = z.string().min(1).max(HOST_PATH_MAX);
/** A model id or name, a stream, a preset or catalog name: short text. */
export const shortText = z.string().min(1).max(200);
/** Image bytes as base64 (a canvas drawing, a dropped picture): the socket carries 16 MB per message. */
export const BASE64_IMAGE_MAX = 15 * 2 ** 20;
export const base64Image = z.string().min(1).max(BASE64_IMAGE_MAX);
/** Model ids with presets saved: far more than anyone keeps. */
export const PRESET_MODELS_MAX = 500;
