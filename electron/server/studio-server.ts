import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { isInvokeChannel, type EventChannels } from '../contract/ipc.js';
import { WIRE_PATHS, isMediaVariant, type WireMessage, type WireRequest } from '../contract/wire.js';
import { StudioError, toErrorInfo } from '../engine/errors.js';
import { packageRoot, studioHome } from '../engine/library/paths.js';
import { forkEngine } from '../studio/fork-launcher.js';
import type { EngineLauncher } from '../studio/engine-supervisor.js';
import { StudioService } from '../studio/studio-service.js';
import { UploadStore } from './upload-store.js';

export interface ServeOptions {
  port?: number;
  home?: string;
  /** Folder of the built renderer (index.html and its bundle). */
  rendererDir?: string;
  launchEngine?: EngineLauncher;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  service: StudioService;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.avif': 'image/avif',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Browser mode: the renderer and the contract over HTTP + WebSocket on 127.0.0.1 only. Every
 * API request needs the random token from the printed URL, and the Host and Origin headers
 * must name this server, so neither other sites nor DNS rebinding can drive the studio.
 */
export async function startStudioServer(options: ServeOptions = {}): Promise<RunningServer> {
  const token = randomBytes(24).toString('hex');
  const home = options.home ?? studioHome();
  const rendererDir = options.rendererDir ?? join(packageRoot(), 'dist', 'renderer');
  const uploads = await UploadStore.create();
  const sockets = new Set<WebSocket>();
  let port = 0;

  const service = new StudioService({
    mode: 'browser',
    home,
    launchEngine: options.launchEngine ?? forkEngine,
    send: <E extends keyof EventChannels>(event: E, payload: EventChannels[E]) => {
      const message = JSON.stringify({ kind: 'event', event, payload } as WireMessage);
      for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
    },
    resolveInputs: async (inputs) => {
      const paths: string[] = [];
      for (const input of inputs) {
        if (!input.startsWith('upload:')) throw new StudioError('BAD_ARGUMENT', `browser mode translates uploaded files only, not "${input}"`);
        paths.push(...(await uploads.resolve(input.slice('upload:'.length))));
      }
      return paths;
    },
  });

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '');
  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return origin === undefined || allowedHosts().some((h) => origin === `http://${h}`);
  };
  const tokenOk = (url: URL): boolean => sameSecret(url.searchParams.get('token') ?? '', token);

  const sendError = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${message}\n`);
  };

  const csp = (): string =>
    [
      "default-src 'none'",
      "script-src 'self'",
      // MUI (emotion) writes its styles into <style> elements at run time.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' blob: data:",
      "font-src 'self'",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');

  const serveStatic = async (res: ServerResponse, pathname: string): Promise<void> => {
    const relative = pathname === '/' ? 'index.html' : normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
    if (relative.split(sep).includes('..')) return sendError(res, 400, 'bad path');
    const file = join(rendererDir, relative);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return sendError(res, 404, relative === 'index.html' ? `the renderer is not built (${rendererDir}); run npm run build` : 'not found');
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp(),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(body);
  };

  const serveMedia = async (res: ServerResponse, url: URL): Promise<void> => {
    const [jobId, index, which] = url.pathname.slice(WIRE_PATHS.media.length + 1).split('/');
    if (jobId === undefined || index === undefined || (which !== 'input' && which !== 'output')) return sendError(res, 400, 'bad media path');
    // The page is shown pictures the engine made (any format, downscaled); only a download of an
    // output sends the file itself.
    const download = url.searchParams.get('download') === '1';
    let file: string | undefined;
    let type: string;
    if (download) {
      if (which !== 'output') return sendError(res, 400, 'only outputs are downloaded');
      file = service.jobs.file(jobId, Number(index), which);
      if (file === undefined) return sendError(res, 404, 'no such file');
      type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    } else {
      const variant = url.searchParams.get('variant') ?? 'view';
      if (!isMediaVariant(variant)) return sendError(res, 400, `unknown picture size "${variant}"`);
      const picture = await service.itemPicture(jobId, Number(index), which, variant);
      if (!picture.ok) return sendError(res, picture.error.code === 'BAD_ARGUMENT' ? 404 : 422, picture.error.message);
      file = picture.data.file;
      type = 'image/webp';
    }
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return sendError(res, 404, `${basename(file)} is no longer on disk`);
    }
    const headers: Record<string, string> = {
      'content-type': type,
      'content-length': String(size),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=3600',
    };
    if (download) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(basename(file))}`;
    res.writeHead(200, headers);
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };

  const serveRunMedia = async (res: ServerResponse, url: URL): Promise<void> => {
    const [runId, file] = url.pathname.slice(WIRE_PATHS.runMedia.length + 1).split('/');
    const path = runId === undefined || file === undefined ? undefined : service.sampleFile(runId, file);
    if (path === undefined) return sendError(res, 400, 'bad sample path');
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return sendError(res, 404, 'no such sample');
    }
    // A sample file never changes once written: the page may cache it.
    res.writeHead(200, { 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=86400' });
    res.end(body);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      const length = req.headers['content-length'];
      await uploads.save(url.searchParams.get('batch') ?? '', url.searchParams.get('path') ?? '', req, length === undefined ? undefined : Number(length));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, data: null }));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: toErrorInfo(err) }));
    }
  };

  const server: Server = createServer((req, res) => {
    if (!hostOk(req)) return sendError(res, 421, 'this server answers only to 127.0.0.1 and localhost');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      if (!tokenOk(url) || !originOk(req)) return sendError(res, 403, 'missing or wrong token: open the URL that gan-studio serve printed');
      if (req.method === 'POST' && url.pathname === WIRE_PATHS.upload) return void handleUpload(req, res, url);
      if (req.method === 'GET' && url.pathname.startsWith(`${WIRE_PATHS.media}/`)) return void serveMedia(res, url);
      if (req.method === 'GET' && url.pathname.startsWith(`${WIRE_PATHS.runMedia}/`)) return void serveRunMedia(res, url);
      return sendError(res, 404, 'not found');
    }
    if (req.method !== 'GET') return sendError(res, 405, 'method not allowed');
    // The page itself needs the token too, so a guessed port shows nothing.
    if (url.pathname === '/' && !tokenOk(url)) return sendError(res, 403, 'missing or wrong token: open the URL that gan-studio serve printed');
    void serveStatic(res, url.pathname);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 2 ** 20 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostOk(req) || !originOk(req) || req.headers.origin === undefined || url.pathname !== WIRE_PATHS.socket || !tokenOk(url)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (raw) => {
        let request: WireRequest;
        try {
          request = JSON.parse(raw.toString()) as WireRequest;
        } catch {
          return;
        }
        if (typeof request.id !== 'number') return;
        const reply = (result: WireMessage & { kind: 'result' }): void => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(result));
        };
        if (!isInvokeChannel(request.channel)) {
          reply({ kind: 'result', id: request.id, result: { ok: false, error: { code: 'BAD_ARGUMENT', message: `unknown channel ${String(request.channel)}` } } });
          return;
        }
        void service.invoke(request.channel, request.args).then((result) => reply({ kind: 'result', id: request.id, result }));
      });
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  void service.start();

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    service,
    close: async () => {
      // A run in training pauses with a checkpoint first, so the next start can resume it.
      await service.shutdown();
      for (const socket of sockets) socket.terminate();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      await uploads.dispose();
    },
  };
}
