/**
 * Procedural handbag product shots in the manner of edges2handbags: one bag, centred, on white.
 *
 * The engine's edge detector turns these renders into sketches, so every contour and inner
 * line that a sketch would show (body outline, flap edge, pocket, handles, stitching) is drawn
 * as a crisp, darker stroke; shading is kept to soft gradients that the edge detector ignores.
 * Drawing happens in a 1000 x 1000 user space regardless of output size.
 */
import { hexToRgb, mix, type Rgb, rgbToHex } from './color.js';
import { rasteriseSvg } from './rasterise.js';
import { n } from './svg-format.js';
import type { HandbagBody, HandbagHardware, HandbagLayout } from './handbag-layout.js';

export { randomHandbagLayout } from './handbag-layout.js';
export type { HandbagBody, HandbagHardware, HandbagLayout, HandbagMaterial, HandbagShape } from './handbag-layout.js';

const VIEW = 1000;
const HARDWARE: Record<HandbagHardware, { light: string; mid: string; dark: string }> = {
  gold: { light: '#fff0b0', mid: '#d4a93c', dark: '#8a6a1c' },
  silver: { light: '#ffffff', mid: '#b9bec6', dark: '#6d737c' },
  gunmetal: { light: '#9aa0a8', mid: '#555a62', dark: '#2a2d33' },
};

/** Outline of the body shrunk by `inset` on every side (stitching and trims follow it). */
function bodyPath(b: HandbagBody, inset: number): string {
  const top = b.bottom - b.height + inset;
  const bottom = b.bottom - inset;
  const tl = b.centreX - b.topWidth / 2 + inset;
  const tr = b.centreX + b.topWidth / 2 - inset;
  const bl = b.centreX - b.bottomWidth / 2 + inset;
  const br = b.centreX + b.bottomWidth / 2 - inset;
  const r = Math.max(0, Math.min(b.bottomRadius - inset * 0.5, (br - bl) / 2, (bottom - top) / 2));
  const midY = (top + bottom) / 2;
  const bulge = b.sideBulge;
  // Unit direction of each side near the bottom, so the rounded corner meets the side cleanly.
  const rightDx = br - tr;
  const sideLen = Math.hypot(rightDx, bottom - top);
  const ux = rightDx / sideLen;
  const uy = (bottom - top) / sideLen;
  const brStart = { x: br - ux * r, y: bottom - uy * r };
  const blStart = { x: bl + ux * r, y: bottom - uy * r };
  const arc = b.topArc * (1 - inset / Math.max(1, b.height));
  return [
    `M${n(tl)} ${n(top)}`,
    `Q${n(b.centreX)} ${n(top - arc * 2)} ${n(tr)} ${n(top)}`,
    `Q${n((tr + brStart.x) / 2 + bulge * 2)} ${n(midY)} ${n(brStart.x)} ${n(brStart.y)}`,
    `Q${n(br)} ${n(bottom)} ${n(br - r)} ${n(bottom)}`,
    `L${n(bl + r)} ${n(bottom)}`,
    `Q${n(bl)} ${n(bottom)} ${n(blStart.x)} ${n(blStart.y)}`,
    `Q${n((tl + blStart.x) / 2 - bulge * 2)} ${n(midY)} ${n(tl)} ${n(top)}`,
    'Z',
  ].join(' ');
}

/**
 * Contour colour: darker than the material, except on near-black materials where a dark line
 * would vanish; there a lighter piping-like line keeps every contour visible to the edge detector.
 */
function outline(colour: string): string {
  const c = hexToRgb(colour);
  const luma = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  return rgbToHex(luma < 60 ? mix(c, [200, 200, 205], 0.45) : mix(c, [0, 0, 0], 0.6));
}

function stitch(colour: string): string {
  const c = hexToRgb(colour);
  const light = (c[0] + c[1] + c[2]) / 3 < 110;
  // Contrast stitching: pale thread on dark leather, dark thread on pale.
  return rgbToHex(light ? mix(c, [255, 245, 225], 0.7) : mix(c, [0, 0, 0], 0.55));
}

export interface HandbagLook {
  /** The soft contact shadow under the bag (on by default, as in product shots). */
  shadow?: boolean;
}

