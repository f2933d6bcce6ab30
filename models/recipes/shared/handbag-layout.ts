/**
 * Handbag layouts: shape, size, material, colours, hardware, handles, strap, flap, closure,
 * pockets and stitching, drawn from one seed. Plain JSON; coordinates are in the renderer's
 * 1000 x 1000 user space.
 */
import { hexToRgb, mix, rgbToHex } from './color.js';
import { Random } from './prng.js';

export type HandbagShape = 'tote' | 'trapezoid' | 'bowling' | 'bucket' | 'clutch' | 'satchel';
export type HandbagMaterial = 'leather' | 'suede' | 'stripes' | 'checks' | 'quilted' | 'canvas';
export type HandbagHardware = 'gold' | 'silver' | 'gunmetal';

export interface HandbagBody {
  shape: HandbagShape;
  centreX: number;
  /** y of the bottom edge. */
  bottom: number;
  height: number;
  topWidth: number;
  bottomWidth: number;
  /** How far the top edge bows upward (positive) at its middle. */
  topArc: number;
  /** How far the sides bow outward at mid-height. */
  sideBulge: number;
  bottomRadius: number;
  /** Depth of the side panel seen in a slight three-quarter view (0: straight on). */
  gusset: number;
}

export interface HandbagLayout {
  seed: number;
  body: HandbagBody;
  material: HandbagMaterial;
  /** Main colour and the secondary colour used by patterns and trims. */
  colour: string;
  accent: string;
  patternSize: number;
  patternAngle: number;
  trim: string;
  hardware: HandbagHardware;
  handles: { count: 0 | 1 | 2; thickness: number; height: number; spread: number; colour: string };
  strap: { thickness: number; colour: string } | null;
  flap: { depth: number; edge: 'straight' | 'curved' | 'pointed' } | null;
  closure: 'buckle' | 'turnlock' | 'snap' | 'zip' | 'none';
  /** Twin buckled straps down the front (a satchel look). */
  frontStraps: boolean;
  pocket: { kind: 'patch' | 'zip'; widthShare: number; heightShare: number; offsetY: number } | null;
  stitching: boolean;
  feet: boolean;
}

const LEATHER = ['#6b3b22', '#8b4a2b', '#2b2b2e', '#a8322d', '#c8a27a', '#3c4a6b', '#7a1f3d', '#d9c7a8', '#4f6b4a', '#b5651d', '#e0b8a8', '#1f1f24', '#9c8f86', '#d6a23e'];
/**
 * Each shape comes in its own few colours, so a drawing's outline says which colours its bag
 * may have: a model trained on them gives a black bowling bag, a red trapezoid and a tan tote,
 * where colours drawn at random for any shape teach it one average brown for all.
 */
const SHAPE_COLOURS: Record<HandbagShape, readonly string[]> = {
  tote: ['#c8a27a', '#d9c7a8', '#4f6b4a'],
  trapezoid: ['#a8322d', '#7a1f3d', '#e0b8a8'],
  bowling: ['#2b2b2e', '#1f1f24', '#9c8f86'],
  bucket: ['#b5651d', '#d6a23e', '#8b4a2b'],
  clutch: ['#e0b8a8', '#d6a23e', '#1f1f24', '#a8322d'],
  satchel: ['#6b3b22', '#3c4a6b', '#8b4a2b'],
};
const ACCENTS = ['#f2ede4', '#1d2a4a', '#b83a32', '#e8c766', '#2f5d50', '#ffffff', '#5a3a2a'];

