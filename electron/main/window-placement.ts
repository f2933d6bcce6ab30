import * as z from 'zod';

/** A rectangle in screen coordinates (Electron's Rectangle, without importing Electron). */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

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
 * The saved window state to open with, or null for the default place: a damaged file, absurd
 * sizes, or a place that no display shows at least half of any more (a monitor unplugged, a
 * laptop undocked) are not used.
 */
export function restorableState(saved: unknown, workAreas: readonly Area[]): WindowState | null {
  const state = stateSchema.safeParse(saved);
  if (!state.success) return null;
  const { data } = state;
  return workAreas.some((area) => overlap(area, data) >= 0.5 * data.width * data.height) ? data : null;
}

function overlap(a: Area, b: Area): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
