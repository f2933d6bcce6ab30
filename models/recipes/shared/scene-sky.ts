/** Sky and atmosphere: gradients, stars, moon, sun, clouds, far hills, the fog veil, snowfall. */
import { clamp01, hexToRgb, interpolateKeys, mix, multiply, type Rgb, rgbToHex, smoothstep } from './color.js';
import { VIEW, type SceneHill, type SceneLayout } from './scene-layout.js';
import { type Lighting, SKY_HORIZON_KEYS, SKY_TOP_KEYS, SNOW_WHITE, WARM_LIGHTS } from './scene-lighting.js';
import { Random } from './prng.js';
import { n, op } from './svg-format.js';

export function sceneDefs(layout: SceneLayout, light: Lighting): string {
  const t = light.night;
  const tintShift: Rgb = [layout.skyTint * 10, layout.skyTint * 4, -layout.skyTint * 8];
  // Each scene's sky is nudged warmer or cooler by day; the nudge fades out towards night.
  const top = light.fogged(interpolateKeys(SKY_TOP_KEYS, t), 0.9).map((v, i) => v + (tintShift[i] ?? 0) * (1 - t));
  const topColor: Rgb = [top[0] ?? 0, top[1] ?? 0, top[2] ?? 0];
  const horizon = light.fogged(interpolateKeys(SKY_HORIZON_KEYS, t), 1);
  const ground = hexToRgb(layout.ground);
  const groundFar = light.surface(rgbToHex(mix(ground, [150, 170, 180], 0.25)), 0.55, 0.85);
  const groundNear = light.surface(rgbToHex(mix(ground, [40, 60, 30], 0.15)), 0.1, 0.85);
  const glow = WARM_LIGHTS[0] ?? [255, 210, 110];
  return [
    '<defs>',
    `<linearGradient id="sky" x1="0" y1="0" x2="0" y2="${op(layout.horizon / VIEW)}"><stop offset="0" stop-color="${rgbToHex(topColor)}"/><stop offset="1" stop-color="${rgbToHex(horizon)}"/></linearGradient>`,
    `<linearGradient id="ground" gradientUnits="userSpaceOnUse" x1="0" y1="${layout.horizon}" x2="0" y2="${VIEW}"><stop offset="0" stop-color="${groundFar}"/><stop offset="1" stop-color="${groundNear}"/></linearGradient>`,
    `<radialGradient id="lampGlow"><stop offset="0" stop-color="${rgbToHex(glow)}" stop-opacity="0.9"/><stop offset="0.35" stop-color="${rgbToHex(glow)}" stop-opacity="0.35"/><stop offset="1" stop-color="${rgbToHex(glow)}" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="sunGlow"><stop offset="0" stop-color="#fff4c8" stop-opacity="0.8"/><stop offset="1" stop-color="#ffd080" stop-opacity="0"/></radialGradient>`,
    `<radialGradient id="moonGlow"><stop offset="0" stop-color="#dfe8ff" stop-opacity="0.45"/><stop offset="1" stop-color="#dfe8ff" stop-opacity="0"/></radialGradient>`,
    `<linearGradient id="fogVeil" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="0" y2="${VIEW}"><stop offset="0" stop-color="${rgbToHex(light.fogColor)}" stop-opacity="0.25"/><stop offset="${op(layout.horizon / VIEW)}" stop-color="${rgbToHex(light.fogColor)}" stop-opacity="0.85"/><stop offset="1" stop-color="${rgbToHex(light.fogColor)}" stop-opacity="0.2"/></linearGradient>`,
    grainPattern(layout.seed),
    '</defs>',
  ].join('');
}

/**
 * Fine texture over the whole picture: a tile of light and dark specks. A pattern tile is
 * rasterised once and repeated, several times cheaper than an feTurbulence filter, and is
 * a constant overlay, so it keeps every condition's effect monotone.
 */
function grainPattern(seed: number): string {
  const rnd = new Random(seed ^ 0x5eed);
  const tile = 120;
  const specks: string[] = [];
  for (let i = 0; i < 220; i++) {
    const size = rnd.range(2, 5);
    const light = rnd.chance(0.5);
    specks.push(`<rect x="${n(rnd.range(0, tile))}" y="${n(rnd.range(0, tile))}" width="${n(size)}" height="${n(size)}" fill="${light ? '#fff' : '#000'}" fill-opacity="${op(rnd.range(0.3, 1))}"/>`);
  }
  return `<pattern id="grain" patternUnits="userSpaceOnUse" width="${tile}" height="${tile}">${specks.join('')}</pattern>`;
}

export function drawStars(layout: SceneLayout, light: Lighting): string {
  const opacity = smoothstep(0.55, 0.95, light.night) * (1 - clamp01(light.c.fog) * 0.9);
  if (opacity <= 0.001) return '';
  const dots = layout.stars.map((s) => `<circle cx="${n(s.x)}" cy="${n(s.y)}" r="${n(s.r)}"/>`).join('');
  return `<g fill="#f4f6ff" opacity="${op(opacity)}">${dots}</g>`;
}

