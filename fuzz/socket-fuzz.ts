/**
 * Random and mutated socket messages against a live `gan-studio serve`: every channel with
 * arguments mutated from plausible ones (hostile paths and ids, wrong types, huge and nested
 * values), JSON that is not a request, and raw frames the ws library refuses. Each request
 * with a number id must be answered, the server must live through all of it, keep its
 * descriptors and leave the sentinel tree alone.
 */
import type { WebSocket } from 'ws';
import { INVOKE_CHANNELS } from '../electron/contract/ipc.js';
import { FuzzRng, type FuzzFigures, type FuzzOptions } from './figures.js';
import { liveServerSession } from './http-fuzz.js';
import type { LiveServer } from './live-server.js';

/** Channels left out: a catalog download reaches the internet (hundreds of MB), not the studio's defences. */
const SKIPPED = new Set(['catalog:download']);

function hostileValues(server: LiveServer): unknown[] {
  return [
    null,
    undefined,
    0,
    -1,
    1e308,
    Number.NaN,
    true,
    '',
    '..',
    '../../..',
    '__proto__',
    'constructor',
    server.sentinel,
    `${server.home}/models/../../../sentinel`,
    `${server.home}/datasets/escape`,
    `${server.userHome}/escape`,
    `upload:../..`,
    'upload:nope',
    'item:x:0',
    '/etc/passwd',
    'x'.repeat(5000),
    '\u0000',
    '\u202e',
    [],
    ['x'],
    {},
    { __proto__: { polluted: true } },
    JSON.parse('{"__proto__":{"polluted":1}}'),
  ];
}

/** Plausible arguments per channel, the starting points for mutation. */
function seeds(server: LiveServer): Record<string, Record<string, unknown>> {
  return {
    'models:import': { path: 'upload:nope' },
    'models:delete': { id: 'escape' },
    'catalog:cancel': { name: 'x' },
    'jobs:start': { inputs: ['upload:nope'], model: 'tiny', outputDir: `${server.userHome}/out` },
    'jobs:cancel': { jobId: 'x', index: 0 },
    'jobs:retry': { jobId: 'x' },
    'settings:set': { theme: 'dark', outputDir: `${server.userHome}/out` },
    'outputs:open': { jobId: 'x', index: 0, reveal: false },
    'outputs:openFolder': { jobId: 'x' },
    'outputs:drag': { jobId: 'x', index: 0 },
    'dialog:pick': { kind: 'folder' },
    'folders:list': { path: server.userHome },
    'preview:render': { stream: 's', model: 'tiny', source: { png: 'aGVsbG8=' } },
    'training:check': { inputs: ['upload:nope'] },
    'training:estimate': { settings: { mode: 'cyclegan', dataA: `${server.home}/datasets/escape` } },
    'training:start': { settings: { mode: 'cyclegan', dataA: server.sentinel } },
    'training:pause': { runId: 'escape' },
    'training:resume': { runId: 'escape' },
    'training:stop': { runId: 'escape' },
    'training:export': { runId: 'escape' },
    'training:history': { runId: 'escape' },
    'training:delete': { runId: 'escape' },
    'sketch:edges': { source: { png: 'aGVsbG8=' } },
    'sketch:save': { sketch: 'aGVsbG8=', output: 'aGVsbG8=', model: 'tiny' },
  };
}

function mutateArgs(rng: FuzzRng, args: Record<string, unknown>, server: LiveServer): unknown {
  if (rng.chance(0.1)) return rng.pick(hostileValues(server));
  const out: Record<string, unknown> = { ...args };
  const keys = [...Object.keys(out), 'extra', '__proto__', 'path', 'dir', 'home'];
  for (let r = 1 + rng.int(3); r > 0; r--) {
    const key = rng.pick(keys);
    if (rng.chance(0.7)) out[key] = rng.pick(hostileValues(server));
    else delete out[key];
  }
  return out;
}

export function socketMessage(rng: FuzzRng, server: LiveServer, id: number): { text: string; expectsAnswer: boolean } {
  const roll = rng.int(12);
  if (roll === 0) return { text: rng.pick(['null', '1', '"x"', '[]', 'true', '{', '{"id":', '\u0000', '{"id":null}', '{"id":"1","channel":"models:list"}']), expectsAnswer: false };
  if (roll === 1) return { text: rng.bytes(1 + rng.int(64)).toString('latin1'), expectsAnswer: false };
  const channels = INVOKE_CHANNELS.filter((c) => !SKIPPED.has(c));
  const channel = roll === 2 ? rng.pick(['nope', '__proto__', 'constructor', 'models:list:x', 'toString', '']) : rng.pick(channels);
  const plausible = seeds(server)[channel] ?? {};
  const args = rng.chance(0.15) ? plausible : mutateArgs(rng, plausible, server);
  return { text: JSON.stringify({ id, channel, args }), expectsAnswer: true };
}

/** Frames the ws library refuses: reserved bits, an unmasked client frame, reserved opcodes, a bad length. */
const BAD_FRAMES = [Buffer.from([0xc1, 0x80, 0, 0, 0, 0]), Buffer.from([0x81, 0x01, 0x41]), Buffer.from([0x83, 0x80, 0, 0, 0, 0]), Buffer.from([0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7])];

async function sendAndWait(ws: WebSocket, text: string, id: number, expectsAnswer: boolean, timeoutMs: number): Promise<'answered' | 'silent' | 'hang'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(expectsAnswer ? 'hang' : 'silent'), expectsAnswer ? timeoutMs : 20);
    const onMessage = (data: Buffer): void => {
      try {
        const m = JSON.parse(data.toString()) as { kind?: string; id?: number };
        if (m.kind === 'result' && m.id === id) finish('answered');
      } catch {
        // not ours
      }
    };
    const finish = (how: 'answered' | 'silent' | 'hang'): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve(how);
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}

export function run({ seed, iterations }: FuzzOptions): Promise<FuzzFigures> {
  return liveServerSession(
    seed,
    async (server) => {
      const first = await server.socket();
      await server.invoke('engine:status', {}, first);
      return first;
    },
    async (server, rng, figures, first) => {
      let ws = first;
      for (let k = 0; k < iterations && server.alive(); k++) {
        figures.tried++;
        if (k % 50 === 49) {
          // A frame ws refuses ends that socket; the next cases go over a fresh one.
          const frame = rng.pick(BAD_FRAMES);
          (ws as unknown as { _socket: import('node:net').Socket })._socket.write(frame);
          await new Promise((r) => {
            ws.once('close', r);
            setTimeout(r, 2000);
          });
          ws = await server.socket();
          continue;
        }
        const id = 1_000_000 + k;
        const message = socketMessage(rng, server, id);
        const how = await sendAndWait(ws, message.text, id, message.expectsAnswer, 20_000);
        if (how === 'hang') {
          figures.hangs++;
          if ((figures.notes?.length ?? 0) < 10) figures.notes?.push(`no answer in 20 s to ${message.text.slice(0, 160)}`);
        }
        if (ws.readyState !== ws.OPEN) ws = await server.socket();
      }
      ws.close();
    },
  );
}
