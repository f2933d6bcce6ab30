import { describe, expect, it } from 'vitest';
import { colourStats, luma, lumaCorrelation, type RgbImage } from '../metrics.js';
import { fogGrade, nightGrade, randomNightLook, snowGrade } from '../photo-grades.js';
import { DAY_PHOTOS, NIGHT_PHOTOS, TRAINING_DAY_PHOTOS } from '../real-photos.js';
import { lcg } from '../recipe-kit.js';
import { randomSceneLayout, renderScene } from '../scene-renderer.js';

const SIZE = 64;
const STEPS = [0, 0.25, 0.5, 0.75, 1];

async function daytimeScene(): Promise<RgbImage> {
  return { rgb: await renderScene(randomSceneLayout(7), { timeOfDay: 0, snow: 0, fog: 0 }, SIZE), width: SIZE, height: SIZE };
}

function lumaStd(img: RgbImage): number {
  const l = luma(img);
  const m = l.reduce((s, v) => s + v, 0) / l.length;
  return Math.sqrt(l.reduce((s, v) => s + (v - m) ** 2, 0) / l.length);
}

describe('photographic grades (the photo-trained starters learn them)', () => {
  it('leave the photo exactly as it was at strength 0, and never change the input', async () => {
    const img = await daytimeScene();
    const before = Uint8Array.from(img.rgb);
    for (const grade of [nightGrade, fogGrade, snowGrade]) {
      // Rounding through linear light and back is exact for every 8-bit value.
      expect(grade(img, 0).rgb).toEqual(img.rgb);
      grade(img, 1);
    }
    expect(img.rgb).toEqual(before);
  });

  it('night: darker by at least 40% and bluer at full strength, each step darker, the structure kept', async () => {
    const img = await daytimeScene();
    const day = colourStats(img);
    const lumas = STEPS.map((s) => colourStats(nightGrade(img, s)).luma);
    expect(lumas.every((l, i) => i === 0 || l < (lumas[i - 1] ?? Infinity))).toBe(true);
    const uniform = lcg(3);
    for (let k = 0; k < 8; k++) {
      const night = nightGrade(img, 1, randomNightLook(uniform));
      const stats = colourStats(night);
      expect(stats.luma).toBeLessThan(0.6 * day.luma);
      expect(stats.b / stats.r).toBeGreaterThan((day.b / day.r) * 1.2);
      expect(lumaCorrelation(img, night)).toBeGreaterThan(0.9);
    }
  });

  it('fog: contrast falls with every step; snow: brighter and nearly colourless at full strength', async () => {
    const img = await daytimeScene();
    const contrasts = STEPS.map((s) => lumaStd(fogGrade(img, s)));
    expect(contrasts.every((c, i) => i === 0 || c < (contrasts[i - 1] ?? Infinity))).toBe(true);
    const snow = colourStats(snowGrade(img, 1));
    const plain = colourStats(img);
    expect(snow.luma).toBeGreaterThan(plain.luma);
    const spread = (s: { r: number; g: number; b: number }): number => Math.max(s.r, s.g, s.b) - Math.min(s.r, s.g, s.b);
    expect(spread(snow)).toBeLessThan(spread(plain));
  });
});

describe('real photographs', () => {
  it('the starters are trained on none of the photos they are evaluated on', () => {
    const key = (p: { pkg: string; path: string }): string => `${p.pkg}:${p.path}`;
    const evaluated = new Set([...DAY_PHOTOS, ...NIGHT_PHOTOS].map(key));
    expect(TRAINING_DAY_PHOTOS.filter((p) => evaluated.has(key(p)))).toEqual([]);
    const names = [...DAY_PHOTOS, ...NIGHT_PHOTOS, ...TRAINING_DAY_PHOTOS].map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
