import type { EventChannel, EventChannels, InvokeChannel, StudioApi } from '../../electron/contract/ipc.js';
import { INVOKE_CHANNELS, methodName } from '../../electron/contract/ipc.js';
import type { Result } from '../../electron/contract/result.js';
import { WIRE_PATHS, uploadRef, type WireMessage } from '../../electron/contract/wire.js';
import type { PickedFile, Platform } from './platform.js';

const UPLOADS_AT_ONCE = 4;

/**
 * Browser mode: the contract over the server's WebSocket, uploads over HTTP. The token comes
 * from the page's own URL (gan-studio serve prints it) and goes with every request.
 */
export function createBrowserPlatform(location: Location): Platform {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const q = `token=${encodeURIComponent(token)}`;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;

  const connect = (): Promise<WebSocket> => {
    if (opened !== undefined) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${location.host}${WIRE_PATHS.socket}?${q}`);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('cannot reach the studio server'));
      ws.onclose = () => {
        socket = undefined;
        opened = undefined;
        for (const [id, answer] of pending) {
          pending.delete(id);
          answer({ ok: false, error: { code: 'ENGINE_LOST', message: 'the connection to the studio server closed; is gan-studio serve still running?' } });
        }
      };
      ws.onmessage = (message: MessageEvent<string>) => {
        const data = JSON.parse(message.data) as WireMessage;
        if (data.kind === 'result') {
          pending.get(data.id)?.(data.result);
          pending.delete(data.id);
        } else {
          const payload: unknown = data.payload;
          for (const l of listeners.get(data.event) ?? []) (l as (p: unknown) => void)(payload);
        }
      };
    });
    return opened;
  };

  const invoke = async (channel: InvokeChannel, args: unknown): Promise<Result<unknown>> => {
    let ws: WebSocket;
    try {
      ws = socket ?? (await connect());
    } catch (err) {
      return { ok: false, error: { code: 'IO_ERROR', message: err instanceof Error ? err.message : String(err) } };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, args }));
    });
  };

  const api = {
    on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void {
      void connect().catch(() => undefined);
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  } as Record<string, unknown>;
  for (const channel of INVOKE_CHANNELS) api[methodName(channel)] = (args: unknown) => invoke(channel, args);

  const upload = async (batch: string, picked: PickedFile): Promise<void> => {
    const response = await fetch(`${WIRE_PATHS.upload}?${q}&batch=${batch}&path=${encodeURIComponent(picked.relativePath)}`, {
      method: 'POST',
      body: picked.file,
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as Result<null> | null;
      throw new Error(body !== null && !body.ok ? body.error.message : `upload of ${picked.relativePath} failed (${response.status})`);
    }
  };

  return {
    mode: 'browser',
    api: api as unknown as StudioApi,
    async prepareInputs(files, onProgress) {
      const batch = crypto.randomUUID();
      let sent = 0;
      const queue = [...files];
      const worker = async (): Promise<void> => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          await upload(batch, next);
          sent += 1;
          onProgress?.(sent, files.length);
        }
      };
      await Promise.all(Array.from({ length: Math.min(UPLOADS_AT_ONCE, files.length) }, worker));
      return [uploadRef(batch)];
    },
    mediaUrl: (jobId, index, which, variant) => `${WIRE_PATHS.media}/${jobId}/${index}/${which}?${q}&variant=${variant}`,
    downloadUrl: (jobId, index) => `${WIRE_PATHS.media}/${jobId}/${index}/output?${q}&download=1`,
    runMediaUrl: (runId, file) => `${WIRE_PATHS.runMedia}/${encodeURIComponent(runId)}/${encodeURIComponent(file)}?${q}`,
  };
}
