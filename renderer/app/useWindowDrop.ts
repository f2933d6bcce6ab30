import { useEffect, useState } from 'react';
import { filesFromDrop } from '../api/dropped-files.js';
import type { PickedFile } from '../api/platform.js';

/**
 * Accepts files dropped anywhere on the window while the calling page is shown; returns
 * whether something is being dragged over, for the drop overlay.
 */
export function useWindowDrop(onFiles: (files: PickedFile[]) => void, enabled = true): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    if (!enabled) {
      setDragging(false);
      return;
    }
    let depth = 0;
    const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') === true;
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth += 1;
      setDragging(true);
    };
    const leave = (): void => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent): void => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (e.dataTransfer === null) return;
      void filesFromDrop(e.dataTransfer).then((files) => {
        if (files.length > 0) onFiles(files);
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [onFiles, enabled]);
  return dragging;
}

/** The look of a drop zone: a dashed card that lights up while files are dragged over. */
export function dropZoneSx(dragging: boolean): Record<string, string | number> {
  return {
    borderStyle: 'dashed',
    borderWidth: 2,
    borderColor: dragging ? 'primary.main' : 'divider',
    bgcolor: dragging ? 'action.selected' : 'background.paper',
    transition: 'background-color .15s, border-color .15s',
  };
}
