import { execFile } from 'node:child_process';
import { access, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { RgbImage } from './metrics.js';
import { cropSquare } from './recipe-kit.js';

const run = promisify(execFile);

/**
 * Real photographs the project did not make, from Debian packages under free licences. They
 * are not in the repository: the recipe downloads the packages (`apt-get download`, no root
 * needed) and unpacks them (`dpkg -x`) into its work folder.
 */
export interface RealPhoto {
  /** Short name for tables and file names. */
  name: string;
  pkg: string;
  path: string;
  /** What is in it, for the cards. */
  what: string;
}

const SKIMAGE = 'usr/lib/python3/dist-packages/skimage/data';
const MATE = 'usr/share/backgrounds/mate/nature';
const LOMIRI = 'usr/share/backgrounds';

/** Daytime photographs: the inputs of day2night and scene-attributes. */
export const DAY_PHOTOS: readonly RealPhoto[] = [
  { name: 'astronaut', pkg: 'python3-skimage', path: `${SKIMAGE}/astronaut.png`, what: 'portrait, studio light' },
  { name: 'chelsea', pkg: 'python3-skimage', path: `${SKIMAGE}/chelsea.png`, what: 'a cat' },
  { name: 'coffee', pkg: 'python3-skimage', path: `${SKIMAGE}/coffee.png`, what: 'a cup on a table' },
  { name: 'motorcycle', pkg: 'python3-skimage', path: `${SKIMAGE}/motorcycle_left.png`, what: 'a motorcycle in a garage' },
  { name: 'dune', pkg: 'mate-backgrounds', path: `${MATE}/Dune.jpg`, what: 'grass on a dune, sea and sky' },
  { name: 'meadow', pkg: 'mate-backgrounds', path: `${MATE}/GreenMeadow.jpg`, what: 'grass' },
  { name: 'storm', pkg: 'mate-backgrounds', path: `${MATE}/Storm.jpg`, what: 'a storm over a road' },
  { name: 'ladybird', pkg: 'mate-backgrounds', path: `${MATE}/LadyBird.jpg`, what: 'a ladybird on a stem' },
  { name: 'garden', pkg: 'mate-backgrounds', path: `${MATE}/Garden.jpg`, what: 'a leaf with drops' },
  { name: 'flower', pkg: 'mate-backgrounds', path: `${MATE}/FreshFlower.jpg`, what: 'a flower in sunlight' },
  { name: 'aitzgorri', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/aitzgorri_by_Aitzol_Berasategi.jpg`, what: 'mountains, autumn trees and a meadow' },
  { name: 'picos', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/picosdeeuropa_by_Aitzol_Berasategi.jpg`, what: 'a mountain path' },
  { name: 'stream', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/life_by_Aitzol_Berasategi.jpg`, what: 'a stream in a forest' },
  { name: 'dogs', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/friends_by_Aitzol_Berasategi.jpg`, what: 'two dogs at a wooden house' },
  { name: 'beach', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/Bridge_by_Sander_Klootwijk.jpg`, what: 'a beach under cables' },
  { name: 'tree', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/Dragonfly_by_Bolly.jpg`, what: 'a tree against the sky' },
];

/** Night photographs: the inputs of night2day besides the daytime set. */
export const NIGHT_PHOTOS: readonly RealPhoto[] = [{ name: 'rocket', pkg: 'python3-skimage', path: `${SKIMAGE}/rocket.jpg`, what: 'a rocket on its pad at night' }];

const PLASMA = (name: string): string => `usr/share/wallpapers/${name}/contents/images/2560x1600.jpg`;
const LOMIRI_20 = 'usr/share/backgrounds';

/**
 * Daytime photographs the photo-trained starters learn from. None of them is in the evaluation
 * sets above (a test checks), so the real-set scores are on photos the models never saw.
 */
export const TRAINING_DAY_PHOTOS: readonly RealPhoto[] = [
  { name: 'fig', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/Picture_0B_by_freespace.jpg`, what: 'a cut fig on a plate' },
  { name: 'brushes', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/Picture_1A_by_freespace.jpg`, what: 'paint brushes' },
  { name: 'wine', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/Wine_by_Jakkub_Mede.jpg`, what: 'a room with a drum and a bottle' },
  { name: 'dandelion', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/seeding_by_Clements_Engelhardt.jpg`, what: 'dandelions in a field' },
  { name: 'bee', pkg: 'lomiri-wallpapers-16.04', path: `${LOMIRI}/free_by_Peter_Nerlich.jpg`, what: 'a bee under lamps' },
  { name: 'nuthatch', pkg: 'lomiri-wallpapers-20.04', path: `${LOMIRI_20}/Kleiber_by_Lukas_Baubkus.jpg`, what: 'a bird on a trunk' },
  { name: 'aqua', pkg: 'mate-backgrounds', path: `${MATE}/Aqua.jpg`, what: 'a drop on water' },
  { name: 'raindrops', pkg: 'mate-backgrounds', path: `${MATE}/RainDrops.jpg`, what: 'drops on a leaf' },
  { name: 'wings', pkg: 'mate-backgrounds', path: `${MATE}/TwoWings.jpg`, what: 'a seed in sunlight' },
  { name: 'wood', pkg: 'mate-backgrounds', path: `${MATE}/Wood.jpg`, what: 'wood grain' },
  { name: 'blinds', pkg: 'mate-backgrounds', path: `${MATE}/Blinds.jpg`, what: 'a green leaf' },
  { name: 'yellow-flower', pkg: 'mate-backgrounds', path: `${MATE}/YellowFlower.jpg`, what: 'a yellow flower' },
  { name: 'lake', pkg: 'plasma-workspace-wallpapers', path: PLASMA('BytheWater'), what: 'a lake shore' },
  { name: 'pier', pkg: 'plasma-workspace-wallpapers', path: PLASMA('ColdRipple'), what: 'a pier in mist' },
  { name: 'leaf', pkg: 'plasma-workspace-wallpapers', path: PLASMA('FallenLeaf'), what: 'an autumn leaf' },
  { name: 'building', pkg: 'plasma-workspace-wallpapers', path: PLASMA('Grey'), what: 'a building' },
  { name: 'kite', pkg: 'plasma-workspace-wallpapers', path: PLASMA('Kite'), what: 'a kite in the sky' },
  { name: 'moss', pkg: 'plasma-workspace-wallpapers', path: PLASMA('OneStandsOut'), what: 'moss' },
  { name: 'forest', pkg: 'plasma-workspace-wallpapers', path: PLASMA('Path'), what: 'a path through a forest' },
  { name: 'boats', pkg: 'plasma-workspace-wallpapers', path: PLASMA('EveningGlow'), what: 'boats on a shore at sunset' },
];

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Downloads and unpacks each package the photos come from (once: kept in `dir`). */
export async function fetchPhotoPackages(dir: string, photos: readonly RealPhoto[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const pkg of new Set(photos.map((p) => p.pkg))) {
    const root = join(dir, pkg);
    if (await exists(join(root, '.unpacked'))) continue;
    try {
      if (!(await readdir(dir)).some((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))) await run('apt-get', ['download', pkg], { cwd: dir });
      const deb = (await readdir(dir)).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
      if (deb === undefined) throw new Error('apt-get download left no .deb');
      await run('dpkg', ['-x', join(dir, deb), root]);
      await run('touch', [join(root, '.unpacked')]);
    } catch (err) {
      throw new Error(`could not fetch the Debian package ${pkg} for its photographs (needs apt-get and dpkg, and the Debian archive): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Decodes a photo upright and in sRGB, scaled by `fit` to `size` px (see sharp's `fit`). */
async function decodePhoto(dir: string, photo: RealPhoto, size: number, fit: 'cover' | 'outside'): Promise<RgbImage> {
  const file = join(dir, photo.pkg, photo.path);
  if (!(await exists(file))) throw new Error(`${file}: not in the ${photo.pkg} package (a different version?)`);
  const { data, info } = await sharp(file).rotate().removeAlpha().resize(size, size, { fit }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

/** A photo as a centred square of `size` px (shorter side scaled to it, the rest cropped). */
export const readPhoto = (dir: string, photo: RealPhoto, size: number): Promise<RgbImage> => decodePhoto(dir, photo, size, 'cover');

/** A photo whose shorter side is `shortSide` px (aspect kept), as raw RGB. */
export const readPhotoScaled = (dir: string, photo: RealPhoto, shortSide: number): Promise<RgbImage> => decodePhoto(dir, photo, shortSide, 'outside');

/**
 * `count` random `size` px crops of each photo at several scales (shorter side `scales` px):
 * the models are trained on small crops but used on 512 px and larger photos, so they see both
 * a photo's large shapes and its fine texture at the scale users will give it.
 */
export async function photoCrops(dir: string, photos: readonly RealPhoto[], scales: readonly number[], count: number, size: number, uniform: () => number): Promise<{ photo: RealPhoto; crop: RgbImage }[]> {
  const crops: { photo: RealPhoto; crop: RgbImage }[] = [];
  for (const photo of photos) {
    for (const short of scales) {
      const img = await readPhotoScaled(dir, photo, short);
      for (let k = 0; k < count; k++) {
        crops.push({ photo, crop: cropSquare(img, Math.floor(uniform() * (img.width - size + 1)), Math.floor(uniform() * (img.height - size + 1)), size) });
      }
    }
  }
  return crops;
}
