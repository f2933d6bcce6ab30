/**
 * How conditions become colours. Every colour goes through the same three steps, snow cover
 * (surface), ambient light (time of day) and fog (distance), with keys chosen so that each
 * channel falls monotonically with time; that is what makes the sliders smooth and monotone.
 */
import { clamp01, hexToRgb, interpolateKeys, mix, multiply, type Rgb, rgbToHex } from './color.js';

export interface SceneConditions {
  /** 0 = midday, ~0.5 = dusk, 1 = deep night. */
  timeOfDay: number;
  /** 0 = none, 1 = heavy snow cover and snowfall. */
  snow: number;
  /** 0 = clear, 1 = thick fog. */
  fog: number;
}

const AMBIENT_KEYS: readonly (readonly [number, Rgb])[] = [
  [0, [1, 1, 1]],
  [0.25, [0.97, 0.92, 0.85]],
  [0.5, [0.8, 0.58, 0.52]],
  [0.75, [0.36, 0.32, 0.48]],
  [1, [0.13, 0.14, 0.26]],
];
export const SKY_TOP_KEYS: readonly (readonly [number, Rgb])[] = [
  [0, hexToRgb('#3f82d8')],
  [0.25, hexToRgb('#4a7fc4')],
  [0.5, hexToRgb('#4b4f8f')],
  [0.75, hexToRgb('#1b2150')],
  [1, hexToRgb('#03060f')],
];
export const SKY_HORIZON_KEYS: readonly (readonly [number, Rgb])[] = [
  [0, hexToRgb('#c4e2ff')],
  [0.25, hexToRgb('#f1d9b0')],
  [0.5, hexToRgb('#f58a55')],
  [0.75, hexToRgb('#6e3f66')],
  [1, hexToRgb('#121a33')],
];
export const SNOW_WHITE: Rgb = [244, 247, 252];
export const WARM_LIGHTS: readonly Rgb[] = [hexToRgb('#ffd36b'), hexToRgb('#ffe49a'), hexToRgb('#ffb347')];

export class Lighting {
  readonly ambient: Rgb;
  readonly fogColor: Rgb;

  constructor(readonly c: SceneConditions) {
    this.ambient = interpolateKeys(AMBIENT_KEYS, clamp01(c.timeOfDay));
    // Fog is lit by the same light as everything else, so night fog is a dark grey-blue veil.
    this.fogColor = mix(multiply([226, 230, 236], this.ambient), [60, 66, 84], 0.08);
  }

  /** A diffuse surface: optional snow cover, then ambient light, then fog by depth (0 near .. 1 far). */
  surface(hex: string, depth: number, snowCover = 0): string {
    const base = mix(hexToRgb(hex), SNOW_WHITE, clamp01(this.c.snow) * snowCover);
    return rgbToHex(this.fogged(multiply(base, this.ambient), depth));
  }

  /** A light source: its own colour, only veiled by fog. */
  emissive(color: Rgb, depth: number): string {
    return rgbToHex(this.fogged(color, depth * 0.8));
  }

  fogged(c: Rgb, depth: number): Rgb {
    return mix(c, this.fogColor, this.fogAmount(depth));
  }

  fogAmount(depth: number): number {
    return clamp01(this.c.fog) * (0.2 + 0.7 * depth);
  }

  get night(): number {
    return clamp01(this.c.timeOfDay);
  }
}
