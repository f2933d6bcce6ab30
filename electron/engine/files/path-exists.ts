import { lstat, stat } from 'node:fs/promises';

/**
 * Whether something is at `path`. `'link'`: a link counts as it stands, even a broken one
 * (what a write that never replaces a file must not take over); `'target'` (default): the
 * path must lead to a file or folder.
 */
export function pathExists(path: string, how: 'link' | 'target' = 'target'): Promise<boolean> {
  return (how === 'link' ? lstat(path) : stat(path)).then(
    () => true,
    () => false,
  );
}