export function drawMoon(layout: SceneLayout, light: Lighting): string {
  const opacity = smoothstep(0.5, 0.85, light.night) * (1 - clamp01(light.c.fog) * 0.6);
  if (opacity <= 0.001) return '';
  const m = layout.moon;
  const craters = m.craters.map((cr) => `<circle cx="${n(m.x + cr.dx)}" cy="${n(m.y + cr.dy)}" r="${n(cr.r)}" fill="#c9ccd8"/>`).join('');
  return `<g opacity="${op(opacity)}"><circle cx="${n(m.x)}" cy="${n(m.y)}" r="${n(m.radius * 2.6)}" fill="url(#moonGlow)"/><circle cx="${n(m.x)}" cy="${n(m.y)}" r="${n(m.radius)}" fill="#f2f0e6"/>${craters}</g>`;
}

export function drawSun(layout: SceneLayout, light: Lighting): string {
  const t = light.night;
  // The sun sinks from its midday height to below the horizon by t = 0.6.
  const sink = smoothstep(0, 0.6, t);
  const y = layout.sun.y + (layout.horizon + layout.sun.radius * 1.2 - layout.sun.y) * sink;
  const color = mix(hexToRgb('#fff3b0'), hexToRgb('#ff7a3a'), smoothstep(0.15, 0.55, t));
  const opacity = (1 - smoothstep(0.5, 0.62, t)) * (1 - clamp01(light.c.fog) * 0.75);
  if (opacity <= 0.001) return '';
  const r = layout.sun.radius * (1 + 0.25 * sink);
  return `<g opacity="${op(opacity)}"><circle cx="${n(layout.sun.x)}" cy="${n(y)}" r="${n(r * 3)}" fill="url(#sunGlow)"/><circle cx="${n(layout.sun.x)}" cy="${n(y)}" r="${n(r)}" fill="${rgbToHex(color)}"/></g>`;
}

export function drawClouds(layout: SceneLayout, light: Lighting): string {
  const t = light.night;
  // Clouds catch the sunset (pink) and go slate grey at night, a little brighter than the sky.
  const tint = interpolateKeys(
    [
      [0, hexToRgb('#ffffff')],
      [0.25, hexToRgb('#fbefe2')],
      [0.5, hexToRgb('#f4a6a0')],
      [0.75, hexToRgb('#5a4a6e')],
      [1, hexToRgb('#262c40')],
    ],
    t,
  );
  const shade = mix(tint, [0, 0, 20], 0.18);
  const main = rgbToHex(light.fogged(tint, 0.9));
  const under = rgbToHex(light.fogged(shade, 0.9));
  return layout.clouds
    .map((cl) => {
      const puffs = cl.puffs.map((p) => `<circle cx="${n(cl.x + p.dx)}" cy="${n(cl.y + p.dy)}" r="${n(p.r)}"/>`).join('');
      const base = cl.puffs.map((p) => `<circle cx="${n(cl.x + p.dx + 6)}" cy="${n(cl.y + p.dy + 10)}" r="${n(p.r)}"/>`).join('');
      return `<g fill="${under}">${base}</g><g fill="${main}">${puffs}</g>`;
    })
    .join('');
}

export function drawHill(hill: SceneHill, light: Lighting, horizon: number): string {
  const step = VIEW / (hill.ridge.length - 1);
  const points = hill.ridge.map((y, i) => `${n(i * step)},${n(y)}`).join(' ');
  const fill = light.surface(hill.color, hill.depth, 0.8);
  const bottom = horizon + 60;
  return `<polygon points="0,${bottom} ${points} ${VIEW},${bottom}" fill="${fill}"/>`;
}

export function drawFogVeil(light: Lighting): string {
  const f = clamp01(light.c.fog);
  if (f <= 0.001) return '';
  return `<rect width="${VIEW}" height="${VIEW}" fill="url(#fogVeil)" opacity="${op(f * 0.55)}"/>`;
}

export function drawFlakes(layout: SceneLayout, light: Lighting): string {
  const s = clamp01(light.c.snow);
  if (s <= 0.001) return '';
  const count = Math.round(layout.flakes.length * (0.3 + 0.7 * s));
  const color = rgbToHex(light.fogged(mix(multiply(SNOW_WHITE, light.ambient), SNOW_WHITE, 0.3), 0.2));
  const dots = layout.flakes.slice(0, count).map((f) => `<circle cx="${n(f.x)}" cy="${n(f.y)}" r="${n(f.r)}"/>`).join('');
  return `<g fill="${color}" opacity="${op(Math.min(1, s * 1.4))}">${dots}</g>`;
}
