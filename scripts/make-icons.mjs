// The app's icon set, made from its one source, assets/icon.svg (`npm run icons`; the results
// are committed, since packaging reads them): PNGs for Linux and the window, a Windows .ico
// and a macOS .icns, each size rendered from the vector source rather than scaled from a
// bitmap. The .ico and .icns hold PNG entries, which every supported system reads.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = fileURLToPath(new URL('..', import.meta.url));
const assets = join(root, 'assets');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** icns entry types and the pixel size each holds (Apple's table; the @2x ones share PNGs). */
export const ICNS_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

export async function renderIcon(svg, size) {
  // Rendered at the target size from the vector, so small sizes stay crisp.
  return sharp(svg, { density: Math.max(1, (72 * size) / 1024) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export function icoFile(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    // 0 means 256 in the one-byte width and height fields.
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4);
    header.writeUInt16LE(32, entry + 6);
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.png)]);
}

export function icnsFile(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** Writes the whole set into `dir` (assets/ by default). */
export async function makeIcons(dir = assets) {
  const svg = await readFile(join(assets, 'icon.svg'));
  const pngs = new Map();
  for (const size of PNG_SIZES) pngs.set(size, await renderIcon(svg, size));
  await mkdir(join(dir, 'icons'), { recursive: true });
  for (const [size, png] of pngs) await writeFile(join(dir, 'icons', `${size}x${size}.png`), png);
  await writeFile(join(dir, 'icon.png'), pngs.get(1024));
  await writeFile(join(dir, 'icon.ico'), icoFile(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  await writeFile(join(dir, 'icon.icns'), icnsFile(ICNS_ENTRIES.map(([type, size]) => ({ type, png: pngs.get(size) }))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await makeIcons(process.argv[2] ?? assets);
