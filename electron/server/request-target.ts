/**
 * An HTTP request's target, parsed once and defensively, before any route sees it: anything
 * that is not a path the studio could serve (a malformed percent escape, an absolute-form
 * target for another host or one `new URL` cannot parse, a NUL) is `undefined`, answered 400.
 */
import { decodedSegments } from '../studio/media-routes.js';

export interface RequestTarget {
  /** The decoded path, "/"-separated. */
  path: string;
  /** Its decoded segments: "/api/media/a/0/input" is ["", "api", "media", "a", "0", "input"]. */
  segments: string[];
  query: URLSearchParams;
}

/** Longest target accepted (Node's header limit is 16 kB; a preview never travels in a URL). */
const MAX_TARGET = 8192;

export function parseTarget(raw: string | undefined): RequestTarget | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > MAX_TARGET) return undefined;
  let url: URL;
  try {
    // Origin-form ("/x?y") is read against a fixed base; absolute-form ("http://host/x") must parse on its own.
    url = raw.startsWith('/') ? new URL(raw, 'http://127.0.0.1') : new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return undefined;
  const segments = decodedSegments(url.pathname);
  if (segments === undefined) return undefined;
  return { path: segments.join('/'), segments, query: url.searchParams };
}
