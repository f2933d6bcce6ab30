/**
 * A real `gan-studio serve` (the built dist/) in its own temporary home, with what the abuse
 * tests and the fuzzers check it by: raw HTTP over a plain socket (so any bytes can be sent),
 * a WebSocket client with the token, the server's open descriptors (/proc/<pid>/fd), and a
 * sentinel tree outside the studio's folders that must be the same before and after.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { WebSocket } from 'ws';
import type { JobStarted, StudioJobEvent } from '../electron/contract/ipc.js';
import type { Result } from '../electron/contract/result.js';
import { startServe, type ServeHandle } from '../e2e/fixtures/studio-serve.js';

export interface RawAnswer {
  /** The status code of the first answer, or 0 when the server closed without one. */
  status: number;
  text: string;
  /** The server did not answer or close within the deadline. */
  timedOut: boolean;
}

export interface LiveServer {
  serve: ServeHandle;
  root: string;
  /** The studio's home ($GAN_STUDIO_HOME). */
  home: string;
  /** The user's home folder ($HOME): where browser mode may put outputs. */
  userHome: string;
  port: number;
  token: string;
  origin: string;
  /** Outside every folder the studio may use; links to it are planted inside the home. */
  sentinel: string;
  alive(): boolean;
  /** The server process's open descriptors. */
  fds(): Promise<number>;
  /** Sends bytes on a fresh connection; resolves with what came back once the server closes or the deadline passes. */
  raw(bytes: string | Buffer, options?: { timeoutMs?: number; reset?: boolean }): Promise<RawAnswer>;
  /** A WebSocket with the token and the right Origin. */
  socket(): Promise<WebSocket>;
  /** One channel call over a socket of its own. */
  invoke<T = unknown>(channel: string, args: unknown, ws?: WebSocket): Promise<Result<T>>;
  /** Uploads one file as the page does; the status and the answer's text. */
  upload(batch: string, path: string, body: Uint8Array<ArrayBuffer>): Promise<{ status: number; text: string }>;
  /** Uploads image files as one batch and starts translating them with `model` into `outDir`; its events arrive in `events` as they come. */
  startBatch(files: { name: string; path: string }[], model: string, outDir: string): Promise<{ job: JobStarted; events: StudioJobEvent[]; done(): Promise<void> }>;
  /** The sentinel tree as a comparable listing: every path with its size and modification time. */
  sentinelListing(): Promise<string[]>;
  stop(): Promise<void>;
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = await stat(p);
      out.push(`${relative(dir, p)} ${e.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Starts the server; `env` adds to its environment (GAN_STUDIO_UPLOAD_QUOTA_MB, ...); `prepare` fills the home before it starts. */
export async function startLiveServer(options: { env?: Record<string, string>; prepare?: (home: string) => Promise<void> } = {}): Promise<LiveServer> {
  const root = await mkdtemp(join(tmpdir(), 'gs-live-'));
  const userHome = join(root, 'user');
  const home = join(userHome, '.config', 'gan-studio');
  const sentinel = join(root, 'sentinel');
  await mkdir(join(sentinel, 'photos', 'deep'), { recursive: true });
  await writeFile(join(sentinel, 'photos', 'keep.jpg'), 'precious');
  await writeFile(join(sentinel, 'photos', 'deep', 'manifest.json'), '{"id":"bait"}');
  await writeFile(join(sentinel, 'photos', 'deep', 'model.onnx'), 'not a model');
  await writeFile(join(sentinel, 'run.json'), '{"version":1}');
  // Links from inside the studio's folders to the sentinel: a check made before links are followed would let them through.
  for (const at of ['models', 'runs', 'datasets']) await mkdir(join(home, at), { recursive: true });
  await symlink(sentinel, join(home, 'models', 'escape'));
  await symlink(sentinel, join(home, 'runs', 'escape'));
  await symlink(sentinel, join(home, 'datasets', 'escape'));
  await symlink(sentinel, join(userHome, 'escape'));
  await options.prepare?.(home);
  const serve = await startServe({ GAN_STUDIO_HOME: home, HOME: userHome, ...options.env } as { GAN_STUDIO_HOME: string; HOME: string });
  const url = new URL(serve.url);
  const token = url.searchParams.get('token') ?? '';
  const port = Number(url.port);
  const origin = url.origin;

  const raw = (bytes: string | Buffer, o: { timeoutMs?: number; reset?: boolean } = {}): Promise<RawAnswer> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const s = connect({ host: '127.0.0.1', port });
      let settled = false;
      const done = (timedOut: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        s.destroy();
        const text = Buffer.concat(chunks).toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
        resolve({ status: m === null ? 0 : Number(m[1]), text, timedOut });
      };
      const timer = setTimeout(() => done(!o.reset), o.timeoutMs ?? 5000);
      s.on('error', () => done(false));
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        // One answer is enough: keep-alive would otherwise hold the connection open.
        const text = Buffer.concat(chunks).toString('latin1');
        const head = text.indexOf('\r\n\r\n');
        if (head >= 0) {
          const length = /content-length: (\d+)/i.exec(text.slice(0, head));
          // A 101 switched protocols: the answer is complete and the socket stays open.
          if (text.startsWith('HTTP/1.1 101') || length === null || text.length - head - 4 >= Number(length[1])) done(false);
        }
      });
      s.on('close', () => done(false));
      s.on('connect', () => {
        s.write(bytes);
        if (o.reset === true) {
          s.resetAndDestroy();
          done(false);
        }
      });
    });

  const socket = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`, { headers: { origin } });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  let nextId = 1;
  const invoke = async <T>(channel: string, args: unknown, given?: WebSocket): Promise<Result<T>> => {
    const ws = given ?? (await socket());
    const id = nextId++;
    try {
      return await new Promise<Result<T>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${channel}: no answer in 60 s`)), 60_000);
        const onMessage = (data: Buffer): void => {
          const m = JSON.parse(data.toString()) as { kind: string; id?: number; result?: Result<T> };
          if (m.kind === 'result' && m.id === id) {
            clearTimeout(timer);
            ws.off('message', onMessage);
            resolve(m.result as Result<T>);
          }
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id, channel, args }));
      });
    } finally {
      if (given === undefined) ws.close();
    }
  };

  const upload = async (batch: string, path: string, body: Uint8Array<ArrayBuffer>): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${origin}/api/upload?token=${token}&batch=${batch}&path=${encodeURIComponent(path)}`, { method: 'POST', body: new Uint8Array(body) });
    return { status: response.status, text: await response.text() };
  };

