import sharp from 'sharp';
import { StudioError } from '../../errors.js';
import { writeFileAtomic } from '../../files/write-atomic.js';
import { trainImageToRgb, type TrainImage } from './train-image.js';

/** Pixels between neighbouring images and around the grid. */
export const SAMPLE_GRID_GAP = 4;

/** Mid grey: set apart from both white backgrounds and black strokes in the tiles. */
const BACKGROUND = 128;

/**
 * Writes training samples as one PNG: each row's images side by side (for example input,
 * output, target), rows below each other, with a SAMPLE_GRID_GAP gap between and around them.
 * The file is written to a temporary name and renamed into place, so a viewer (or a crash
 * mid-write) never sees half a grid. Missing parent folders are created.
 */
export async function writeSampleGrid(rows: readonly (readonly TrainImage[])[], path: string): Promise<void> {
  if (rows.length === 0 || rows.some((row) => row.length === 0)) {
    throw new StudioError('BAD_ARGUMENT', 'a sample grid needs at least one image in every row');
  }
  const gap = SAMPLE_GRID_GAP;
  const rowHeights = rows.map((row) => Math.max(...row.map((img) => img.height)));
  const rowWidths = rows.map((row) => row.reduce((sum, img) => sum + img.width, 0) + gap * (row.length - 1));
  const width = Math.max(...rowWidths) + 2 * gap;
  const height = rowHeights.reduce((sum, h) => sum + h, 0) + gap * (rows.length + 1);

  const canvas = new Uint8Array(width * height * 3).fill(BACKGROUND);
  let top = gap;
  rows.forEach((row, r) => {
    let left = gap;
    for (const img of row) {
      const rgb = trainImageToRgb(img);
      for (let y = 0; y < img.height; y++) {
        canvas.set(rgb.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((top + y) * width + left) * 3);
      }
      left += img.width + gap;
    }
    top += rowHeights[r]! + gap;
  });

  const png = await sharp(canvas, { raw: { width, height, channels: 3 } }).png().toBuffer();
  await writeFileAtomic(path, png, `the sample grid ${path}`);
}