export function handbagSvg(layout: HandbagLayout, size: number, look: HandbagLook = {}): string {
  const b = layout.body;
  const top = b.bottom - b.height;
  const line = outline(layout.colour);
  const hw = HARDWARE[layout.hardware];
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${VIEW} ${VIEW}">`);
  parts.push(defs(layout));
  parts.push(`<rect width="${VIEW}" height="${VIEW}" fill="#ffffff"/>`);
  // Soft contact shadow, kept well inside the frame so the corners stay pure white.
  if (look.shadow ?? true) parts.push(`<ellipse cx="${n(b.centreX + b.gusset / 2)}" cy="${n(b.bottom + 8)}" rx="${n(b.bottomWidth * 0.52 + b.gusset / 2)}" ry="22" fill="#000" opacity="0.28" filter="url(#shadow)"/>`);
  if (layout.strap) parts.push(drawStrap(layout));
  if (layout.handles.count === 2) parts.push(drawHandle(layout, 1));
  if (layout.feet) {
    for (const dx of [-0.36, 0.36]) parts.push(`<rect x="${n(b.centreX + dx * b.bottomWidth - 14)}" y="${n(b.bottom - 6)}" width="28" height="16" rx="6" fill="${hw.mid}" stroke="${hw.dark}" stroke-width="3"/>`);
  }
  if (b.gusset > 0) parts.push(drawGusset(layout));
  const path = bodyPath(b, 0);
  parts.push(`<path d="${path}" fill="url(#material)"/>`);
  if (layout.material === 'quilted') parts.push(`<path d="${path}" fill="url(#quilt)" clip-path="url(#bodyClip)"/>`);
  parts.push(`<path d="${path}" fill="url(#shadeX)"/><path d="${path}" fill="url(#shadeY)"/>`);
  if (b.shape === 'bucket') parts.push(drawBucketTop(layout));
  if (layout.pocket) parts.push(drawPocket(layout, line));
  if (layout.stitching) parts.push(`<path d="${bodyPath(b, 18)}" fill="none" stroke="${stitch(layout.colour)}" stroke-width="4" stroke-dasharray="14 9"/>`);
  if (layout.closure === 'zip' && !layout.flap) {
    const zipY = top + 22 - b.topArc * 0.9;
    parts.push(`<path d="M${n(b.centreX - b.topWidth * 0.36)} ${n(zipY + b.topArc * 0.5)} Q${n(b.centreX)} ${n(zipY - b.topArc * 0.6)} ${n(b.centreX + b.topWidth * 0.36)} ${n(zipY + b.topArc * 0.5)}" fill="none" stroke="${line}" stroke-width="7"/>`);
    parts.push(`<rect x="${n(b.centreX + b.topWidth * 0.3)}" y="${n(zipY + b.topArc * 0.35)}" width="16" height="40" rx="5" fill="${hw.mid}" stroke="${hw.dark}" stroke-width="3"/>`);
  }
  parts.push(`<path d="${path}" fill="none" stroke="${line}" stroke-width="7" stroke-linejoin="round"/>`);
  if (layout.flap) parts.push(drawFlap(layout, line));
  if (layout.frontStraps) parts.push(drawFrontStraps(layout));
  parts.push(drawClosure(layout));
  if (layout.handles.count >= 1) parts.push(drawHandle(layout, 0));
  parts.push('</svg>');
  return parts.join('');
}

export async function renderHandbag(layout: HandbagLayout, size: number, look: HandbagLook = {}): Promise<Uint8Array> {
  return rasteriseSvg(handbagSvg(layout, size, look), size);
}

/**
 * The same bag as a designer's line drawing: dark lines on white, every contour, seam and
 * stitch where the render has it, no colour, shading or shadow. Parts are filled white in
 * drawing order, so what the bag hides stays hidden; the colour stroke inside a handle or
 * strap is white, leaving the two lines a drawing has. `lineScale` thickens every line
 * (hand-drawn lines are 1.5 to 3 px at 256 px).
 */
export function handbagSketchSvg(layout: HandbagLayout, size: number, lineScale: number): string {
  const bands = new Set([layout.handles.colour, layout.strap?.colour].filter((c): c is string => c !== undefined));
  return handbagSvg(layout, size, { shadow: false })
    .replace(/<(?:ellipse|path|rect|circle)\b[^>]*\sopacity="[^"]*"[^>]*\/>/g, '')
    .replace(/\sfill="(?!none")[^"]*"/g, ' fill="#ffffff"')
    .replace(/\sstroke="([^"]*)"/g, (_, c: string) => ` stroke="${bands.has(c) ? '#ffffff' : '#1a1a1a'}"`)
    .replace(/\sstroke-width="([\d.]+)"/g, (_, w: string) => ` stroke-width="${n(Number(w) * lineScale)}"`);
}

