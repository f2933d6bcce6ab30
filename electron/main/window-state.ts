import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { screen, type BrowserWindow } from 'electron';
import { restorableState, type WindowState } from './window-placement.js';

/**
 * The window's size and position across restarts, in <home>/window-state.json. A saved place
 * that no display shows any more (a monitor unplugged) is not used: the window opens centred.
 */
export class WindowStateKeeper {
  private readonly path: string;

  constructor(home: string) {
    this.path = join(home, 'window-state.json');
  }

  /** The saved state when some display still shows most of it. */
  load(): WindowState | null {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return null;
    }
    return restorableState(saved, screen.getAllDisplays().map((d) => d.workArea));
  }

  /** Saves on every move and resize (debounced) and when the window closes. */
  track(win: BrowserWindow): void {
    let timer: NodeJS.Timeout | undefined;
    const save = (): void => {
      if (win.isDestroyed()) return;
      const bounds = win.isMaximized() || win.isFullScreen() ? win.getNormalBounds() : win.getBounds();
      const state: WindowState = { ...bounds, maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
      void this.write(state);
    };
    const later = (): void => {
      clearTimeout(timer);
      timer = setTimeout(save, 500);
    };
    for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) win.on(event as 'resize', later);
    win.on('close', () => {
      clearTimeout(timer);
      save();
    });
  }

  private async write(state: WindowState): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const aside = `${this.path}.${process.pid}.tmp`;
      await writeFile(aside, JSON.stringify(state));
      await rename(aside, this.path);
    } catch {
      // Not saved: the next start opens the window at its default place.
    }
  }
}
