import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import type { JobManager } from '../studio/job-manager.js';
import type { StudioService } from '../studio/studio-service.js';
import { MEDIA_SCHEME } from './app-protocol.js';

/**
 * Images reach the page through studio-media://job/<jobId>/<index>/<input|output>, never
 * file://: the page can only see the inputs and outputs of its own batches, and
 * studio-media://run/<runId>/<sample file>: the sample grids of training runs.
 */
export function serveMedia(jobs: JobManager, runs?: Pick<StudioService, 'sampleFile'>): void {
  protocol.handle(MEDIA_SCHEME, (request) => {
    const url = new URL(request.url);
    const [jobId, index, which] = url.pathname.split('/').filter((p) => p !== '');
    if (url.host === 'run' && runs !== undefined) {
      const sample = jobId === undefined || index === undefined ? undefined : runs.sampleFile(jobId, index);
      return sample === undefined ? new Response('bad sample URL', { status: 400 }) : net.fetch(pathToFileURL(sample).href);
    }
    if (url.host !== 'job' || jobId === undefined || index === undefined || (which !== 'input' && which !== 'output')) {
      return new Response('bad media URL', { status: 400 });
    }
    const path = jobs.file(jobId, Number(index), which);
    if (path === undefined) return new Response('no such file', { status: 404 });
    return net.fetch(pathToFileURL(path).href);
  });
}