export async function renderHandbagSketch(layout: HandbagLayout, size: number, lineScale: number): Promise<Uint8Array> {
  return rasteriseSvg(handbagSketchSvg(layout, size, lineScale), size);
}

function defs(layout: HandbagLayout): string {
  const b = layout.body;
  const base = hexToRgb(layout.colour);
  const accent = hexToRgb(layout.accent);
  const s = layout.patternSize;
  const rot = layout.patternAngle ? ` patternTransform="rotate(${layout.patternAngle})"` : '';
  let material: string;
  switch (layout.material) {
    case 'stripes':
      material = `<pattern id="material" patternUnits="userSpaceOnUse" width="${n(s)}" height="${n(s)}"${rot}><rect width="${n(s)}" height="${n(s)}" fill="${layout.colour}"/><rect width="${n(s * 0.45)}" height="${n(s)}" fill="${layout.accent}"/></pattern>`;
      break;
    case 'checks':
      material = `<pattern id="material" patternUnits="userSpaceOnUse" width="${n(s)}" height="${n(s)}"${rot}><rect width="${n(s)}" height="${n(s)}" fill="${layout.colour}"/><rect width="${n(s / 2)}" height="${n(s)}" fill="${rgbToHex(mix(base, accent, 0.45))}"/><rect width="${n(s)}" height="${n(s / 2)}" fill="${rgbToHex(mix(base, accent, 0.45))}"/><rect width="${n(s / 2)}" height="${n(s / 2)}" fill="${layout.accent}"/></pattern>`;
      break;
    case 'canvas':
      material = `<pattern id="material" patternUnits="userSpaceOnUse" width="12" height="12"><rect width="12" height="12" fill="${layout.colour}"/><rect width="12" height="3" fill="${rgbToHex(mix(base, [255, 255, 255], 0.12))}"/><rect width="3" height="12" fill="${rgbToHex(mix(base, [0, 0, 0], 0.1))}"/></pattern>`;
      break;
    case 'suede':
      material = `<linearGradient id="material"><stop offset="0" stop-color="${layout.colour}"/><stop offset="1" stop-color="${layout.colour}"/></linearGradient>`;
      break;
    default:
      // Leather (and the quilted base): a gentle sheen from top left.
      material = `<linearGradient id="material" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${rgbToHex(mix(base, [255, 255, 255], 0.12))}"/><stop offset="1" stop-color="${rgbToHex(mix(base, [0, 0, 0], 0.1))}"/></linearGradient>`;
  }
  const q = s * 1.6;
  const seam = rgbToHex(mix(base, [0, 0, 0], 0.45));
  return [
    '<defs>',
    material,
    `<pattern id="quilt" patternUnits="userSpaceOnUse" width="${n(q)}" height="${n(q)}" patternTransform="rotate(45)"><rect width="${n(q)}" height="${n(q)}" fill="none" stroke="${seam}" stroke-width="4"/></pattern>`,
    `<clipPath id="bodyClip"><path d="${bodyPath(b, 0)}"/></clipPath>`,
    // Volume: darker at the sides and the bottom, a highlight left of centre.
    '<linearGradient id="shadeX" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#000" stop-opacity="0.35"/><stop offset="0.3" stop-color="#fff" stop-opacity="0.12"/><stop offset="0.55" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.38"/></linearGradient>',
    '<linearGradient id="shadeY" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.08"/><stop offset="0.7" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.3"/></linearGradient>',
    `<linearGradient id="metal" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${HARDWARE[layout.hardware].light}"/><stop offset="0.5" stop-color="${HARDWARE[layout.hardware].mid}"/><stop offset="1" stop-color="${HARDWARE[layout.hardware].dark}"/></linearGradient>`,
    '<filter id="shadow" x="-0.3" y="-2" width="1.6" height="5"><feGaussianBlur stdDeviation="14"/></filter>',
    '</defs>',
  ].join('');
}

