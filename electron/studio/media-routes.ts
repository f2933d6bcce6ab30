/**
 * The picture routes as both hosts read them, browser mode's `/api/media/...` and
 * `/api/run-media/...` and the desktop window's `studio-media://job/...` and
 * `studio-media://run/...`: one parse, with the same checks, whichever carried the request.
 */
import { isMediaVariant, type MediaVariant } from '../contract/wire.js';

/** A queue item's input or output: a picture the engine makes of it, or (outputs) the file itself. */
export interface ItemMediaRoute {
  kind: 'item';
  jobId: string;
  index: number;
  which: 'input' | 'output';
  variant: MediaVariant;
  download: boolean;
}

/** A training run's sample grid. */
export interface SampleMediaRoute {
  kind: 'sample';
  runId: string;
  file: string;
}

/** A URL path's segments, percent-decoded; undefined when an escape is malformed or decodes to a separator or NUL. */
export function decodedSegments(pathname: string): string[] | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  return segments.some((s) => s.includes('\0') || s.includes('/') || s.includes('\\')) ? undefined : segments;
}

/** `<jobId>/<index>/<input|output>` with `variant` and `download` from the query; a string says what is wrong. */
export function itemMediaRoute(segments: readonly string[], query: URLSearchParams): ItemMediaRoute | string {
  const [jobId, index, which, ...rest] = segments;
  if (jobId === undefined || jobId === '' || jobId.length > 200 || index === undefined || !/^\d{1,9}$/.test(index) || (which !== 'input' && which !== 'output') || rest.length > 0) return 'bad media path';
  const download = query.get('download') === '1';
  if (download && which !== 'output') return 'only outputs are downloaded';
  const variant = query.get('variant') ?? 'view';
  if (!isMediaVariant(variant)) return 'unknown picture size';
  return { kind: 'item', jobId, index: Number(index), which, variant, download };
}

/** `<runId>/<sample file>`; the names themselves are checked where they become a path (training-routes' sampleFile). */
export function sampleMediaRoute(segments: readonly string[]): SampleMediaRoute | string {
  const [runId, file, ...rest] = segments;
  if (runId === undefined || file === undefined || rest.length > 0) return 'bad sample path';
  return { kind: 'sample', runId, file };
}
