/**
 * The sketch as a list of operations, so undo and redo are exact: the canvas is always the
 * replay of what is done since the last clear or loaded picture. Strokes keep their points in
 * canvas pixels; replaying them draws exactly what was drawn live (the same segment code).
 */
export type SketchTool = 'pen' | 'eraser';

export interface Stroke {
  kind: 'stroke';
  tool: SketchTool;
  /** Side of the canvas it was drawn on: a later model with another size replays it scaled. */
  size: number;
  /** Line width in canvas pixels. */
  width: number;
  /** x0, y0, x1, y1, ... in canvas pixels. */
  points: number[];
}

/** A picture that replaces the sketch: an example or a loaded image turned into edges. */
export interface Picture {
  kind: 'picture';
  /** Decoded image, drawn scaled to the canvas. */
  image: CanvasImageSource;
  name: string;
}

export type SketchOp = Stroke | Picture | { kind: 'clear' };

export interface SketchHistory {
  done: SketchOp[];
  undone: SketchOp[];
}

export const emptyHistory: SketchHistory = { done: [], undone: [] };

export type HistoryAction = { type: 'push'; op: SketchOp } | { type: 'undo' } | { type: 'redo' } | { type: 'reset' };

/** Longest undo history: older operations are folded away only by a clear or a picture. */
export function historyReducer(state: SketchHistory, action: HistoryAction): SketchHistory {
  switch (action.type) {
    case 'push':
      // Clearing a blank canvas is not worth an undo step.
      if (action.op.kind === 'clear' && visibleOps(state.done).length === 0) return state;
      return { done: [...state.done, action.op], undone: [] };
    case 'undo': {
      const last = state.done.at(-1);
      return last === undefined ? state : { done: state.done.slice(0, -1), undone: [...state.undone, last] };
    }
    case 'redo': {
      const next = state.undone.at(-1);
      return next === undefined ? state : { done: [...state.done, next], undone: state.undone.slice(0, -1) };
    }
    case 'reset':
      return emptyHistory;
  }
}

/** What the canvas shows: the last picture (if it is after the last clear) and the strokes after it. */
export function visibleOps(done: readonly SketchOp[]): SketchOp[] {
  for (let i = done.length - 1; i >= 0; i--) {
    const op = done[i]!;
    if (op.kind === 'clear') return done.slice(i + 1);
    if (op.kind === 'picture') return done.slice(i);
  }
  return [...done];
}

export function strokeCount(done: readonly SketchOp[]): number {
  return visibleOps(done).filter((op) => op.kind === 'stroke').length;
}

/** The picture the sketch started from, if any (its name names saved files). */
export function basePicture(done: readonly SketchOp[]): Picture | undefined {
  const first = visibleOps(done)[0];
  return first?.kind === 'picture' ? first : undefined;
}

export const INK = '#000000';
export const PAPER = '#ffffff';

/**
 * Draws the part of a stroke that point `i` adds: smooth curves through the midpoints of the
 * points (quadratic Béziers with the points as control points), round caps and joins. Called
 * point by point while drawing and for every point when replaying, so both look the same.
 */
export function drawStrokeStep(ctx: CanvasRenderingContext2D, stroke: Stroke, i: number): void {
  const p = stroke.points;
  const n = p.length / 2;
  if (i >= n) return;
  ctx.strokeStyle = stroke.tool === 'pen' ? INK : PAPER;
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = stroke.width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const x = (k: number): number => p[2 * k]!;
  const y = (k: number): number => p[2 * k + 1]!;
  if (i === 0) {
    // A tap leaves a dot; a line that follows covers it.
    ctx.beginPath();
    ctx.arc(x(0), y(0), stroke.width / 2, 0, Math.PI * 2);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  if (i === 1) {
    ctx.moveTo(x(0), y(0));
    ctx.lineTo((x(0) + x(1)) / 2, (y(0) + y(1)) / 2);
  } else {
    ctx.moveTo((x(i - 2) + x(i - 1)) / 2, (y(i - 2) + y(i - 1)) / 2);
    ctx.quadraticCurveTo(x(i - 1), y(i - 1), (x(i - 1) + x(i)) / 2, (y(i - 1) + y(i)) / 2);
  }
  ctx.stroke();
}

/** The last half-segment, drawn when the stroke ends so the line reaches the final point. */
export function finishStroke(ctx: CanvasRenderingContext2D, stroke: Stroke): void {
  const p = stroke.points;
  const n = p.length / 2;
  if (n < 2) return;
  ctx.strokeStyle = stroke.tool === 'pen' ? INK : PAPER;
  ctx.lineWidth = stroke.width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo((p[2 * n - 4]! + p[2 * n - 2]!) / 2, (p[2 * n - 3]! + p[2 * n - 1]!) / 2);
  ctx.lineTo(p[2 * n - 2]!, p[2 * n - 1]!);
  ctx.stroke();
}

/** Paints the visible operations onto the canvas from blank paper. */
export function replay(ctx: CanvasRenderingContext2D, size: number, ops: readonly SketchOp[]): void {
  ctx.save();
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, size, size);
  for (const op of ops) {
    if (op.kind === 'picture') {
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(op.image, 0, 0, size, size);
    } else if (op.kind === 'stroke') {
      ctx.setTransform(size / op.size, 0, 0, size / op.size, 0, 0);
      for (let i = 0; i < op.points.length / 2; i++) drawStrokeStep(ctx, op, i);
      finishStroke(ctx, op);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
    }
  }
  ctx.restore();
}