/** Where the top edge meets a given horizontal position (the arc is a quadratic). */
function topAt(b: HandbagBody, x: number): number {
  const top = b.bottom - b.height;
  const u = (x - (b.centreX - b.topWidth / 2)) / b.topWidth;
  const k = Math.min(1, Math.max(0, u));
  // Quadratic Bezier with control at twice the arc: height along it is 4 arc u (1 - u).
  return top - b.topArc * 4 * k * (1 - k);
}

function drawHandle(layout: HandbagLayout, which: 0 | 1): string {
  const b = layout.body;
  const h = layout.handles;
  const offset = which === 1 ? b.topWidth * 0.06 : 0;
  const left = b.centreX - b.topWidth * h.spread + offset;
  const right = b.centreX + b.topWidth * h.spread + offset;
  const yl = topAt(b, left) + 18;
  const yr = topAt(b, right) + 18;
  const base = Math.min(yl, yr);
  // A cubic's apex sits three quarters of the way to its control points; keep it in frame.
  const peak = Math.max(base - h.height - b.topArc * 0.6, base - (base - 70) / 0.75);
  const d = `M${n(left)} ${n(yl)} C${n(left)} ${n(peak)} ${n(right)} ${n(peak)} ${n(right)} ${n(yr)}`;
  const colour = which === 1 ? rgbToHex(mix(hexToRgb(h.colour), [0, 0, 0], 0.25)) : h.colour;
  const parts = [
    `<path d="${d}" fill="none" stroke="${outline(h.colour)}" stroke-width="${n(h.thickness + 8)}" stroke-linecap="butt"/>`,
    `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${n(h.thickness)}" stroke-linecap="butt"/>`,
  ];
  if (h.thickness > 22 && layout.stitching) parts.push(`<path d="${d}" fill="none" stroke="${stitch(h.colour)}" stroke-width="3" stroke-dasharray="10 8"/>`);
  if (which === 0) {
    // Metal rings or tabs where the handle meets the body.
    for (const [x, y] of [[left, yl], [right, yr]] as const) {
      parts.push(`<rect x="${n(x - h.thickness * 0.8)}" y="${n(y - 8)}" width="${n(h.thickness * 1.6)}" height="${n(40)}" rx="6" fill="${layout.trim}" stroke="${outline(layout.trim)}" stroke-width="4"/>`);
      parts.push(`<circle cx="${n(x)}" cy="${n(y - 12)}" r="${n(h.thickness * 0.55 + 6)}" fill="none" stroke="url(#metal)" stroke-width="8"/>`);
    }
  }
  return parts.join('');
}

/** Side and top panels behind the front, receding up and to the right. */
function drawGusset(layout: HandbagLayout): string {
  const b = layout.body;
  const g = b.gusset;
  const top = b.bottom - b.height;
  const tl = b.centreX - b.topWidth / 2;
  const tr = b.centreX + b.topWidth / 2;
  const br = b.centreX + b.bottomWidth / 2;
  const dx = g;
  const dy = -g * 0.55;
  const line = outline(layout.colour);
  const base = hexToRgb(layout.colour);
  const side = rgbToHex(mix(base, [0, 0, 0], 0.3));
  const lid = rgbToHex(mix(base, [255, 255, 255], 0.08));
  const r = Math.min(b.bottomRadius, 40);
  return [
    `<path d="M${n(tr)} ${n(top)} L${n(tr + dx)} ${n(top + dy)} L${n(br + dx)} ${n(b.bottom + dy - r)} Q${n(br + dx)} ${n(b.bottom + dy)} ${n(br + dx - r * 0.6)} ${n(b.bottom + dy + r * 0.3)} L${n(br - r)} ${n(b.bottom)} Z" fill="${side}" stroke="${line}" stroke-width="6" stroke-linejoin="round"/>`,
    `<path d="M${n(tl)} ${n(top)} L${n(tl + dx)} ${n(top + dy)} L${n(tr + dx)} ${n(top + dy)} L${n(tr)} ${n(top)} Z" fill="${lid}" stroke="${line}" stroke-width="6" stroke-linejoin="round"/>`,
  ].join('');
}

