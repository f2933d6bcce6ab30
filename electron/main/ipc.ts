import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS } from '../contract/ipc.js';
import type { Result } from '../contract/result.js';
import type { StudioService } from '../studio/studio-service.js';
import { APP_ORIGIN } from './app-protocol.js';

/** Only our own page, loaded from the app protocol, may call the studio. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  if (url === undefined) return false;
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * One handler per contract channel, each bound to its own name: the sender is checked, then
 * the studio validates the arguments against the channel's schema and routes them.
 */
export function registerInvokeHandlers(service: StudioService): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, args: unknown): Promise<Result<unknown>> => {
      if (!trustedSender(event)) return { ok: false, error: { code: 'BAD_ARGUMENT', message: 'refused: the request did not come from the studio window' } };
      return service.invoke(channel, args);
    });
  }
}
