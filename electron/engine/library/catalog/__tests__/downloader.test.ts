import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discardPartial, downloadFile, partialPath, type DownloadProgress } from '../downloader.js';
import { makeBytes, rejection, startedServer, tempFolderEach } from './http-fixture.js';

const server = startedServer();
let dir: string;
// Fast retries keep the suite quick; the production default is 200 ms, 400 ms, ...
const FAST = { retryDelayMs: 5 };

tempFolderEach('gs-dl-', (path) => (dir = path));

describe('downloadFile', () => {
  it('downloads a file with monotonic progress ending at the total', async () => {
    const body = makeBytes(3_000_000, 11);
    const url = server.serve('/full.bin', body);
    const dest = join(dir, 'sub', 'full.bin');
    const events: DownloadProgress[] = [];
    const result = await downloadFile(url, dest, { onProgress: (p) => events.push(p) });

    expect(result).toEqual({ path: dest, bytes: body.length, resumed: false });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(existsSync(partialPath(dest))).toBe(false);
    expect(existsSync(`${dest}.part.json`)).toBe(false);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.receivedBytes).toBeGreaterThanOrEqual(events[i - 1]!.receivedBytes);
    }
    expect(events.at(-1)).toMatchObject({ receivedBytes: body.length, totalBytes: body.length });
    expect(events.every((e) => e.totalBytes === body.length && e.bytesPerSecond >= 0)).toBe(true);
    expect(server.requestsFor('/full.bin').at(-1)?.range).toBeUndefined();
  });

  it('resumes with Range + If-Range after the server drops the connection mid-file', async () => {
    const body = makeBytes(500_000, 12);
    const url = server.serve('/drop.bin', body, { dropAfter: { bytes: 120_000, times: 2 } });
    const dest = join(dir, 'drop.bin');
    const result = await downloadFile(url, dest, FAST);

    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(result.resumed).toBe(true);
    const log = server.requestsFor('/drop.bin');
    expect(log.map((r) => r.status)).toEqual([200, 206, 206]);
    expect(log[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(log[1]?.range ?? '')?.[0])).toBeGreaterThan(0);
    expect(log[1]?.ifRange).toMatch(/^"v\d+-500000"$/);
    expect(existsSync(partialPath(dest))).toBe(false);
  });

  it('keeps the part file when cancelled and resumes from it in a later call', async () => {
    const body = makeBytes(400_000, 13);
    const url = server.serve('/cancel.bin', body, { stallAfter: { bytes: 150_000, times: 1 } });
    const dest = join(dir, 'cancel.bin');
    const controller = new AbortController();
    const first = downloadFile(url, dest, {
      ...FAST,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.receivedBytes >= 150_000) controller.abort();
      },
    });
    const err = await rejection(first);
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toContain(partialPath(dest));
    expect(existsSync(dest)).toBe(false);
    const kept = (await stat(partialPath(dest))).size;
    expect(kept).toBe(150_000);

    const events: DownloadProgress[] = [];
    const second = await downloadFile(url, dest, { ...FAST, onProgress: (p) => events.push(p) });
    expect(second.resumed).toBe(true);
    expect((await readFile(dest)).equals(body)).toBe(true);
    const last = server.requestsFor('/cancel.bin').at(-1);
    expect(last).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expect(events[0]!.receivedBytes).toBeGreaterThan(kept);
    expect(events.at(-1)?.receivedBytes).toBe(body.length);
  });

  it('is cancelled at once by an already aborted signal, touching nothing', async () => {
    const url = server.serve('/never.bin', makeBytes(10));
    const dest = join(dir, 'never.bin');
    const err = await rejection(downloadFile(url, dest, { signal: AbortSignal.abort() }));
    expect(err.code).toBe('CANCELLED');
    expect(server.requestsFor('/never.bin')).toHaveLength(0);
    expect(existsSync(partialPath(dest))).toBe(false);
  });

  it('restarts cleanly from zero when the server ignores Range', async () => {
    const body = makeBytes(300_000, 14);
    const url = server.serve('/norange.bin', body, { stallAfter: { bytes: 100_000, times: 1 } });
    const dest = join(dir, 'norange.bin');
    const controller = new AbortController();
    const err = await rejection(
      downloadFile(url, dest, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.receivedBytes >= 100_000) controller.abort();
        },
      }),
    );
    expect(err.code).toBe('CANCELLED');

    server.behave('/norange.bin', { ignoreRange: true });
    const result = await downloadFile(url, dest, FAST);
    expect(result.resumed).toBe(false);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(server.requestsFor('/norange.bin').at(-1)).toMatchObject({ range: 'bytes=100000-', status: 200 });
  });

  it('does not stitch two versions: a changed file (new ETag) restarts from zero', async () => {
    const oldBody = makeBytes(200_000, 15);
    const url = server.serve('/changed.bin', oldBody, { dropAfter: { bytes: 80_000, times: 1 } });
    const dest = join(dir, 'changed.bin');
    await rejection(downloadFile(url, dest, { ...FAST, maxRetries: 0 }));
    expect((await stat(partialPath(dest))).size).toBe(80_000);

    const newBody = makeBytes(200_000, 16);
    server.serve('/changed.bin', newBody);
    const result = await downloadFile(url, dest, FAST);
    expect(result.resumed).toBe(false);
    expect((await readFile(dest)).equals(newBody)).toBe(true);
    const last = server.requestsFor('/changed.bin').at(-1);
    expect(last?.ifRange).toMatch(/^"v\d+-200000"$/);
    expect(last?.status).toBe(200);
  });

  it('resumes by Last-Modified when the server sends no ETag', async () => {
    const body = makeBytes(200_000, 17);
    const url = server.serve('/noetag.bin', body, { noEtag: true, dropAfter: { bytes: 50_000, times: 1 } });
    const dest = join(dir, 'noetag.bin');
    const result = await downloadFile(url, dest, FAST);
    expect(result.resumed).toBe(true);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(server.requestsFor('/noetag.bin')[1]?.ifRange).toMatch(/GMT$/);
  });

  it('finishes a part that is already complete (416) without downloading again', async () => {
    const body = makeBytes(50_000, 18);
    const url = server.serve('/complete.bin', body, { stallAfter: { bytes: 50_000 - 1, times: 1 } });
    const dest = join(dir, 'complete.bin');
    const controller = new AbortController();
    await rejection(
      downloadFile(url, dest, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.receivedBytes >= 49_999) controller.abort();
        },
      }),
    );
    // Simulate a run that wrote the last byte but stopped before the rename.
    await writeFile(partialPath(dest), body);
    const result = await downloadFile(url, dest, FAST);
    expect(result).toMatchObject({ bytes: body.length, resumed: true });
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(server.requestsFor('/complete.bin').at(-1)).toMatchObject({ range: 'bytes=50000-', status: 416 });
  });

  it('answers 404 with IO_ERROR naming the URL, leaving no dest and no part', async () => {
    const url = server.url('/missing.pth');
    const dest = join(dir, 'missing.pth');
    const err = await rejection(downloadFile(url, dest, FAST));
    expect(err.code).toBe('IO_ERROR');
    expect(err.message).toBe(`${url}: server answered 404 Not Found`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(partialPath(dest))).toBe(false);
    expect(server.requestsFor('/missing.pth')).toHaveLength(1);
  });

  it('retries a 503 with backoff, then succeeds', async () => {
    const body = makeBytes(10_000, 19);
    const url = server.serve('/busy.bin', body, { failFirst: { status: 503, times: 2 } });
    const dest = join(dir, 'busy.bin');
    await downloadFile(url, dest, FAST);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(server.requestsFor('/busy.bin').map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('never produces dest from a truncated file once the retries are exhausted', async () => {
    const body = makeBytes(100_000, 20);
    const url = server.serve('/truncated.bin', body, { truncateAt: 60_000 });
    const dest = join(dir, 'truncated.bin');
    const err = await rejection(downloadFile(url, dest, { ...FAST, maxRetries: 3 }));
    expect(err.code).toBe('IO_ERROR');
    expect(err.message).toContain(url);
    expect(err.message).toMatch(/4 attempts in a row/);
    expect(existsSync(dest)).toBe(false);
    // The bytes are kept for a later resume (documented), never renamed to dest.
    expect((await stat(partialPath(dest))).size).toBe(60_000);
    expect(server.requestsFor('/truncated.bin')).toHaveLength(4);
    await discardPartial(dest);
    expect(existsSync(partialPath(dest))).toBe(false);
    expect(existsSync(`${dest}.part.json`)).toBe(false);
  });

  it('treats a stalled connection as dropped and resumes it', async () => {
    const body = makeBytes(200_000, 21);
    const url = server.serve('/stall.bin', body, { stallAfter: { bytes: 70_000, times: 1 } });
    const dest = join(dir, 'stall.bin');
    const result = await downloadFile(url, dest, { ...FAST, idleTimeoutMs: 200 });
    expect(result.resumed).toBe(true);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(server.requestsFor('/stall.bin').at(-1)).toMatchObject({ range: 'bytes=70000-', status: 206 });
  });

  it('refuses a size outside expectedBytes and leaves no dest', async () => {
    const body = makeBytes(20_000, 22);
    const url = server.serve('/small.bin', body);
    const dest = join(dir, 'small.bin');
    const err = await rejection(downloadFile(url, dest, { expectedBytes: { min: 30_000, max: 40_000 } }));
    expect(err.code).toBe('IO_ERROR');
    expect(err.message).toBe(`${url}: the server announces 20000 bytes, expected between 30000 and 40000; nothing was kept`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(partialPath(dest))).toBe(false);

    const ok = await downloadFile(url, dest, { expectedBytes: { min: 19_000, max: 21_000 } });
    expect(ok.bytes).toBe(20_000);
  });

  it('checks the size after the download when the server does not announce it', async () => {
    const body = makeBytes(150_000, 23);
    const url = server.serve('/chunked.bin', body, { noLength: true });
    const dest = join(dir, 'chunked.bin');
    const err = await rejection(downloadFile(url, dest, { expectedBytes: { min: 10, max: 1000 } }));
    expect(err.message).toBe(`${url}: the downloaded file has 150000 bytes, expected between 10 and 1000; it was discarded`);
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(partialPath(dest))).toBe(false);

    const events: DownloadProgress[] = [];
    const ok = await downloadFile(url, dest, { onProgress: (p) => events.push(p) });
    expect(ok.bytes).toBe(150_000);
    expect((await readFile(dest)).equals(body)).toBe(true);
    expect(events.slice(0, -1).every((e) => e.totalBytes === null)).toBe(true);
    expect(events.at(-1)).toMatchObject({ receivedBytes: 150_000, totalBytes: 150_000 });
  });

  it('asks again at once when a server answers a Range with only part of the rest', async () => {
    const body = makeBytes(200_000, 24);
    const url = server.serve('/pieces.bin', body, { dropAfter: { bytes: 20_000, times: 1 }, rangeChunk: 50_000 });
    const dest = join(dir, 'pieces.bin');
    const started = performance.now();
    const result = await downloadFile(url, dest, { retryDelayMs: 300, maxRetries: 1 });
    expect(result.resumed).toBe(true);
    expect((await readFile(dest)).equals(body)).toBe(true);
    const log = server.requestsFor('/pieces.bin');
    expect(log.map((r) => r.status)).toEqual([200, 206, 206, 206, 206]);
    expect(log.slice(1).map((r) => r.range)).toEqual(['bytes=20000-', 'bytes=70000-', 'bytes=120000-', 'bytes=170000-']);
    // One backoff (after the drop), none between the pieces.
    expect(performance.now() - started).toBeLessThan(850);
  });
});
