/**
 * The sketch pad's channels: edges from a picture (the same detector the edges models were
 * trained on), saving a drawing with its translation, and the bundled example sketches.
 */
import * as z from 'zod';
import { base64Image, inputRef } from './bounds.js';
import { modelId } from './ids.js';

export const sketchEdgesArgs = z
  .object({
    /** A picture to turn into a sketch: an input the studio resolves (desktop path, browser upload id) or PNG/JPEG bytes as base64. */
    source: z.union([z.object({ input: inputRef }).strict(), z.object({ png: base64Image }).strict()]),
    /** Side of the square sketch in pixels (the model's preferred size). Default 256. */
    size: z.number().int().min(16).max(1024).optional(),
  })
  .strict();

/** How a loaded picture became a sketch. */
export type SketchEdgesKind =
  /** A photo or a render: its outlines were traced by the edge detector. */
  | 'edges'
  /** Already a line drawing (dark lines on white): kept as drawn, only scaled. */
  | 'drawing';

export interface SketchImage {
  /** `data:image/png;base64,...`: black lines on white, `width` x `height`. */
  png: string;
  width: number;
  height: number;
}

export interface SketchEdges extends SketchImage {
  kind: SketchEdgesKind;
}

export const sketchSaveArgs = z
  .object({
    /** The drawing, base64 PNG (a data URL is accepted too). */
    sketch: base64Image,
    /** Its translation, base64 PNG (a data URL is accepted too). */
    output: base64Image,
    /** The model that made the translation: the output is named `<name>-<model>.png`. */
    model: modelId,
    /** File stem; default `drawing`. Both files get the same free stem (`name`, `name-1`, ...). */
    name: z.string().max(200).optional(),
  })
  .strict();

export interface SketchSaved {
  sketch: string;
  output: string;
}

/** One of the bundled example sketches (assets/sketches). */
export interface SketchExample extends SketchImage {
  /** File stem, e.g. `tote`. */
  name: string;
  /** What it shows, for the picker's label. */
  title: string;
}
