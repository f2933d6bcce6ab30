import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { STUDIO_COMMANDS, type CommandMenu } from '../contract/commands.js';

/**
 * The application menu: the usual roles (edit, zoom, full screen, window, quit) and the
 * studio's commands from the contract's table, each sent to the page as `app:command`.
 * Reload and the developer tools appear only when running from source.
 */
export function installMenu(window: () => BrowserWindow | null): void {
  const mac = process.platform === 'darwin';
  const send = (command: string) => (): void => {
    const win = window();
    if (win !== null && !win.isDestroyed()) win.webContents.send('app:command', { command });
  };
  const items = (menu: CommandMenu): MenuItemConstructorOptions[] =>
    STUDIO_COMMANDS.filter((c) => c.menu === menu && !(mac && c.id === 'about')).map((c) => ({
      label: c.label,
      ...('accelerator' in c ? { accelerator: c.accelerator } : {}),
      click: send(c.id),
    }));
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { label: '&File', submenu: [...items('file'), { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: '&Batch', submenu: items('batch') },
    {
      label: '&View',
      submenu: [
        ...items('go'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [...items('help'), ...(mac ? [] : [])] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
