/** Street furniture: buildings with windows and roofs, the road and pavements, cars, lamps. */
import { clamp01, hexToRgb, mix, multiply, rgbToHex, smoothstep } from './color.js';
import { VIEW, type SceneBuilding, type SceneCar, type SceneLamp, type SceneLayout } from './scene-layout.js';
import { type Lighting, WARM_LIGHTS } from './scene-lighting.js';
import { n, op } from './svg-format.js';

export function drawBuilding(b: SceneBuilding, light: Lighting): string {
  const base = b.base;
  const top = base - b.height;
  const depth = 0.45;
  const parts: string[] = [];
  const wall = light.surface(b.wall, depth);
  const wallShade = light.surface(rgbToHex(mix(hexToRgb(b.wall), [0, 0, 0], 0.25)), depth);
  parts.push(`<rect x="${n(b.x)}" y="${n(top)}" width="${n(b.width)}" height="${n(b.height)}" fill="${wall}"/>`);
  if (b.texture !== 'plain') parts.push(facadeTexture(b, top, light, depth));
  // A shaded right edge gives the facades some volume.
  parts.push(`<rect x="${n(b.x + b.width - 14)}" y="${n(top)}" width="14" height="${n(b.height)}" fill="${wallShade}"/>`);
  for (const y of b.floorLines) parts.push(`<rect x="${n(b.x)}" y="${n(y)}" width="${n(b.width)}" height="4" fill="${wallShade}"/>`);
  const roof = light.surface(b.roofColor, depth);
  const snow = clamp01(light.c.snow);
  const snowFill = light.surface('#f4f7fc', depth);
  if (b.roof === 'flat') {
    parts.push(`<rect x="${n(b.x - 6)}" y="${n(top - 10)}" width="${n(b.width + 12)}" height="12" fill="${roof}"/>`);
    if (snow > 0) parts.push(`<rect x="${n(b.x - 6)}" y="${n(top - 10 - 18 * snow)}" width="${n(b.width + 12)}" height="${n(18 * snow + 4)}" rx="6" fill="${snowFill}" opacity="${op(Math.min(1, snow * 1.5))}"/>`);
  } else if (b.roof === 'stepped') {
    const w2 = b.width * 0.55;
    const x2 = b.x + (b.width - w2) / 2;
    parts.push(`<rect x="${n(x2)}" y="${n(top - 40)}" width="${n(w2)}" height="40" fill="${wallShade}"/><rect x="${n(x2 - 4)}" y="${n(top - 48)}" width="${n(w2 + 8)}" height="10" fill="${roof}"/>`);
    if (snow > 0) parts.push(`<g fill="${snowFill}" opacity="${op(Math.min(1, snow * 1.5))}"><rect x="${n(x2 - 4)}" y="${n(top - 48 - 16 * snow)}" width="${n(w2 + 8)}" height="${n(16 * snow + 4)}" rx="5"/><rect x="${n(b.x)}" y="${n(top - 14 * snow)}" width="${n(b.width)}" height="${n(14 * snow + 2)}" rx="5"/></g>`);
  } else {
    const peak = Math.min(110, b.width * 0.45);
    parts.push(`<polygon points="${n(b.x - 10)},${n(top)} ${n(b.x + b.width / 2)},${n(top - peak)} ${n(b.x + b.width + 10)},${n(top)}" fill="${roof}"/>`);
    if (snow > 0) {
      const k = 0.3 + 0.5 * snow;
      // Snow covers the roof from the ridge down, further as snow increases.
      parts.push(`<polygon points="${n(b.x + b.width / 2 - (b.width / 2 + 10) * k)},${n(top - peak * (1 - k))} ${n(b.x + b.width / 2)},${n(top - peak - 6)} ${n(b.x + b.width / 2 + (b.width / 2 + 10) * k)},${n(top - peak * (1 - k))}" fill="${snowFill}" opacity="${op(Math.min(1, snow * 1.5))}"/>`);
    }
  }
  const t = light.night;
  for (const w of b.windows) {
    const on = w.lightsOnAt === null ? 0 : smoothstep(w.lightsOnAt, w.lightsOnAt + 0.2, t);
    const warm = WARM_LIGHTS[Math.min(WARM_LIGHTS.length - 1, Math.floor(w.warmth * WARM_LIGHTS.length))] ?? [255, 210, 110];
    const glass = light.fogged(multiply(mix(hexToRgb('#4d6682'), hexToRgb('#9fc4e6'), 0.35 + 0.3 * w.warmth), light.ambient), depth);
    const lit = light.fogged(warm, depth * 0.7);
    const color = rgbToHex(mix(glass, lit, on));
    const frame = light.surface('#e9e4da', depth);
    parts.push(`<rect x="${n(w.x - 3)}" y="${n(w.y - 3)}" width="${n(b.windowWidth + 6)}" height="${n(b.windowHeight + 6)}" fill="${frame}"/><rect x="${n(w.x)}" y="${n(w.y)}" width="${n(b.windowWidth)}" height="${n(b.windowHeight)}" fill="${color}"/>`);
    if (b.windowHeight > 26) parts.push(`<rect x="${n(w.x)}" y="${n(w.y + b.windowHeight / 2 - 1.5)}" width="${n(b.windowWidth)}" height="3" fill="${frame}"/>`);
  }
  if (b.door) {
    const doorLit = mix(multiply(hexToRgb('#5a3a28'), light.ambient), WARM_LIGHTS[2] ?? [255, 180, 70], smoothstep(0.5, 0.8, t) * 0.6);
    parts.push(`<rect x="${n(b.door.x)}" y="${n(base - b.door.height)}" width="${n(b.door.width)}" height="${n(b.door.height)}" fill="${rgbToHex(light.fogged(doorLit, depth))}"/>`);
  }
  if (b.awning && b.door) {
    const aw = light.surface(b.awning.color, depth);
    const ay = base - b.door.height - 26;
    const ax = b.x + 8;
    const width = b.width - 16;
    parts.push(`<polygon points="${n(ax)},${n(ay)} ${n(ax + width)},${n(ay)} ${n(ax + width + 8)},${n(ay + 22)} ${n(ax - 8)},${n(ay + 22)}" fill="${aw}"/>`);
    if (b.awning.stripes) {
      const white = light.surface('#f2efe8', depth);
      for (let x = ax; x < ax + width - 10; x += 28) parts.push(`<rect x="${n(x)}" y="${n(ay)}" width="12" height="22" fill="${white}"/>`);
    }
    if (snow > 0) parts.push(`<rect x="${n(ax - 4)}" y="${n(ay - 10 * snow)}" width="${n(width + 8)}" height="${n(10 * snow + 2)}" rx="4" fill="${snowFill}" opacity="${op(Math.min(1, snow * 1.5))}"/>`);
  }
  return parts.join('');
}