export function randomHandbagLayout(seed: number): HandbagLayout {
  const rnd = new Random(seed);
  const shape = rnd.pick(['tote', 'trapezoid', 'bowling', 'bucket', 'clutch', 'satchel'] as const);
  const body = makeBody(rnd, shape);
  const material = rnd.pick(['leather', 'leather', 'leather', 'suede', 'stripes', 'checks', 'quilted', 'canvas'] as const);
  const colour = rnd.pick(SHAPE_COLOURS[shape]);
  const handleCount = shape === 'clutch' ? (rnd.chance(0.25) ? 1 : 0) : shape === 'satchel' || shape === 'bowling' ? rnd.pick([1, 2] as const) : rnd.pick([1, 2, 2] as const);
  const bodyTop = body.bottom - body.height;
  const handleRoom = bodyTop - 40;
  const hasFlap = shape === 'satchel' || shape === 'clutch' ? true : shape === 'bucket' ? false : rnd.chance(0.35);
  const trimLike = rnd.chance(0.5);
  const darker = rgbToHex(mix(hexToRgb(colour), [0, 0, 0], 0.35));
  return {
    seed,
    body,
    material,
    colour,
    accent: rnd.pick(ACCENTS),
    patternSize: rnd.range(22, 60),
    patternAngle: rnd.pick([0, 0, 45, 90]),
    trim: trimLike ? darker : rnd.pick(LEATHER),
    hardware: rnd.pick(['gold', 'silver', 'gunmetal'] as const),
    handles: {
      count: handleCount,
      thickness: rnd.range(14, 34),
      height: Math.min(handleRoom, rnd.range(0.45, 1.05) * body.topWidth * 0.6),
      spread: rnd.range(0.28, 0.42),
      colour: trimLike ? darker : colour,
    },
    strap: rnd.chance(shape === 'clutch' ? 0.3 : 0.35) ? { thickness: rnd.range(8, 16), colour: trimLike ? darker : colour } : null,
    flap: hasFlap ? { depth: rnd.range(0.3, shape === 'clutch' ? 0.6 : 0.5), edge: rnd.pick(['straight', 'curved', 'pointed'] as const) } : null,
    closure: hasFlap ? rnd.pick(['buckle', 'turnlock', 'snap'] as const) : rnd.pick(['zip', 'zip', 'snap', 'none'] as const),
    frontStraps: shape === 'satchel' && rnd.chance(0.6),
    pocket: !hasFlap && rnd.chance(0.45) ? { kind: rnd.pick(['patch', 'zip'] as const), widthShare: rnd.range(0.45, 0.75), heightShare: rnd.range(0.25, 0.4), offsetY: rnd.range(0.45, 0.6) } : null,
    stitching: rnd.chance(0.75),
    feet: shape !== 'clutch' && rnd.chance(0.4),
  };
}

/** Bags fill most of the frame, as in edges2handbags; sizes below are scaled about the centre. */
const BAG_SCALE = 1.12;

function makeBody(rnd: Random, shape: HandbagShape): HandbagBody {
  const b = makeUnscaledBody(rnd, shape);
  const k = BAG_SCALE;
  // Boxy bags are sometimes shot a little from the side, showing a side panel and the top.
  const boxy = shape === 'tote' || shape === 'trapezoid' || shape === 'satchel' || shape === 'clutch';
  const gusset = boxy && rnd.chance(0.45) ? rnd.range(28, 70) : 0;
  return { ...b, gusset, centreX: b.centreX - gusset / 2, bottom: 500 + (b.bottom - 500) * k - 25, height: b.height * k, topWidth: b.topWidth * k, bottomWidth: b.bottomWidth * k, topArc: b.topArc * k, sideBulge: b.sideBulge * k, bottomRadius: b.bottomRadius * k };
}

function makeUnscaledBody(rnd: Random, shape: HandbagShape): Omit<HandbagBody, 'gusset'> {
  const centreX = 500 + rnd.range(-15, 15);
  switch (shape) {
    case 'tote': {
      const w = rnd.range(560, 720);
      return { shape, centreX, bottom: rnd.range(820, 860), height: rnd.range(420, 520), topWidth: w * rnd.range(1.0, 1.12), bottomWidth: w, topArc: 0, sideBulge: 0, bottomRadius: rnd.range(10, 40) };
    }
    case 'trapezoid': {
      const w = rnd.range(620, 760);
      return { shape, centreX, bottom: rnd.range(820, 860), height: rnd.range(400, 500), topWidth: w * rnd.range(0.6, 0.78), bottomWidth: w, topArc: 0, sideBulge: rnd.range(0, 15), bottomRadius: rnd.range(20, 60) };
    }
    case 'bowling': {
      const w = rnd.range(620, 760);
      return { shape, centreX, bottom: rnd.range(800, 850), height: rnd.range(360, 440), topWidth: w * 0.8, bottomWidth: w, topArc: rnd.range(90, 150), sideBulge: rnd.range(25, 50), bottomRadius: rnd.range(60, 110) };
    }
    case 'bucket': {
      const w = rnd.range(460, 560);
      return { shape, centreX, bottom: rnd.range(830, 870), height: rnd.range(460, 540), topWidth: w * rnd.range(1.05, 1.2), bottomWidth: w, topArc: -rnd.range(0, 20), sideBulge: rnd.range(15, 40), bottomRadius: rnd.range(70, 120) };
    }
    case 'clutch': {
      const w = rnd.range(640, 760);
      return { shape, centreX, bottom: rnd.range(700, 740), height: rnd.range(330, 420), topWidth: w, bottomWidth: w, topArc: 0, sideBulge: 0, bottomRadius: rnd.range(16, 50) };
    }
    case 'satchel': {
      const w = rnd.range(600, 740);
      return { shape, centreX, bottom: rnd.range(820, 860), height: rnd.range(420, 500), topWidth: w * rnd.range(0.92, 1), bottomWidth: w, topArc: rnd.range(0, 25), sideBulge: rnd.range(0, 12), bottomRadius: rnd.range(40, 80) };
    }
  }
}