function drawStrap(layout: HandbagLayout): string {
  const b = layout.body;
  const strap = layout.strap;
  if (!strap) return '';
  const left = b.centreX - b.topWidth / 2 + 14;
  const right = b.centreX + b.topWidth / 2 - 14;
  const y = topAt(b, left) + 10;
  const peak = Math.max(30, b.bottom - b.height - 300);
  const d = `M${n(left)} ${n(y)} C${n(left + 40)} ${n(peak)} ${n(right - 40)} ${n(peak)} ${n(right)} ${n(y)}`;
  return `<path d="${d}" fill="none" stroke="${outline(strap.colour)}" stroke-width="${n(strap.thickness + 6)}"/><path d="${d}" fill="none" stroke="${strap.colour}" stroke-width="${n(strap.thickness)}"/>`;
}

function drawFlap(layout: HandbagLayout, line: string): string {
  const b = layout.body;
  const flap = layout.flap;
  if (!flap) return '';
  const top = b.bottom - b.height;
  const depth = b.height * flap.depth;
  const w = b.topWidth + 12;
  const x0 = b.centreX - w / 2;
  const x1 = b.centreX + w / 2;
  const y0 = top - b.topArc * 0.05;
  const bottom = top + depth;
  const sideDrop = flap.edge === 'straight' ? depth : depth * 0.55;
  let edge: string;
  if (flap.edge === 'straight') edge = `L${n(x1)} ${n(bottom - 20)} Q${n(x1)} ${n(bottom)} ${n(x1 - 20)} ${n(bottom)} L${n(x0 + 20)} ${n(bottom)} Q${n(x0)} ${n(bottom)} ${n(x0)} ${n(bottom - 20)}`;
  else if (flap.edge === 'curved') edge = `L${n(x1)} ${n(top + sideDrop)} Q${n(b.centreX)} ${n(bottom + depth * 0.45)} ${n(x0)} ${n(top + sideDrop)}`;
  else edge = `L${n(x1)} ${n(top + sideDrop)} L${n(b.centreX + 30)} ${n(bottom - 8)} Q${n(b.centreX)} ${n(bottom + 10)} ${n(b.centreX - 30)} ${n(bottom - 8)} L${n(x0)} ${n(top + sideDrop)}`;
  const d = `M${n(x0)} ${n(y0)} Q${n(b.centreX)} ${n(y0 - b.topArc * 2)} ${n(x1)} ${n(y0)} ${edge} Z`;
  const flapFill = layout.material === 'stripes' || layout.material === 'checks' ? layout.trim : 'url(#material)';
  const parts = [
    // The flap casts a thin shadow on the front, a second cue for its lower edge.
    `<path d="${d}" fill="#000" opacity="0.3" transform="translate(0 9)"/>`,
    `<path d="${d}" fill="${flapFill}"/>`,
    `<path d="${d}" fill="url(#shadeX)"/>`,
    `<path d="${d}" fill="#000" opacity="0.08"/>`,
    `<path d="${d}" fill="none" stroke="${line}" stroke-width="7" stroke-linejoin="round"/>`,
  ];
  if (layout.stitching) {
    // Stitching follows the flap's lower edge, drawn as the same path scaled about the flap's top.
    const k = 0.9;
    parts.push(`<path d="${d}" fill="none" stroke="${stitch(layout.colour)}" stroke-width="4" stroke-dasharray="14 9" transform="translate(${n(b.centreX * (1 - k))} ${n(y0 * (1 - k) + 4)}) scale(${k})"/>`);
  }
  return parts.join('');
}

function flapBottom(layout: HandbagLayout): number {
  const b = layout.body;
  const top = b.bottom - b.height;
  if (!layout.flap) return top + b.height * 0.18;
  const depth = b.height * layout.flap.depth;
  if (layout.flap.edge === 'curved') return top + depth * 0.55 + (depth * 0.45 + depth * 0.45) / 2;
  return top + depth;
}

