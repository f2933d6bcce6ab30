import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type ArgsOf, type DataOf, type InvokeChannel } from '../../contract/ipc.js';
import type { Result } from '../../contract/result.js';
import type { StudioService } from '../../studio/studio-service.js';
import { APP_ORIGIN } from '../app-protocol.js';

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

/** Registers the handlers of some channels: sender check, then the studio validates and routes. */
export function handleChannels(service: StudioService, channels: readonly InvokeChannel[]): void {
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, args: ArgsOf<typeof channel>): Promise<Result<DataOf<typeof channel>>> => {
      if (!trustedSender(event)) return { ok: false, error: { code: 'BAD_ARGUMENT', message: 'refused: the request did not come from the studio window' } };
      return (await service.invoke(channel, args)) as Result<DataOf<typeof channel>>;
    });
  }
}

/** Registers every channel of one area (`training` -> `training:*`), as the contract lists them. */
export function handleDomain(service: StudioService, domain: string): void {
  handleChannels(
    service,
    INVOKE_CHANNELS.filter((c) => c.startsWith(`${domain}:`)),
  );
}
