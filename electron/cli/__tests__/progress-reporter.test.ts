import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../progress-reporter.js';

function logStream(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('progress in a log (not a terminal)', () => {
  it('a large photo reports the layer it reached while it runs, then its result line', async () => {
    const log = logStream();
    const reporter = new ProgressReporter(log.stream, false, 0);
    const input = '/photos/big.jpg';
    reporter.handle({ type: 'started', jobId: 'j', total: 1, model: 'm', device: 'cpu' });
    for (const [i, status] of ['decoding', 'layer 1 of 34', 'layer 17 of 34'].entries()) {
      reporter.handle({ type: 'item-progress', jobId: 'j', index: 0, input, itemProgress: i / 3, progress: i / 3, status });
    }
    reporter.handle({ type: 'item-done', jobId: 'j', index: 0, input, output: '/out/big.jpg', renamed: false, notes: ['ran layer by layer'], width: 6000, height: 4000, ms: 1000, provider: 'cpu', fallbacks: [], progress: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    const text = log.text();
    expect(text).toContain('big.jpg: layer 1 of 34, 33%');
    expect(text).toContain('big.jpg: layer 17 of 34, 67%');
    expect(text.indexOf('layer 17 of 34')).toBeLessThan(text.indexOf('ok    '));
  });
});
