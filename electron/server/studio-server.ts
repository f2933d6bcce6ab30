import { randomBytes, timingSafeEqual } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isInvokeChannel, type EventChannels } from '../contract/ipc.js';
import { WIRE_PATHS, type WireMessage, type WireRequest } from '../contract/wire.js';
import type { Result } from '../contract/result.js';
import { StudioError, toErrorInfo } from '../engine/errors.js';
import { childPath } from '../engine/files/confined-path.js';
import { processLogger } from '../engine/logging/index.js';
import { packageRoot, studioHome } from '../engine/library/paths.js';
import { forkEngine } from '../studio/fork-launcher.js';
import type { EngineLauncher } from '../studio/engine-supervisor.js';
import { itemMediaRoute, sampleMediaRoute } from '../studio/media-routes.js';
import { StudioService } from '../studio/studio-service.js';
import { parseTarget, type RequestTarget } from './request-target.js';
import { UploadStore, type UploadLimits } from './upload-store.js';

export interface ServeOptions {
  port?: number;
  home?: string;
  /** Folder of the built renderer (index.html and its bundle). */
  rendererDir?: string;
  launchEngine?: EngineLauncher;
  uploadLimits?: UploadLimits;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  service: StudioService;
  close(): Promise<void>;
}

/** The largest socket message: a preview's picture (15 MB of base64) and its envelope fit. */
export const MAX_SOCKET_MESSAGE_BYTES = 16 * 2 ** 20;

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
  const uploads = await UploadStore.create(options.uploadLimits);
  const sockets = new Set<WebSocket>();
  let port = 0;

  const service = new StudioService({
    mode: 'browser',
    home,
    launchEngine: options.launchEngine ?? forkEngine,
    send: <E extends keyof EventChannels>(event: E, payload: EventChannels[E]) => {
      const message = uploads.redact(JSON.stringify({ kind: 'event', event, payload } as WireMessage));
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
  const tokenOk = (target: RequestTarget): boolean => sameSecret(target.query.get('token') ?? '', token);

  const sendError = (res: ServerResponse, status: number, message: string): void => {
    if (res.headersSent || res.destroyed) return;
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

  const indexFile = join(rendererDir, 'index.html');
  const serveStatic = async (res: ServerResponse, target: RequestTarget): Promise<void> => {
    const file = target.path === '/' ? indexFile : childPath(rendererDir, target.path);
    if (file === undefined) return sendError(res, 400, 'bad path');
    // The page itself needs the token too, by whichever name it is asked for, so a guessed port shows nothing.
    if (file === indexFile && !tokenOk(target)) return sendError(res, 403, 'missing or wrong token: open the URL that gan-studio serve printed');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return sendError(res, 404, file === indexFile ? `the renderer is not built (${rendererDir}); run npm run build` : 'not found');
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

  /** Sends a file: opened first (a vanished or unreadable file is answered, not thrown), closed when the client goes. */
  const sendFile = async (res: ServerResponse, file: string, headers: Record<string, string>): Promise<void> => {
    let handle: FileHandle;
    let size: number;
    try {
      handle = await open(file, 'r');
    } catch {
      return sendError(res, 404, `${basename(file)} is no longer on disk or cannot be read`);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      await handle.close().catch(() => undefined);
      return sendError(res, 404, `${basename(file)} cannot be read`);
    }
    res.writeHead(200, { ...headers, 'content-length': String(size) });
    // pipeline closes the file whether the download ends, fails, or the client goes away.
    await pipeline(handle.createReadStream(), res).catch(() => res.destroy());
  };

  const serveMedia = async (res: ServerResponse, target: RequestTarget): Promise<void> => {
    const route = itemMediaRoute(target.segments.slice(3), target.query);
    if (typeof route === 'string') return sendError(res, 400, route);
    // The page is shown pictures the engine made (any format, downscaled); only a download of an
    // output sends the file itself.
    let file: string | undefined;
    let type: string;
    if (route.download) {
      file = service.jobs.file(route.jobId, route.index, route.which);
      if (file === undefined) return sendError(res, 404, 'no such file');
      type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    } else {
      const picture = await service.itemPicture(route.jobId, route.index, route.which, route.variant);
      if (!picture.ok) return sendError(res, picture.error.code === 'BAD_ARGUMENT' ? 404 : 422, uploads.redact(picture.error.message));
      file = picture.data.file;
      type = 'image/webp';
    }
    const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=3600' };
    if (route.download) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(basename(file))}`;
    await sendFile(res, file, headers);
  };

  const serveRunMedia = async (res: ServerResponse, target: RequestTarget): Promise<void> => {
    const route = sampleMediaRoute(target.segments.slice(3));
    const path = typeof route === 'string' ? undefined : service.sampleFile(route.runId, route.file);
    if (path === undefined) return sendError(res, 400, 'bad sample path');
    // A sample file never changes once written: the page may cache it.
    await sendFile(res, path, { 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=86400' });
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const answer = (status: number, body: unknown): void => {
      if (res.headersSent || res.destroyed) return;
      // The page stops sending once refused: close the connection rather than read the rest.
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 200 ? {} : { connection: 'close' }) });
      res.end(JSON.stringify(body));
    };
    try {
      const length = req.headers['content-length'];
      await uploads.save(target.query.get('batch') ?? '', target.query.get('path') ?? '', req, length === undefined ? undefined : Number(length));
      answer(200, { ok: true, data: null });
    } catch (err) {
      const info = toErrorInfo(err);
      answer(400, { ok: false, error: { ...info, message: uploads.redact(info.message) } });
      // The rest of a refused body is not read: the connection closes once the answer is out, or
      // at once when the body itself failed (the client went away, a malformed chunk).
      req.unpipe();
      if (req.errored !== null || req.destroyed || res.destroyed) req.socket.destroy();
      else {
        res.once('finish', () => req.socket.destroySoon());
        req.once('error', () => req.socket.destroy());
      }
    }
  };

  const forbidden = 'missing or wrong token: open the URL that gan-studio serve printed';
  /** Every HTTP request, routed; whatever a route throws becomes a 500 answer, never an exit. */
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostOk(req)) return sendError(res, 421, 'this server answers only to 127.0.0.1 and localhost');
    const target = parseTarget(req.url);
    if (target === undefined) return sendError(res, 400, 'bad request target');
    if (target.path.startsWith('/api/')) {
      if (!tokenOk(target) || !originOk(req)) return sendError(res, 403, forbidden);
      if (req.method === 'POST' && target.path === WIRE_PATHS.upload) return handleUpload(req, res, target);
      if (req.method === 'GET' && target.path.startsWith(`${WIRE_PATHS.media}/`)) return serveMedia(res, target);
      if (req.method === 'GET' && target.path.startsWith(`${WIRE_PATHS.runMedia}/`)) return serveRunMedia(res, target);
      return sendError(res, 404, 'not found');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed');
    return serveStatic(res, target);
  };

  const server: Server = createServer((req, res) => {
    // A client that goes away mid-answer is an error on these streams: nothing to do but forget it.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    route(req, res).catch((err: unknown) => {
      processLogger().error({ err, url: req.url?.slice(0, 200) }, 'a request failed unexpectedly');
      if (!res.headersSent) sendError(res, 500, 'the studio could not answer this request');
      else res.destroy();
    });
  });
  // Malformed HTTP (a bad request line or chunk, a body cut short) is Node's own clientError
  // handling: a 400 when nothing was answered yet, then the socket destroyed, so the request's
  // stream errors and whatever waited on it lets go.

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_MESSAGE_BYTES });
  /** One message from the page: a request with a number id and a known channel, else an answer saying why (or nothing). */
  const onMessage = (ws: WebSocket, raw: RawData): void => {
    let request: unknown;
    try {
      request = JSON.parse(raw.toString());
    } catch {
      return;
    }
    if (typeof request !== 'object' || request === null) return;
    const { id, channel, args } = request as Partial<WireRequest>;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return;
    const reply = (result: Result<unknown>): void => {
      if (ws.readyState === ws.OPEN) ws.send(uploads.redact(JSON.stringify({ kind: 'result', id, result } satisfies WireMessage)));
    };
    if (!isInvokeChannel(channel)) {
      reply({ ok: false, error: { code: 'BAD_ARGUMENT', message: `unknown channel ${String(channel).slice(0, 100)}` } });
      return;
    }
    service.invoke(channel, args).then(reply, (err: unknown) => reply({ ok: false, error: toErrorInfo(err) }));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client may reset the connection at any moment, a refused upgrade included.
    socket.on('error', () => socket.destroy());
    try {
      const target = parseTarget(req.url);
      if (target === undefined || !hostOk(req) || !originOk(req) || req.headers.origin === undefined || target.path !== WIRE_PATHS.socket || !tokenOk(target)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        // Frames the ws library refuses (bad opcodes, masks, sizes) arrive here; it closes the socket itself.
        ws.on('error', () => ws.terminate());
        ws.on('close', () => sockets.delete(ws));
        ws.on('message', (raw) => {
          try {
            onMessage(ws, raw);
          } catch (err) {
            processLogger().error({ err }, 'a socket message failed unexpectedly');
          }
        });
      });
    } catch (err) {
      processLogger().error({ err }, 'an upgrade request failed unexpectedly');
      socket.destroy();
    }
  });
  wss.on('error', () => undefined);

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  // After listening, a failure to accept (out of descriptors under a flood) is logged, never fatal.
  server.on('error', (err) => processLogger().error({ err }, 'the server could not accept a connection'));
  // A client that sends its headers slower than this is dropped, so idle connections cannot pile up.
  server.headersTimeout = 20_000;
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
