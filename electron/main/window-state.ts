import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { z } from 'zod';

const stateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
  fullScreen: z.boolean(),
});
export type WindowState = z.infer<typeof stateSchema>;

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
    try {
      const state = stateSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
      const visible = screen.getAllDisplays().some((d) => overlap(d.workArea, state) >= 0.5 * state.width * state.height);
      return visible ? state : null;
    } catch {
      return null;
    }
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

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
