/**
 * The preload bridge: builds `window.studio` from the contract, one method per invoke channel
 * and one subscription per event, and `window.studioFiles.pathForFile` for drops. It never
 * exposes ipcRenderer, a generic invoke, or any file-system access.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, methodName, type EventChannel, type EventChannels } from '../contract/ipc.js';

const api: Record<string, unknown> = {};
for (const channel of INVOKE_CHANNELS) {
  // Each method is bound to its own channel name; the page cannot choose the channel.
  api[methodName(channel)] = (args: unknown) => ipcRenderer.invoke(channel, args);
}
api.on = <E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): (() => void) => {
  if (!(EVENT_CHANNELS as readonly string[]).includes(event)) throw new Error(`unknown event ${String(event)}`);
  const wrapped = (_e: IpcRendererEvent, payload: EventChannels[E]): void => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
};

contextBridge.exposeInMainWorld('studio', api);
contextBridge.exposeInMainWorld('studioFiles', { pathForFile: (file: File): string => webUtils.getPathForFile(file) });
