/** Ground and country: grass, crop strips, dirt paths, fences and trees. */
import { clamp01, hexToRgb, mix, rgbToHex } from './color.js';
import { VIEW, type SceneCountryside, type SceneLayout, type SceneTree } from './scene-layout.js';
import type { Lighting } from './scene-lighting.js';
import { n, op } from './svg-format.js';

export function drawGround(layout: SceneLayout, light: Lighting): string {
  const tufts = layout.tufts
    .map((p) => `<path d="M${n(p.x)} ${n(p.y)} l-5 -14 M${n(p.x)} ${n(p.y)} l2 -16 M${n(p.x)} ${n(p.y)} l8 -12"/>`)
    .join('');
  const tuftColor = light.surface(rgbToHex(mix(hexToRgb(layout.ground), [20, 50, 10], 0.35)), 0.2, 0.6);
  const tuftOpacity = 1 - clamp01(light.c.snow) * 0.8;
  return `<rect x="0" y="${layout.horizon}" width="${VIEW}" height="${VIEW - layout.horizon}" fill="url(#ground)"/><g stroke="${tuftColor}" stroke-width="4" fill="none" opacity="${op(tuftOpacity)}">${tufts}</g>`;
}

export function drawCountryside(country: SceneCountryside, horizon: number, light: Lighting): string {
  const parts: string[] = [];
  for (const f of country.fields) parts.push(`<rect x="0" y="${n(f.y)}" width="${VIEW}" height="${n(f.height)}" fill="${light.surface(f.colour, 0.5, 0.85)}"/><rect x="0" y="${n(f.y + f.height - 3)}" width="${VIEW}" height="3" fill="${light.surface('#5e7a34', 0.5, 0.6)}"/>`);
  const p = country.path;
  if (p) {
    const half = p.bottomWidth / 2;
    const midX = (p.bottomX + p.topX) / 2 + p.bend;
    const midY = (horizon + VIEW) / 2;
    const d = `M${n(p.bottomX - half)} ${VIEW} Q${n(midX - half * 0.4)} ${n(midY)} ${n(p.topX - 6)} ${n(horizon)} L${n(p.topX + 6)} ${n(horizon)} Q${n(midX + half * 0.4)} ${n(midY)} ${n(p.bottomX + half)} ${VIEW} Z`;
    parts.push(`<path d="${d}" fill="${light.surface('#b89a6a', 0.3, 0.9)}"/>`);
  }
  return parts.join('');
}

export function drawFence(fence: NonNullable<SceneCountryside['fence']>, light: Lighting): string {
  const wood = light.surface('#7a5a3a', 0.25);
  const posts: string[] = [];
  for (let x = fence.x0; x <= fence.x1; x += fence.spacing) posts.push(`<rect x="${n(x - 5)}" y="${n(fence.y - 60)}" width="10" height="64"/>`);
  const snow = clamp01(light.c.snow);
  const cap = snow > 0 ? `<rect x="${n(fence.x0 - 6)}" y="${n(fence.y - 52 - 8 * snow)}" width="${n(fence.x1 - fence.x0 + 12)}" height="${n(8 * snow + 2)}" rx="3" fill="${light.surface('#f4f7fc', 0.25)}" opacity="${op(snow * 1.5)}"/>` : '';
  return `<g fill="${wood}">${posts.join('')}<rect x="${n(fence.x0)}" y="${n(fence.y - 50)}" width="${n(fence.x1 - fence.x0)}" height="8"/><rect x="${n(fence.x0)}" y="${n(fence.y - 24)}" width="${n(fence.x1 - fence.x0)}" height="8"/></g>${cap}`;
}

export function drawTree(tree: SceneTree, layout: SceneLayout, light: Lighting): string {
  const near = (tree.y - layout.horizon) / Math.max(1, VIEW - layout.horizon);
  const depth = 0.4 - 0.35 * near;
  const trunk = light.surface('#5b3b1f', depth);
  const leaf = light.surface(tree.foliage, depth);
  const leafDark = light.surface(rgbToHex(mix(hexToRgb(tree.foliage), [0, 20, 0], 0.35)), depth);
  const snow = clamp01(light.c.snow);
  const snowFill = light.surface('#f4f7fc', depth);
  const h = tree.height;
  const parts: string[] = [];
  if (tree.kind === 'pine') {
    const w = h * 0.42;
    parts.push(`<rect x="${n(tree.x - h * 0.03)}" y="${n(tree.y - h * 0.2)}" width="${n(h * 0.06)}" height="${n(h * 0.2)}" fill="${trunk}"/>`);
    for (let k = 0; k < 3; k++) {
      const top = tree.y - h + k * h * 0.22;
      const bottom = tree.y - h * 0.15 - (2 - k) * h * 0.18;
      const half = w * (0.55 + 0.22 * k) / 1.0;
      parts.push(`<polygon points="${n(tree.x)},${n(top)} ${n(tree.x + half)},${n(bottom)} ${n(tree.x - half)},${n(bottom)}" fill="${k % 2 ? leafDark : leaf}"/>`);
      if (snow > 0) {
        const s = 0.25 + 0.35 * snow;
        parts.push(`<polygon points="${n(tree.x)},${n(top)} ${n(tree.x + half * s)},${n(top + (bottom - top) * s)} ${n(tree.x - half * s)},${n(top + (bottom - top) * s)}" fill="${snowFill}" opacity="${op(snow)}"/>`);
      }
    }
  } else {
    const crownR = h * 0.3;
    const cy = tree.y - h + crownR;
    parts.push(`<rect x="${n(tree.x - h * 0.04)}" y="${n(cy)}" width="${n(h * 0.08)}" height="${n(tree.y - cy)}" fill="${trunk}"/>`);
    parts.push(`<circle cx="${n(tree.x)}" cy="${n(cy)}" r="${n(crownR)}" fill="${leafDark}"/>`);
    for (const b of tree.blobs) parts.push(`<circle cx="${n(tree.x + b.dx * crownR - 4)}" cy="${n(cy + b.dy * crownR - 4)}" r="${n(b.r * crownR)}" fill="${leaf}"/>`);
    if (snow > 0) parts.push(`<ellipse cx="${n(tree.x)}" cy="${n(cy - crownR * 0.7)}" rx="${n(crownR * (0.5 + 0.3 * snow))}" ry="${n(crownR * (0.15 + 0.2 * snow))}" fill="${snowFill}" opacity="${op(snow)}"/>`);
  }
  return parts.join('');
}
