/**
 * The studio's commands: one table for the desktop app's menu (labels, accelerators), the
 * keyboard shortcuts of browser mode and the shortcuts help. An accelerator is in Electron's
 * notation (`CmdOrCtrl+Shift+O`); the page matches the same string against key events.
 */
export type CommandMenu = 'file' | 'batch' | 'go' | 'help';

export interface StudioCommand {
  id: string;
  label: string;
  /** What it does, for the shortcuts help. */
  help: string;
  accelerator?: string;
  menu: CommandMenu;
}

export const PAGES = ['translate', 'attributes', 'sketch', 'finetune', 'library', 'settings'] as const;
export type PageId = (typeof PAGES)[number];
export const PAGE_TITLES: Record<PageId, string> = { translate: 'Translate', attributes: 'Attributes', sketch: 'Sketch', finetune: 'Fine-tune', library: 'Library', settings: 'Settings' };

export const STUDIO_COMMANDS = [
  { id: 'open-images', label: 'Open Images…', help: 'Translate: add images to the queue · Attributes: choose the picture · Library: import a model', accelerator: 'CmdOrCtrl+O', menu: 'file' },
  { id: 'open-folder', label: 'Open Folder…', help: 'Translate a whole folder (sub-folders included)', accelerator: 'CmdOrCtrl+Shift+O', menu: 'file' },
  { id: 'choose-output', label: 'Choose Output Folder…', help: 'Pick the folder translated images are saved in', accelerator: 'CmdOrCtrl+Shift+D', menu: 'file' },
  { id: 'open-output-folder', label: 'Show Output Folder', help: 'Open the output folder of the last batch', accelerator: 'CmdOrCtrl+Shift+F', menu: 'file' },
  { id: 'start', label: 'Start', help: 'Translate: retry the failed files · Attributes: apply to the batch · Fine-tune: start training', accelerator: 'CmdOrCtrl+Enter', menu: 'batch' },
  { id: 'cancel', label: 'Cancel', help: 'Translate: cancel the waiting files · Fine-tune: pause the run', accelerator: 'CmdOrCtrl+.', menu: 'batch' },
  ...PAGES.map((page, i) => ({ id: `page:${page}`, label: PAGE_TITLES[page], help: `Go to the ${PAGE_TITLES[page]} page`, accelerator: `CmdOrCtrl+Shift+${i + 1}`, menu: 'go' as const })),
  { id: 'shortcuts', label: 'Keyboard Shortcuts', help: 'Show this list', accelerator: 'CmdOrCtrl+/', menu: 'help' },
  { id: 'open-logs', label: 'Open Logs Folder', help: 'Show the log files (to attach to a bug report)', menu: 'help' },
  { id: 'about', label: 'About GAN Studio', help: 'Version and where things are', menu: 'help' },
] as const satisfies readonly StudioCommand[];

export type CommandId = (typeof STUDIO_COMMANDS)[number]['id'];

export function isCommandId(value: unknown): value is CommandId {
  return typeof value === 'string' && STUDIO_COMMANDS.some((c) => c.id === value);
}

/** Shortcuts that belong to one page and have no menu entry, for the help list. */
export const PAGE_SHORTCUTS: { page: PageId; keys: string; help: string }[] = [
  { page: 'sketch', keys: 'CmdOrCtrl+Z', help: 'Undo a stroke' },
  { page: 'sketch', keys: 'CmdOrCtrl+Shift+Z', help: 'Redo (Ctrl+Y or ⌘Y works too)' },
  { page: 'sketch', keys: 'B', help: 'Pen' },
  { page: 'sketch', keys: 'E', help: 'Eraser' },
  { page: 'sketch', keys: '1 2 3', help: 'Pen sizes' },
  { page: 'translate', keys: 'Escape', help: 'Close the before/after view' },
  { page: 'translate', keys: 'CmdOrCtrl+Enter', help: 'Folder browser: choose the folder shown (Enter opens one, Backspace goes up)' },
  { page: 'translate', keys: '← →', help: 'Before/after: move the split' },
];

/** An accelerator in the words of this platform: `Ctrl+Shift+O`, or `⌘⇧O` on macOS. */
export function acceleratorLabel(accelerator: string, mac: boolean): string {
  const parts = accelerator.split('+');
  if (!mac) return parts.map((p) => (p === 'CmdOrCtrl' ? 'Ctrl' : p)).join('+');
  const symbols: Record<string, string> = { CmdOrCtrl: '⌘', Shift: '⇧', Alt: '⌥', Enter: '↩' };
  return parts.map((p) => symbols[p] ?? p).join('');
}

/** Whether a key event is this accelerator (the page's side of the menu's shortcuts). */
export function matchesAccelerator(accelerator: string, e: { key: string; code: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }, mac: boolean): boolean {
  const parts = accelerator.split('+');
  const key = parts[parts.length - 1] ?? '';
  const wants = (m: string): boolean => parts.slice(0, -1).includes(m);
  const primary = mac ? e.metaKey : e.ctrlKey;
  if (primary !== wants('CmdOrCtrl') || e.shiftKey !== wants('Shift') || e.altKey !== wants('Alt')) return false;
  if (/^[0-9]$/.test(key)) return e.code === `Digit${key}`;
  const codes: Record<string, string> = { '.': 'Period', '/': 'Slash', ',': 'Comma' };
  if (codes[key] !== undefined) return e.code === codes[key];
  return e.key.toLowerCase() === key.toLowerCase();
}
