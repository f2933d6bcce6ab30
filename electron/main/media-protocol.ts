import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import type { StudioService } from '../studio/studio-service.js';
import { isMediaVariant } from '../contract/wire.js';
import { MEDIA_SCHEME } from './app-protocol.js';

/**
 * Images reach the page through studio-media://job/<jobId>/<index>/<input|output>?variant=thumb|view,
 * never file://: the page can only see pictures the engine made (downscaled WebP, any input
 * format) of the inputs and outputs of its own batches; and studio-media://run/<runId>/<sample
 * file>: the sample grids of training runs.
 */
export function serveMedia(studio: Pick<StudioService, 'sampleFile' | 'itemPicture'>): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    const [jobId, index, which] = url.pathname.split('/').filter((p) => p !== '');
    if (url.host === 'run') {
      const sample = jobId === undefined || index === undefined ? undefined : studio.sampleFile(jobId, index);
      return sample === undefined ? new Response('bad sample URL', { status: 400 }) : net.fetch(pathToFileURL(sample).href);
    }
    if (url.host !== 'job' || jobId === undefined || index === undefined || (which !== 'input' && which !== 'output')) {
      return new Response('bad media URL', { status: 400 });
    }
    const variant = url.searchParams.get('variant') ?? 'view';
    if (!isMediaVariant(variant)) return new Response('bad picture size', { status: 400 });
    const picture = await studio.itemPicture(jobId, Number(index), which, variant);
    if (!picture.ok) return new Response(picture.error.message, { status: picture.error.code === 'BAD_ARGUMENT' ? 404 : 422 });
    return net.fetch(pathToFileURL(picture.data.file).href);
  });
}
