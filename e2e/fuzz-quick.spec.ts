/**
 * The fuzz and abuse suite, quick: each fuzz module with few iterations (npm run fuzz runs them
 * deep), and issue 14's acceptance burst: a batch keeps translating through 10,000 malformed
 * requests. Seeds are fixed, so a failure replays with `npm run fuzz -- --seed <seed> --only <module>`.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBatch } from './fixtures/batch-images.js';
import { installTinyModel } from './fixtures/tiny-model.js';
import { FuzzRng } from '../fuzz/figures.js';
import { burst, run as httpFuzz } from '../fuzz/http-fuzz.js';
import { run as pathFuzz } from '../fuzz/path-fuzz.js';
import { run as socketFuzz } from '../fuzz/socket-fuzz.js';
import { startLiveServer, type LiveServer } from '../fuzz/live-server.js';

const SEED = 14;
let server: LiveServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describe('the fuzz suite, quick', () => {
  it('path and id checks hold for random hostile paths and names', async () => {
    const figures = await pathFuzz({ seed: SEED, iterations: 1500 });
    expect(figures).toMatchObject({ tried: 1500, crashes: 0, hangs: 0, escapes: 0 });
  });

  it('gan-studio serve answers random and mutated requests and socket messages, and stays whole', async () => {
    const http = await httpFuzz({ seed: SEED, iterations: 400 });
    expect(http, http.notes?.join('\n')).toMatchObject({ tried: 400, crashes: 0, hangs: 0, escapes: 0 });
    const socket = await socketFuzz({ seed: SEED, iterations: 300 });
    expect(socket, socket.notes?.join('\n')).toMatchObject({ tried: 300, crashes: 0, hangs: 0, escapes: 0 });
  });

  it('a batch keeps translating through a burst of 10,000 malformed requests', async () => {
    server = await startLiveServer({ prepare: (home) => installTinyModel(home, 'tiny').then(() => undefined) });
    const files = await writeBatch(join(server.root, 'in'), 120, { width: 64, height: 48 }, false);
    const fdsBefore = await server.fds();
    const batch = await server.startBatch(files, 'tiny', join(server.userHome, 'out'));
    const doneBefore = batch.events.filter((e) => e.type === 'item-done').length;
    const sent = await burst(server, new FuzzRng(SEED), 10_000);
    const doneDuringBurst = batch.events.filter((e) => e.type === 'item-done').length;
    await batch.done();
    expect(sent).toEqual({ sent: 10_000, unanswered: 0 });
    expect(server.alive()).toBe(true);
    const finished = batch.events.find((e) => e.type === 'finished');
    expect(finished).toMatchObject({ succeeded: 120, failed: 0 });
    // The batch ran while the burst went on: it was not done when the burst began, and items finished during it.
    expect(doneBefore).toBeLessThan(120);
    expect(doneDuringBurst).toBeGreaterThan(doneBefore);
    await new Promise((r) => setTimeout(r, 500));
    expect(await server.fds()).toBeLessThanOrEqual(fdsBefore + 8);
  }, 120_000);
});