/** Brick courses or siding boards as thin lines in a darker wall tone, clipped to the facade. */

function facadeTexture(b: SceneBuilding, top: number, light: Lighting, depth: number): string {
  const line = light.surface(rgbToHex(mix(hexToRgb(b.wall), [30, 20, 20], 0.3)), depth);
  const courses: string[] = [];
  const pitch = b.texture === 'brick' ? 14 : 22;
  for (let y = top + pitch, row = 0; y < b.base; y += pitch, row++) {
    courses.push(`M${n(b.x)} ${n(y)} H${n(b.x + b.width)}`);
    if (b.texture === 'brick') {
      // Head joints alternate between courses, as bricks are laid.
      for (let x = b.x + (row % 2 ? 14 : 0) + 28; x < b.x + b.width; x += 28) courses.push(`M${n(x)} ${n(y - pitch)} V${n(y)}`);
    }
  }
  return `<path d="${courses.join(' ')}" stroke="${line}" stroke-width="${b.texture === 'brick' ? 2 : 3}" fill="none" opacity="0.55"/>`;
}

export function drawRoad(layout: SceneLayout, light: Lighting): string {
  const road = layout.road;
  if (!road) return '';
  const parts: string[] = [];
  const pavement = light.surface('#b9b4aa', 0.3, 0.9);
  const kerb = light.surface('#8d8a84', 0.3, 0.5);
  parts.push(`<rect x="0" y="${n(layout.horizon)}" width="${VIEW}" height="${n(road.top - layout.horizon)}" fill="${pavement}"/>`);
  parts.push(`<rect x="0" y="${n(road.top)}" width="${VIEW}" height="${n(road.bottom - road.top)}" fill="${light.surface(road.color, 0.2, 0.55)}"/>`);
  parts.push(`<rect x="0" y="${n(road.top - 6)}" width="${VIEW}" height="8" fill="${kerb}"/>`);
  parts.push(`<rect x="0" y="${n(road.bottom)}" width="${VIEW}" height="${n(VIEW - road.bottom)}" fill="${pavement}"/><rect x="0" y="${n(road.bottom)}" width="${VIEW}" height="8" fill="${kerb}"/>`);
  // Paving joints on the near pavement: texture that also shows perspective.
  const joints: string[] = [];
  const slab = 70;
  for (let i = -2; i * slab < VIEW + slab * 2; i++) {
    const x = i * slab;
    joints.push(`M${n(x)} ${n(road.bottom + 8)} L${n(x + (x - 500) * 0.25)} ${VIEW}`);
  }
  for (let y = road.bottom + 40; y < VIEW; y += 45) joints.push(`M0 ${n(y)} H${VIEW}`);
  parts.push(`<path d="${joints.join(' ')}" stroke="${kerb}" stroke-width="3" fill="none" opacity="${op(0.8 - 0.6 * clamp01(light.c.snow))}"/>`);
  const mid = (road.top + road.bottom) / 2;
  const dashColor = light.surface('#f1efe6', 0.2, 0.3);
  const dashW = (road.dashes[1] ?? 100) - (road.dashes[0] ?? 0);
  parts.push(`<g fill="${dashColor}" opacity="${op((1 - clamp01(light.c.snow) * 0.7))}">${road.dashes.map((x) => `<rect x="${n(x)}" y="${n(mid - 5)}" width="${n(dashW / 2)}" height="10"/>`).join('')}</g>`);
  return parts.join('');
}

