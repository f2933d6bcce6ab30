import { createContext, useContext, useEffect, useRef } from 'react';
import { STUDIO_COMMANDS, isCommandId, matchesAccelerator, type CommandId } from '../../electron/contract/commands.js';
import type { Platform } from '../api/platform.js';

/** True on macOS, where the menu's CmdOrCtrl is ⌘. */
export const IS_MAC = /Mac/.test(navigator.platform);

/**
 * Where the studio's commands come from: the application menu in the desktop app (its items
 * and accelerators arrive as `app:command`), the same accelerators typed on the page in
 * browser mode (which has no menu). Either way `run` gets the command's id.
 */
export function useCommandSource(platform: Platform, run: (command: CommandId) => void): void {
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    if (platform.mode === 'desktop') return platform.api.on('app:command', ({ command }) => isCommandId(command) && runRef.current(command));
    const onKey = (e: KeyboardEvent): void => {
      const command = STUDIO_COMMANDS.find((c) => 'accelerator' in c && matchesAccelerator(c.accelerator, e, IS_MAC));
      if (command === undefined) return;
      e.preventDefault();
      runRef.current(command.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [platform]);
}

/** Commands the page on screen handles (open, start, cancel, ...), registered while it is shown. */
export class CommandBus {
  private readonly handlers = new Map<CommandId, (() => void)[]>();

  register(command: CommandId, handler: () => void): () => void {
    const list = this.handlers.get(command) ?? [];
    list.push(handler);
    this.handlers.set(command, list);
    return () => {
      const at = list.indexOf(handler);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Runs the newest handler; false when no page on screen handles it. */
  dispatch(command: CommandId): boolean {
    const list = this.handlers.get(command);
    const handler = list?.[list.length - 1];
    if (handler === undefined) return false;
    handler();
    return true;
  }
}

export const CommandContext = createContext<CommandBus | null>(null);

/** Handles `command` while `active` (the page is shown). */
export function useCommand(command: CommandId, handler: () => void, active: boolean): void {
  const bus = useContext(CommandContext);
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => {
    if (bus === null || !active) return;
    return bus.register(command, () => handlerRef.current());
  }, [bus, command, active]);
}