function drawClosure(layout: HandbagLayout): string {
  const b = layout.body;
  const y = flapBottom(layout);
  const hw = HARDWARE[layout.hardware];
  switch (layout.closure) {
    case 'buckle': {
      const strapW = 46;
      return [
        `<rect x="${n(b.centreX - strapW / 2)}" y="${n(y - 70)}" width="${strapW}" height="${n(130)}" rx="6" fill="${layout.trim}" stroke="${outline(layout.trim)}" stroke-width="5"/>`,
        `<rect x="${n(b.centreX - 40)}" y="${n(y - 34)}" width="80" height="60" rx="8" fill="none" stroke="${hw.dark}" stroke-width="14"/>`,
        `<rect x="${n(b.centreX - 40)}" y="${n(y - 34)}" width="80" height="60" rx="8" fill="none" stroke="url(#metal)" stroke-width="9"/>`,
        `<rect x="${n(b.centreX - 4)}" y="${n(y - 34)}" width="8" height="50" fill="${hw.mid}" stroke="${hw.dark}" stroke-width="2"/>`,
      ].join('');
    }
    case 'turnlock':
      return `<rect x="${n(b.centreX - 38)}" y="${n(y - 26)}" width="76" height="52" rx="10" fill="url(#metal)" stroke="${hw.dark}" stroke-width="5"/><rect x="${n(b.centreX - 8)}" y="${n(y - 22)}" width="16" height="44" rx="6" fill="${hw.mid}" stroke="${hw.dark}" stroke-width="3"/>`;
    case 'snap':
      return `<circle cx="${n(b.centreX)}" cy="${n(y - 16)}" r="20" fill="url(#metal)" stroke="${hw.dark}" stroke-width="5"/>`;
    default:
      return '';
  }
}

function drawFrontStraps(layout: HandbagLayout): string {
  const b = layout.body;
  const hw = HARDWARE[layout.hardware];
  const y = flapBottom(layout);
  return [-0.25, 0.25]
    .map((k) => {
      const x = b.centreX + k * b.topWidth;
      return `<rect x="${n(x - 20)}" y="${n(y - 120)}" width="40" height="${n(200)}" rx="5" fill="${layout.trim}" stroke="${outline(layout.trim)}" stroke-width="5"/><rect x="${n(x - 30)}" y="${n(y + 20)}" width="60" height="44" rx="6" fill="none" stroke="url(#metal)" stroke-width="9"/><rect x="${n(x - 30)}" y="${n(y + 20)}" width="60" height="44" rx="6" fill="none" stroke="${hw.dark}" stroke-width="2"/>`;
    })
    .join('');
}

function drawPocket(layout: HandbagLayout, line: string): string {
  const b = layout.body;
  const p = layout.pocket;
  if (!p) return '';
  const top = b.bottom - b.height;
  const width = Math.min(b.topWidth, b.bottomWidth) * p.widthShare;
  const height = b.height * p.heightShare;
  const x = b.centreX - width / 2;
  const y = top + b.height * p.offsetY - height / 2;
  const fill = layout.material === 'stripes' || layout.material === 'checks' ? layout.trim : 'url(#material)';
  const parts = [`<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="14" fill="${fill}" stroke="${line}" stroke-width="6"/>`];
  parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(width)}" height="${n(height)}" rx="14" fill="#000" opacity="0.07"/>`);
  if (p.kind === 'zip') {
    const hw = HARDWARE[layout.hardware];
    parts.push(`<path d="M${n(x + 20)} ${n(y + 26)} H${n(x + width - 20)}" stroke="${line}" stroke-width="7"/><rect x="${n(x + width - 46)}" y="${n(y + 22)}" width="14" height="34" rx="4" fill="${hw.mid}" stroke="${hw.dark}" stroke-width="3"/>`);
  } else if (layout.stitching) {
    parts.push(`<rect x="${n(x + 12)}" y="${n(y + 12)}" width="${n(width - 24)}" height="${n(height - 24)}" rx="8" fill="none" stroke="${stitch(layout.colour)}" stroke-width="4" stroke-dasharray="12 8"/>`);
  }
  return parts.join('');
}

function drawBucketTop(layout: HandbagLayout): string {
  const b = layout.body;
  const top = b.bottom - b.height;
  const line = outline(layout.colour);
  const inside: Rgb = mix(hexToRgb(layout.colour), [0, 0, 0], 0.45);
  // The open mouth seen from slightly above, with a drawstring cinching it.
  return `<ellipse cx="${n(b.centreX)}" cy="${n(top + 4)}" rx="${n(b.topWidth / 2 - 4)}" ry="34" fill="${rgbToHex(inside)}" stroke="${line}" stroke-width="6"/><path d="M${n(b.centreX - b.topWidth * 0.42)} ${n(top + 60)} Q${n(b.centreX)} ${n(top + 90)} ${n(b.centreX + b.topWidth * 0.42)} ${n(top + 60)}" fill="none" stroke="${layout.trim}" stroke-width="10"/><circle cx="${n(b.centreX + 40)}" cy="${n(top + 100)}" r="14" fill="url(#metal)" stroke="${line}" stroke-width="3"/>`;
}
