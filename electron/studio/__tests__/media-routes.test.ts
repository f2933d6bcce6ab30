import { describe, expect, it } from 'vitest';
import { decodedSegments, itemMediaRoute, sampleMediaRoute } from '../media-routes.js';

/** The picture routes both hosts read (browser mode's /api/media and the desktop's studio-media://). */
describe('media routes', () => {
  const q = (s = ''): URLSearchParams => new URLSearchParams(s);

  it('reads a queue item\'s picture or download and a run\'s sample', () => {
    expect(itemMediaRoute(['job-1', '3', 'output'], q('variant=thumb'))).toEqual({ kind: 'item', jobId: 'job-1', index: 3, which: 'output', variant: 'thumb', download: false });
    expect(itemMediaRoute(['job-1', '0', 'output'], q('download=1'))).toMatchObject({ download: true, variant: 'view' });
    expect(sampleMediaRoute(['run-1', 'iter-0000001.png'])).toEqual({ kind: 'sample', runId: 'run-1', file: 'iter-0000001.png' });
  });

  it('answers what is wrong instead of throwing, for every malformed piece', () => {
    expect(itemMediaRoute(['j', '-1', 'output'], q())).toBe('bad media path');
    expect(itemMediaRoute(['j', '1e9', 'output'], q())).toBe('bad media path');
    expect(itemMediaRoute(['j', '0', 'secret'], q())).toBe('bad media path');
    expect(itemMediaRoute(['j', '0', 'output', 'more'], q())).toBe('bad media path');
    expect(itemMediaRoute(['j', '0', 'input'], q('download=1'))).toBe('only outputs are downloaded');
    expect(itemMediaRoute(['j', '0', 'input'], q('variant=huge'))).toBe('unknown picture size');
    expect(sampleMediaRoute(['run'])).toBe('bad sample path');
    for (const bad of ['/%E0%A4%A', '/a/%', '/%2f', '/a%00b', '/a%5Cb']) expect(decodedSegments(bad)).toBeUndefined();
    expect(decodedSegments('/a%20b/c')).toEqual(['', 'a b', 'c']);
  });
});
