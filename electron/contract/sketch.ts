/**
 * The sketch pad's channels: edges from a picture (the same detector the edges models were
 * trained on), saving a drawing with its translation, and the bundled example sketches.
 */

/** A picture to turn into a sketch: an input the studio resolves (desktop path, browser upload id) or PNG/JPEG bytes. */
export type SketchSource = { input: string } | { png: string };

export interface SketchEdgesArgs {
  source: SketchSource;
  /** Side of the square sketch in pixels (the model's preferred size). Default 256. */
  size?: number;
}

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

export interface SketchSaveArgs {
  /** The drawing, base64 PNG (a data URL is accepted too). */
  sketch: string;
  /** Its translation, base64 PNG (a data URL is accepted too). */
  output: string;
  /** The model that made the translation: the output is named `<name>-<model>.png`. */
  model: string;
  /** File name stem; default `drawing`. Both files get the same free stem (`name`, `name-1`, ...). */
  name?: string;
}

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
