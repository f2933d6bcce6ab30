import { execFile } from 'node:child_process';
import { access, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { RgbImage } from '../shared/metrics.js';

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
      throw new Error(`could not fetch the Debian package ${pkg} for the real evaluation set (needs apt-get and dpkg, and the Debian archive): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** A photo as a centred square of `size` px (shorter side scaled to it, the rest cropped). */
export async function readPhoto(dir: string, photo: RealPhoto, size: number): Promise<RgbImage> {
  const file = join(dir, photo.pkg, photo.path);
  if (!(await exists(file))) throw new Error(`${file}: not in the ${photo.pkg} package (a different version?)`);
  const rgb = await sharp(file).rotate().removeAlpha().resize(size, size, { fit: 'cover' }).toColourspace('srgb').raw().toBuffer();
  return { rgb: new Uint8Array(rgb), width: size, height: size };
}
