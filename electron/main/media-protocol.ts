import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import type { StudioService } from '../studio/studio-service.js';
import { decodedSegments, itemMediaRoute, sampleMediaRoute } from '../studio/media-routes.js';
import { processLogger } from '../engine/logging/index.js';
import { MEDIA_SCHEME } from './app-protocol.js';

/**
 * Images reach the page through studio-media://job/<jobId>/<index>/<input|output>?variant=thumb|view,
 * never file://: the page can only see pictures the engine made (downscaled WebP, any input
 * format) of the inputs and outputs of its own batches; and studio-media://run/<runId>/<sample
 * file>: the sample grids of training runs. The routes are read by the same code as browser
 * mode's (studio/media-routes.ts); a failure is an answer, never a thrown error.
 */
export function serveMedia(studio: Pick<StudioService, 'sampleFile' | 'itemPicture'>): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    try {
      const url = new URL(request.url);
      const segments = decodedSegments(url.pathname)?.filter((p) => p !== '');
      if (segments === undefined) return new Response('bad media URL', { status: 400 });
      if (url.host === 'run') {
        const route = sampleMediaRoute(segments);
        const sample = typeof route === 'string' ? undefined : studio.sampleFile(route.runId, route.file);
        return sample === undefined ? new Response('bad sample URL', { status: 400 }) : await fetchFile(sample);
      }
      const route = url.host === 'job' ? itemMediaRoute(segments, url.searchParams) : 'bad media URL';
      if (typeof route === 'string') return new Response(route, { status: 400 });
      // The window shows pictures only; downloads are browser mode's (the desktop opens the file).
      if (route.download) return new Response('outputs are opened, not downloaded, in the desktop app', { status: 400 });
      const picture = await studio.itemPicture(route.jobId, route.index, route.which, route.variant);
      if (!picture.ok) return new Response(picture.error.message, { status: picture.error.code === 'BAD_ARGUMENT' ? 404 : 422 });
      return await fetchFile(picture.data.file);
    } catch (err) {
      processLogger().error({ err }, 'a studio-media request failed unexpectedly');
      return new Response('the studio could not answer this request', { status: 500 });
    }
  });
}

/** A file of the host as a response; a vanished or unreadable one is a 404. */
async function fetchFile(path: string): Promise<Response> {
  try {
    return await net.fetch(pathToFileURL(path).href);
  } catch {
    return new Response('no longer on disk or cannot be read', { status: 404 });
  }
}
