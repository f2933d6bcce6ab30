/**
 * Procedural scenes (streets and landscapes) for the starter models' training data.
 *
 * A layout fixes everything random about a scene (skyline, windows, trees, hills, clouds,
 * horizon); conditions (time of day, snow, fog) only move colours, opacities and a few sizes
 * continuously. Rendering one layout under different conditions therefore gives exact pairs,
 * and every condition changes the picture smoothly and monotonically, which is what the
 * conditional model needs to learn sliders.
 *
 * Drawing happens in a 1000 x 1000 user space regardless of output size; features are kept at
 * least ~8 units so they survive at 128 px.
 */
import type { RgbImage } from './metrics.js';
import { rasteriseSvg } from './rasterise.js';
import { drawCountryside, drawFence, drawGround, drawTree } from './scene-country.js';
import { VIEW, type SceneLayout } from './scene-layout.js';
import { Lighting, type SceneConditions } from './scene-lighting.js';
import { drawClouds, drawFlakes, drawFogVeil, drawHill, drawMoon, drawStars, drawSun, sceneDefs } from './scene-sky.js';
import { drawBuilding, drawCar, drawLamp, drawRoad } from './scene-street.js';

export { randomSceneLayout } from './scene-layout.js';
export type { SceneBuilding, SceneCar, SceneCloud, SceneCountryside, SceneHill, SceneLamp, SceneLayout, ScenePoint, SceneTree, SceneWindow } from './scene-layout.js';
export type { SceneConditions } from './scene-lighting.js';

export function sceneSvg(layout: SceneLayout, c: SceneConditions, size: number): string {
  for (const key of ['timeOfDay', 'snow', 'fog'] as const) {
    // Values outside 0..1 are clamped; NaN would silently poison every colour, so refuse it.
    if (!Number.isFinite(c[key])) throw new RangeError(`scene condition ${key} must be a finite number, got ${c[key]}`);
  }
  const light = new Lighting(c);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${VIEW} ${VIEW}">`);
  parts.push(sceneDefs(layout, light));
  parts.push(`<rect width="${VIEW}" height="${VIEW}" fill="url(#sky)"/>`);
  parts.push(drawStars(layout, light));
  parts.push(drawMoon(layout, light));
  parts.push(drawSun(layout, light));
  parts.push(drawClouds(layout, light));
  for (const hill of layout.hills) parts.push(drawHill(hill, light, layout.horizon));
  parts.push(drawGround(layout, light));
  if (layout.countryside) parts.push(drawCountryside(layout.countryside, layout.horizon, light));
  for (const b of layout.buildings) parts.push(drawBuilding(b, light));
  parts.push(drawRoad(layout, light));
  for (const car of layout.cars) parts.push(drawCar(car, light));
  for (const t of layout.trees) parts.push(drawTree(t, layout, light));
  if (layout.countryside?.fence) parts.push(drawFence(layout.countryside.fence, light));
  for (const l of layout.lamps) parts.push(drawLamp(l, light));
  parts.push(drawFogVeil(light));
  parts.push(drawFlakes(layout, light));
  parts.push(`<rect width="${VIEW}" height="${VIEW}" fill="url(#grain)" opacity="0.08"/>`);
  parts.push('</svg>');
  return parts.join('');
}

export async function renderScene(layout: SceneLayout, c: SceneConditions, size: number): Promise<Uint8Array> {
  return rasteriseSvg(sceneSvg(layout, c, size), size);
}

/** renderScene as an image with its size, as the recipes pass images around. */
export async function renderSceneImage(layout: SceneLayout, c: SceneConditions, size: number): Promise<RgbImage> {
  return { rgb: await renderScene(layout, c, size), width: size, height: size };
}

/** Coordinates to one decimal keep the SVG short without visible rounding at any size. */