  const startBatch = async (files: { name: string; path: string }[], model: string, outDir: string): Promise<{ job: JobStarted; events: StudioJobEvent[]; done(): Promise<void> }> => {
    const batch = randomUUID();
    for (const f of files) {
      const sent = await upload(batch, f.name, new Uint8Array(await readFile(f.path)));
      if (sent.status !== 200) throw new Error(`upload of ${f.name}: ${sent.text}`);
    }
    const ws = await socket();
    const events: StudioJobEvent[] = [];
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { kind: string; event?: string; payload?: StudioJobEvent };
      if (m.kind === 'event' && m.event === 'jobs:event' && m.payload !== undefined) events.push(m.payload);
    });
    const started = await invoke<JobStarted>('jobs:start', { inputs: [`upload:${batch}`], model, outputDir: outDir, format: 'png' }, ws);
    if (!started.ok) throw new Error(started.error.message);
    const done = async (): Promise<void> => {
      const deadline = Date.now() + 300_000;
      while (!events.some((e) => e.type === 'finished' && e.jobId === started.data.jobId)) {
        if (Date.now() > deadline || !(serve.process.exitCode === null)) throw new Error(`the batch did not finish: ${JSON.stringify(events.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      ws.close();
    };
    return { job: started.data, events, done };
  };

  return {
    serve,
    root,
    home,
    userHome,
    port,
    token,
    origin,
    sentinel,
    alive: () => serve.process.exitCode === null && serve.process.signalCode === null,
    fds: async () => (await readdir(`/proc/${serve.pid}/fd`)).length,
    raw,
    socket,
    invoke,
    upload,
    startBatch,
    sentinelListing: () => listing(sentinel),
    stop: async () => {
      await serve.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** An HTTP/1.1 request as bytes, with this server's Host unless told otherwise. */
export function request(server: Pick<LiveServer, 'port'>, method: string, target: string, headers: Record<string, string> = {}, body = ''): string {
  const all = { host: `127.0.0.1:${server.port}`, connection: 'close', ...headers };
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}