export function drawCar(car: SceneCar, light: Lighting): string {
  const depth = 0.2;
  const l = car.length;
  const x = car.x - l / 2;
  const bodyTop = car.y - 58;
  const body = light.surface(car.colour, depth);
  const dark = light.surface('#1b1e24', depth);
  const glass = light.surface('#8fb3cc', depth);
  const on = smoothstep(0.4, 0.75, light.night);
  const cabinX = x + l * (car.facingRight ? 0.18 : 0.27);
  const front = car.facingRight ? x + l - 10 : x;
  const back = car.facingRight ? x : x + l - 10;
  const head = light.emissive(mix(multiply(hexToRgb('#e8e4d0'), light.ambient), hexToRgb('#fff6c8'), on), depth);
  const tail = light.emissive(mix(multiply(hexToRgb('#8a1e1e'), light.ambient), hexToRgb('#ff3b30'), on), depth);
  const parts = [
    `<path d="M${n(cabinX)} ${n(bodyTop)} L${n(cabinX + 12)} ${n(bodyTop - 34)} L${n(cabinX + l * 0.5)} ${n(bodyTop - 34)} L${n(cabinX + l * 0.55 + 6)} ${n(bodyTop)} Z" fill="${body}"/>`,
    `<path d="M${n(cabinX + 10)} ${n(bodyTop - 3)} L${n(cabinX + 19)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.26)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.26)} ${n(bodyTop - 3)} Z M${n(cabinX + l * 0.29)} ${n(bodyTop - 3)} L${n(cabinX + l * 0.29)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.49)} ${n(bodyTop - 28)} L${n(cabinX + l * 0.53)} ${n(bodyTop - 3)} Z" fill="${glass}"/>`,
    `<rect x="${n(x)}" y="${n(bodyTop)}" width="${n(l)}" height="42" rx="12" fill="${body}"/>`,
    `<rect x="${n(front)}" y="${n(bodyTop + 8)}" width="10" height="10" fill="${head}"/><rect x="${n(back)}" y="${n(bodyTop + 8)}" width="10" height="10" fill="${tail}"/>`,
    `<circle cx="${n(x + l * 0.22)}" cy="${n(car.y - 16)}" r="17" fill="${dark}"/><circle cx="${n(x + l * 0.78)}" cy="${n(car.y - 16)}" r="17" fill="${dark}"/>`,
  ];
  if (on > 0.001) {
    const dir = car.facingRight ? 1 : -1;
    const fx = car.facingRight ? x + l : x;
    parts.push(`<polygon points="${n(fx)},${n(bodyTop + 8)} ${n(fx + dir * 150)},${n(bodyTop - 4)} ${n(fx + dir * 150)},${n(car.y + 4)} ${n(fx)},${n(bodyTop + 18)}" fill="#fff3c0" opacity="${op(on * 0.22 * (1 - 0.4 * clamp01(light.c.fog)))}"/>`);
  }
  const snow = clamp01(light.c.snow);
  if (snow > 0) parts.push(`<rect x="${n(cabinX + 8)}" y="${n(bodyTop - 34 - 10 * snow)}" width="${n(l * 0.5 - 6)}" height="${n(10 * snow + 3)}" rx="4" fill="${light.surface('#f4f7fc', depth)}" opacity="${op(snow * 1.5)}"/>`);
  return parts.join('');
}

