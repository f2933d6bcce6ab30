import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, type PointerEvent as ReactPointerEvent, type Ref } from 'react';
import Box from '@mui/material/Box';
import { drawStrokeStep, finishStroke, replay, type SketchOp, type SketchTool, type Stroke } from './sketch-history.js';

export interface SketchCanvasHandle {
  /** The canvas as a PNG data URL, at the model's size. */
  snapshot(): string;
}

/**
 * The drawing surface: a canvas at the model's size, shown scaled up by a whole factor with
 * crisp (nearest) pixels, so what the user sees is what the model gets. Pointer events with
 * pointer capture serve mouse, pen and touch alike; coalesced events keep fast strokes smooth.
 */
export function SketchCanvas({
  size,
  displaySize,
  ops,
  tool,
  width,
  onStroke,
  onStrokeProgress,
  onRendered,
  handle,
}: {
  size: number;
  displaySize: number;
  /** The visible operations; the canvas is repainted from them whenever they change. */
  ops: readonly SketchOp[];
  tool: SketchTool;
  /** Line width in canvas pixels. */
  width: number;
  /** A finished stroke (pointerup); `endedAt` is the event's time, for the latency readout. */
  onStroke: (stroke: Stroke, endedAt: number) => void;
  /** Called as points are added while drawing (the page throttles mid-stroke previews). */
  onStrokeProgress?: () => void;
  /** The canvas was repainted from `ops` (after an undo, a clear, a loaded picture, a stroke). */
  onRendered?: () => void;
  handle?: Ref<SketchCanvasHandle>;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const current = useRef<{ stroke: Stroke; pointerId: number } | null>(null);
  // Read at paint time: a new callback alone is no reason to repaint.
  const rendered = useRef(onRendered);
  rendered.current = onRendered;

  useImperativeHandle(handle, () => ({ snapshot: () => canvas.current?.toDataURL('image/png') ?? '' }), []);

  const context = useCallback((): CanvasRenderingContext2D | null => canvas.current?.getContext('2d', { willReadFrequently: false }) ?? null, []);

  useLayoutEffect(() => {
    const ctx = context();
    if (ctx === null) return;
    // A stroke in progress is kept: only finished operations are replayed under it.
    replay(ctx, size, ops);
    const live = current.current;
    if (live !== null) for (let i = 0; i < live.stroke.points.length / 2; i++) drawStrokeStep(ctx, live.stroke, i);
    rendered.current?.();
  }, [ops, size, context]);

  const toCanvas = (e: PointerEvent | ReactPointerEvent): [number, number] => {
    const rect = canvas.current?.getBoundingClientRect();
    if (rect === undefined || rect.width === 0) return [0, 0];
    return [((e.clientX - rect.left) * size) / rect.width, ((e.clientY - rect.top) * size) / rect.height];
  };

  const addPoint = (x: number, y: number): void => {
    const live = current.current;
    const ctx = context();
    if (live === null || ctx === null) return;
    const p = live.stroke.points;
    // Points closer than a tenth of a canvas pixel add nothing but work.
    if (p.length >= 2 && Math.hypot(x - p[p.length - 2]!, y - p[p.length - 1]!) < 0.1) return;
    p.push(x, y);
    drawStrokeStep(ctx, live.stroke, p.length / 2 - 1);
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLCanvasElement>): void => {
    // Main button (or a pen or finger touching); a second finger does not start another stroke.
    if (e.button !== 0 || current.current !== null) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    current.current = { stroke: { kind: 'stroke', tool, width, size, points: [] }, pointerId: e.pointerId };
    addPoint(...toCanvas(e));
    onStrokeProgress?.();
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLCanvasElement>): void => {
    if (current.current?.pointerId !== e.pointerId) return;
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const ev of events.length > 0 ? events : [e.nativeEvent]) addPoint(...toCanvas(ev));
    onStrokeProgress?.();
  };

  const end = (e: ReactPointerEvent<HTMLCanvasElement>): void => {
    const live = current.current;
    if (live?.pointerId !== e.pointerId) return;
    const at = performance.now();
    addPoint(...toCanvas(e));
    const ctx = context();
    if (ctx !== null) finishStroke(ctx, live.stroke);
    current.current = null;
    onStroke(live.stroke, at);
  };

  // Losing capture (the window lost focus mid-stroke) ends the stroke as drawn so far.
  useEffect(() => {
    const el = canvas.current;
    if (el === null) return;
    const lost = (): void => {
      const live = current.current;
      if (live === null) return;
      current.current = null;
      onStroke(live.stroke, performance.now());
    };
    el.addEventListener('lostpointercapture', lost);
    return () => el.removeEventListener('lostpointercapture', lost);
  }, [onStroke]);

  return (
    <Box
      component="canvas"
      ref={canvas}
      width={size}
      height={size}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      aria-label={`Sketch, ${size} x ${size} pixels: draw with the mouse, a pen or a finger`}
      role="img"
      data-testid="sketch-canvas"
      sx={{
        display: 'block',
        width: displaySize,
        height: displaySize,
        imageRendering: 'pixelated',
        touchAction: 'none',
        cursor: tool === 'pen' ? 'crosshair' : 'cell',
        bgcolor: '#ffffff',
        borderRadius: 1,
        boxShadow: (t) => `0 0 0 1px ${t.palette.divider}, 0 1px 3px rgba(0,0,0,.08)`,
      }}
    />
  );
}
