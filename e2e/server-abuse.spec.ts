/**
 * Issue 14's findings against a real `gan-studio serve`: each hostile request is answered, the
 * server never exits, keeps no descriptor of a download the client abandoned, and what a page
 * sends never reaches a folder outside the studio's.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './fixtures/batch-images.js';
import { installTinyModel } from './fixtures/tiny-model.js';
import { request, startLiveServer, type LiveServer } from '../fuzz/live-server.js';

let server: LiveServer;
let before: string[];

beforeAll(async () => {
  server = await startLiveServer({ env: { GAN_STUDIO_UPLOAD_QUOTA_MB: '1' }, prepare: (home) => installTinyModel(home, 'tiny').then(() => undefined) });
  before = await server.sentinelListing();
});
afterAll(async () => {
  await server?.stop();
});

const api = (path: string, extra = ''): string => `${path}?token=${server.token}${extra}`;

const upload = (batch: string, path: string, body: Buffer): Promise<{ status: number; text: string }> => server.upload(batch, path, new Uint8Array(body));

describe('gan-studio serve under hostile requests', () => {
  it('answers malformed targets (bad percent escapes, absolute forms new URL cannot parse) in plain and upgrade requests, and resets during a refused upgrade', async () => {
    const upgrade = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', origin: server.origin };
    const cases = [
      request(server, 'GET', '/%E0%A4%A'),
      request(server, 'GET', '/assets/%'),
      request(server, 'GET', api('/api/media/%zz/0/input')),
      request(server, 'GET', 'http://a:b/'),
      request(server, 'GET', 'http://[::1/'),
      request(server, 'GET', '/%00/index.html'),
      request(server, 'GET', 'http://a:b/api/ws', upgrade),
      request(server, 'GET', '/api/ws/%E0%A4%A', upgrade),
    ];
    for (const bytes of cases) {
      const answer = await server.raw(bytes);
      expect(answer.status, bytes.split('\r\n')[0]).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(server.alive()).toBe(true);
    }
    for (let k = 0; k < 20; k++) await server.raw(request(server, 'GET', '/api/ws', { ...upgrade, origin: 'http://evil.example' }), { reset: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.alive()).toBe(true);
    expect((await server.raw(request(server, 'GET', api('/')))).status).toBe(200);
  });

  it('keeps its socket through messages that are JSON null, not objects, or frames the ws library refuses', async () => {
    const ws = await server.socket();
    for (const message of ['null', '42', '"x"', '[]', '{"id":"1"}', '{"id":1,"channel":{"toString":1}}', '{"id":1e400,"channel":"models:list"}', '{"id":2,"channel":"__proto__","args":{}}']) ws.send(message);
    const answer = await server.invoke('models:list', {}, ws);
    expect(answer.ok).toBe(true);
    ws.close();
    // A frame with a reserved bit set, one unmasked (a client must mask), and a reserved opcode: each makes ws refuse the socket.
    for (const frame of [Buffer.from([0xc1, 0x80, 0, 0, 0, 0]), Buffer.from([0x81, 0x01, 0x41]), Buffer.from([0x83, 0x80, 0, 0, 0, 0])]) {
      const s = await server.socket();
      const raw = (s as unknown as { _socket: import('node:net').Socket })._socket;
      raw.write(frame);
      await new Promise((r) => s.once('close', r));
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(server.alive()).toBe(true);
    expect((await server.invoke('engine:status', {})).ok).toBe(true);
  });

  it('serves /index.html, like /, only with the token', async () => {
    expect((await fetch(`${server.origin}/index.html`)).status).toBe(403);
    expect((await fetch(`${server.origin}/./index.html`)).status).toBe(403);
    expect((await fetch(`${server.origin}/`)).status).toBe(403);
    expect((await fetch(`${server.origin}/index.html?token=${server.token}`)).status).toBe(200);
  });

  it('counts a chunked upload with no Content-Length against the quota; an interrupted upload can be retried; no error names the upload folder', async () => {
    // 2 MB in chunks, no length declared, against a 1 MB quota (GAN_STUDIO_UPLOAD_QUOTA_MB=1).
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 1));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const big = await fetch(`${server.origin}${api('/api/upload', '&batch=quota&path=big.bin')}`, { method: 'POST', body, duplex: 'half' } as RequestInit).then(
      async (r) => ({ status: r.status, text: await r.text() }),
      (err: unknown) => ({ status: 0, text: String(err) }),
    );
    // Answered, not reset: the page can show why.
    expect(big.status, big.text).toBe(400);
    expect(big.text).toMatch(/big\.bin does not fit: this session's uploads are limited to 1 MB/);

    // Half a file, then the connection drops; the retry of the same file must succeed.
    const head = request(server, 'POST', api('/api/upload', '&batch=retry&path=photo.jpg'), { 'content-length': '1000' }, 'x'.repeat(100));
    await server.raw(head, { timeoutMs: 300, reset: true });
    await new Promise((r) => setTimeout(r, 200));
    const retry = await upload('retry', 'photo.jpg', Buffer.alloc(1000, 2));
    expect(retry.status, retry.text).toBe(200);
    const twice = await upload('retry', 'photo.jpg', Buffer.alloc(10, 2));
    expect(twice.status).toBe(400);
    expect(twice.text).toMatch(/photo\.jpg was already uploaded/);
    expect(twice.text).not.toMatch(/gan-studio-uploads|\/tmp\//);
    expect(server.alive()).toBe(true);
  });

  it('keeps no file or connection of uploads whose body is malformed, cut short, or never sent', async () => {
    const t = `token=${server.token}`;
    const bodies = [
      request(server, 'POST', `/api/upload?${t}&batch=cut&path=a.jpg`, { 'content-length': '1000' }, 'x'.repeat(10)),
      request(server, 'POST', `/api/upload?${t}&batch=cut&path=b.jpg`, { 'transfer-encoding': 'chunked' }, 'zz\r\nxx\r\n'),
      request(server, 'POST', `/api/upload?${t}&batch=cut&path=c.jpg`, { expect: '100-continue', 'content-length': '10' }),
    ];
    const fdsBefore = await server.fds();
    for (let k = 0; k < 10; k++) for (const bytes of bodies) await server.raw(bytes, { timeoutMs: 200 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await server.fds()).toBeLessThanOrEqual(fdsBefore + 2);
    expect(server.alive()).toBe(true);
  });

  it('refuses training settings that name folders outside the studio\'s copies of uploads, or start-from models by path', async () => {
    await writeBatch(join(server.sentinel, 'faces'), 3, { width: 32, height: 32 }, false);
    before = await server.sentinelListing();
    const settings = { mode: 'cyclegan', dataA: join(server.sentinel, 'faces'), dataB: `${server.home}/datasets/../../sentinel/faces`, arch: 'resnet_6blocks', ngf: 4, ndf: 4, dLayers: 1, norm: 'instance', iterations: 2, size: 32, loadSize: 32, batch: 1, flip: false, lr: 0.0002, lambdaCycle: 10, lambdaIdentity: 0.5, lambdaL1: 100, seed: 1, sampleEvery: 1, checkpointEvery: 2, name: 'escape', device: 'cpu', edges: false };
    for (const channel of ['training:start', 'training:estimate']) {
      const answer = await server.invoke(channel, { settings });
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.message).toMatch(/Folder A must be a folder uploaded to the studio/);
      const escape = await server.invoke(channel, { settings: { ...settings, dataA: join(server.home, 'datasets', 'escape', 'faces'), dataB: undefined } });
      expect(escape.ok).toBe(false);
      const from = await server.invoke(channel, { settings: { ...settings, from: join(server.sentinel, 'photos', 'deep') } });
      expect(from.ok).toBe(false);
      if (!from.ok) expect(from.error.message).toMatch(/Start from must be a model of the library/);
    }
    expect(await readdir(join(server.home, 'runs'))).toEqual(['escape']);
  });

  it('answers a download whose file vanished or cannot be read, and keeps no descriptor of downloads the client abandoned', async () => {
    const files = await writeBatch(join(server.root, 'in-dl'), 2, { width: 64, height: 48 }, false);
    const batch = await server.startBatch(files, 'tiny', join(server.userHome, 'out-dl'));
    await batch.done();
    const { job, events } = batch;
    const done = events.flatMap((e) => (e.type === 'item-done' ? [{ index: e.index, output: e.output }] : []));
    const [big, other] = done;
    if (big === undefined || other === undefined) throw new Error('no outputs');
    const download = (index: number): string => `${server.origin}${api(`/api/media/${job.jobId}/${index}/output`, '&download=1')}`;
    expect((await fetch(download(big.index))).status).toBe(200);
    // A large output (as a big photo makes): the client reads a little and goes away.
    await writeFile(big.output, Buffer.alloc(64 * 2 ** 20, 3));
    const fdsBefore = await server.fds();
    for (let k = 0; k < 40; k++) {
      await server.raw(request(server, 'GET', api(`/api/media/${job.jobId}/${big.index}/output`, '&download=1')), { timeoutMs: 30, reset: true });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await server.fds()).toBeLessThanOrEqual(fdsBefore + 3);
    // The other output: first vanished, then a folder where the file was (unreadable as a file).
    await rm(other.output);
    const vanished = await fetch(download(other.index));
    expect(vanished.status).toBe(404);
    await mkdir(other.output);
    const unreadable = await fetch(download(other.index));
    expect(unreadable.status).toBe(404);
    expect(await unreadable.text()).toMatch(/cannot be read/);
    expect(server.alive()).toBe(true);
  });

  it('names models by library id only: a model folder elsewhere on disk is never loaded', async () => {
    const modelDir = join(server.sentinel, 'model');
    await mkdir(modelDir, { recursive: true });
    before = await server.sentinelListing();
    for (const [channel, args] of [
      ['jobs:start', { inputs: ['upload:x'], model: modelDir }],
      ['preview:render', { stream: 's', model: `${server.home}/models/../../../sentinel/model`, source: { png: 'aGVsbG8=' } }],
      ['sketch:save', { sketch: 'aGVsbG8=', output: 'aGVsbG8=', model: '../model' }],
    ] as const) {
      const answer = await server.invoke(channel, args);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.message).toMatch(/model: not a model id/);
    }
  });

  it('puts outputs only inside the home folder (or a mounted volume), links followed', async () => {
    const ws = await server.socket();
    for (const outputDir of [server.sentinel, join(server.userHome, 'escape', 'out'), `${server.userHome}/../sentinel`]) {
      const started = await server.invoke('jobs:start', { inputs: ['upload:batch-dl'], model: 'tiny', outputDir }, ws);
      expect(started.ok).toBe(false);
      if (!started.ok) expect(started.error.message).toBe('the output folder must be inside your home folder or a mounted volume');
      const saved = await server.invoke('settings:set', { outputDir }, ws);
      expect(saved.ok).toBe(false);
    }
    const settings = await server.invoke<{ outputDir: string }>('settings:get', {}, ws);
    expect(settings.ok && settings.data.outputDir.startsWith(server.userHome)).toBe(true);
    ws.close();
  });

  it('leaves the sentinel tree outside its folders as it was', async () => {
    expect(await server.sentinelListing()).toEqual(before);
  });
});