export function drawLamp(lamp: SceneLamp, light: Lighting): string {
  const on = smoothstep(0.35, 0.75, light.night);
  const depth = 0.3;
  const post = light.surface('#2f3338', depth);
  const headY = lamp.y - lamp.height;
  const bulbOff = multiply(hexToRgb('#d8d4c4'), light.ambient);
  const bulb = light.emissive(mix(bulbOff, hexToRgb('#fff1b8'), on), depth);
  const parts = [
    `<rect x="${n(lamp.x - 4)}" y="${n(headY)}" width="8" height="${n(lamp.height)}" fill="${post}"/>`,
    `<rect x="${n(lamp.x - 12)}" y="${n(lamp.y - 12)}" width="24" height="12" fill="${post}"/>`,
    `<path d="M${n(lamp.x - 20)} ${n(headY + 4)} L${n(lamp.x + 20)} ${n(headY + 4)} L${n(lamp.x + 12)} ${n(headY - 12)} L${n(lamp.x - 12)} ${n(headY - 12)} Z" fill="${post}"/>`,
    `<rect x="${n(lamp.x - 12)}" y="${n(headY + 4)}" width="24" height="14" fill="${bulb}"/>`,
  ];
  if (on > 0.001) {
    const glow = on * (1 - clamp01(light.c.fog) * 0.3);
    parts.push(`<ellipse cx="${n(lamp.x)}" cy="${n(lamp.y + 6)}" rx="80" ry="18" fill="#ffd36b" opacity="${op(glow * 0.45)}"/>`);
    // A faint cone of light under the head, then the halo; fog spreads the halo wider.
    parts.push(`<polygon points="${n(lamp.x - 14)},${n(headY + 18)} ${n(lamp.x + 14)},${n(headY + 18)} ${n(lamp.x + 75)},${n(lamp.y + 6)} ${n(lamp.x - 75)},${n(lamp.y + 6)}" fill="#ffe08a" opacity="${op(glow * 0.12)}"/>`);
    parts.push(`<circle cx="${n(lamp.x)}" cy="${n(headY + 10)}" r="${n(95 + 45 * clamp01(light.c.fog))}" fill="url(#lampGlow)" opacity="${op(glow)}"/>`);
  }
  return parts.join('');
}
