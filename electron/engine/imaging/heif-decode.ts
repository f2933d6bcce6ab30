import { createRequire } from 'node:module';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { StudioError } from '../errors.js';
import { MAX_INPUT_PIXELS, megapixels } from './limits.js';

/**
 * HEIC photos (what phones write) hold HEVC-coded pictures, and the prebuilt libvips inside
 * sharp decodes only AV1 (AVIF) from the HEIF family. Those files are decoded here by libheif's
 * maintained WebAssembly build (the libheif-js package, LGPL: loaded as its own module, never
 * linked into ours) and handed on as a PNG that sharp reads like any other file, so every
 * reader of images (translate, previews, training folders) gets them the same way.
 *
 * What the phone meant is kept: libheif applies the container's rotation and mirror boxes
 * (irot, imir) and crop; where a file has none but its EXIF says how it is turned (as encoders
 * that copy a camera JPEG's EXIF write it), that orientation is applied instead. The colour
 * profile travels in the PNG's iCCP chunk, so sharp converts it to sRGB as it does for JPEGs.
 */

interface HeifError {
  code: unknown;
  message?: string;
}
interface HeifChannel {
  id: unknown;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}
interface HeifDecoded {
  image: unknown;
  width: number;
  height: number;
  channels: HeifChannel[];
  code?: unknown;
}
/** The part of libheif-js's binding used here (it ships no TypeScript types for it). */
interface LibHeif {
  heif_context_alloc(): unknown;
  heif_context_free(context: unknown): void;
  heif_context_read_from_memory(context: unknown, bytes: Uint8Array): HeifError;
  heif_js_context_get_primary_image_handle(context: unknown): { code?: unknown } | null;
  heif_image_handle_get_width(handle: unknown): number;
  heif_image_handle_get_height(handle: unknown): number;
  heif_image_handle_has_alpha_channel(handle: unknown): number;
  heif_image_handle_release(handle: unknown): void;
  heif_js_decode_image2(handle: unknown, colorspace: unknown, chroma: unknown): Promise<HeifDecoded | null>;
  heif_image_release(image: unknown): void;
  heif_error_code: { heif_error_Ok: unknown };
  heif_colorspace: { heif_colorspace_RGB: unknown };
  heif_chroma: { heif_chroma_interleaved_RGBA: unknown };
  heif_channel: { heif_channel_interleaved: unknown };
}

let loaded: LibHeif | undefined;
/** The wasm build is 2 MB of code: it is loaded on the first HEIC, not with the engine. */
function libheif(): LibHeif {
  loaded ??= createRequire(import.meta.url)('libheif-js/wasm-bundle.js') as LibHeif;
  return loaded;
}

/** Decodes run one at a time: they share the one wasm heap. */
let queue: Promise<unknown> = Promise.resolve();

/** True when sharp can read the file's header but not its pictures: HEIF holding HEVC. */
export function needsHeifDecoder(header: Pick<Metadata, 'format' | 'compression'>): boolean {
  return header.format === 'heif' && header.compression === 'hevc';
}

/** A cheap look at the first bytes: an ISO-BMFF `ftyp` box (HEIF, AVIF and their kin). */
export function looksLikeHeif(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70;
}

/**
 * The picture of an HEVC-coded HEIF file as PNG bytes for sharp: upright, with its colour
 * profile. `header` is sharp's metadata of the file (its ICC profile and EXIF come from there).
 * Throws BAD_IMAGE naming the file and the cause.
 */
export function heifToPng(bytes: Buffer, header: Metadata, label: string): Promise<Buffer> {
  const run = queue.then(() => decodeToPng(bytes, header, label));
  queue = run.catch(() => undefined);
  return run;
}

async function decodeToPng(bytes: Buffer, header: Metadata, label: string): Promise<Buffer> {
  const pixels = header.width * header.height;
  if (pixels > MAX_INPUT_PIXELS) {
    throw bad(label, `too large: ${header.width} x ${header.height} is ${megapixels(pixels)} megapixels, over the ${megapixels(MAX_INPUT_PIXELS)}-megapixel limit that guards against decompression bombs`);
  }
  const heif = libheif();
  const context = heif.heif_context_alloc();
  if (context === null || context === undefined) throw bad(label, 'the HEIF decoder could not start (out of memory?)');
  let handle: { code?: unknown } | null = null;
  let decoded: HeifDecoded | null = null;
  try {
    const read = heif.heif_context_read_from_memory(context, bytes);
    if (read.code !== heif.heif_error_code.heif_error_Ok) throw bad(label, `corrupt HEIF container (${read.message ?? 'libheif could not parse it'})`);
    handle = heif.heif_js_context_get_primary_image_handle(context);
    if (handle === null || handle.code !== undefined) throw bad(label, 'the HEIF file has no primary picture');
    const hasAlpha = heif.heif_image_handle_has_alpha_channel(handle) !== 0;
    decoded = await heif.heif_js_decode_image2(handle, heif.heif_colorspace.heif_colorspace_RGB, heif.heif_chroma.heif_chroma_interleaved_RGBA);
    if (decoded === null || decoded.code !== undefined) throw bad(label, 'corrupt or truncated HEVC picture data');
    const plane = decoded.channels.find((c) => c.id === heif.heif_channel.heif_channel_interleaved);
    if (plane === undefined) throw bad(label, 'the HEIF decoder returned no pixels');
    const rgba = packRows(plane);
    let image = sharp(rgba, { raw: { width: plane.width, height: plane.height, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS });
    if (!hasAlpha) image = image.removeAlpha();
    const orientation = hasTransformBoxes(bytes) ? 1 : exifOrientation(header.exif);
    image = orient(image, orientation);
    const png = await image.png({ compressionLevel: 1 }).toBuffer();
    return header.icc === undefined ? png : withIccChunk(png, header.icc);
  } finally {
    if (decoded !== null) heif.heif_image_release(decoded.image);
    if (handle !== null) heif.heif_image_handle_release(handle);
    heif.heif_context_free(context);
  }
}

function bad(label: string, cause: string): StudioError {
  return new StudioError('BAD_IMAGE', `Cannot read image ${label}: ${cause}`);
}

/** The plane without row padding (libheif may pad each row to its stride). */
function packRows(plane: HeifChannel): Buffer {
  const row = plane.width * 4;
  if (plane.stride === row) return Buffer.from(plane.data.buffer, plane.data.byteOffset, row * plane.height);
  const out = Buffer.alloc(row * plane.height);
  for (let y = 0; y < plane.height; y++) out.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
  return out;
}

/**
 * EXIF orientation (1-8) as sharp operations, matching sharp's own autoOrient for files that
 * carry the tag (tested against it for all eight).
 */
export function orient(image: Sharp, orientation: number): Sharp {
  return ORIENTATIONS[orientation]?.(image) ?? image;
}

const ORIENTATIONS: Readonly<Record<number, (image: Sharp) => Sharp>> = {
  2: (i) => i.flop(),
  3: (i) => i.rotate(180),
  4: (i) => i.flip(),
  5: (i) => i.rotate(90).flip(),
  6: (i) => i.rotate(90),
  7: (i) => i.rotate(90).flop(),
  8: (i) => i.rotate(270),
};

/** The Orientation tag (0x0112) of IFD0 in an EXIF block (with or without its `Exif\0\0` prefix); 1 when absent. */
export function exifOrientation(exif: Buffer | undefined): number {
  if (exif === undefined) return 1;
  const start = [0, 6, 4].find((o) => exif.length >= o + 8 && ['II*\0', 'MM\0*'].includes(exif.toString('latin1', o, o + 4)));
  if (start === undefined) return 1;
  const little = exif[start] === 0x49;
  const u16 = (at: number): number => (little ? exif.readUInt16LE(at) : exif.readUInt16BE(at));
  const u32 = (at: number): number => (little ? exif.readUInt32LE(at) : exif.readUInt32BE(at));
  const ifd = start + u32(start + 4);
  if (ifd + 2 > exif.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > exif.length) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/**
 * Whether the container turns or mirrors its pictures itself: an `irot` or `imir` property in
 * meta/iprp/ipco. libheif applies those, and EXIF orientation then only repeats them.
 */
export function hasTransformBoxes(bytes: Buffer): boolean {
  const children = (from: number, to: number): { type: string; body: number; end: number }[] => {
    const boxes: { type: string; body: number; end: number }[] = [];
    for (let at = from; at + 8 <= to; ) {
      let size = bytes.readUInt32BE(at);
      let header = 8;
      if (size === 1) {
        if (at + 16 > to) break;
        size = Number(bytes.readBigUInt64BE(at + 8));
        header = 16;
      } else if (size === 0) size = to - at;
      if (size < header || at + size > to) break;
      boxes.push({ type: bytes.toString('latin1', at + 4, at + 8), body: at + header, end: at + size });
      at += size;
    }
    return boxes;
  };
  const meta = children(0, bytes.length).find((b) => b.type === 'meta');
  // meta is a full box: version and flags before its children.
  const iprp = meta === undefined ? undefined : children(meta.body + 4, meta.end).find((b) => b.type === 'iprp');
  const ipco = iprp === undefined ? undefined : children(iprp.body, iprp.end).find((b) => b.type === 'ipco');
  return ipco !== undefined && children(ipco.body, ipco.end).some((b) => b.type === 'irot' || b.type === 'imir');
}

/** The PNG with an iCCP chunk (the profile, deflated) right after IHDR, where PNG wants it. */
export function withIccChunk(png: Buffer, icc: Buffer): Buffer {
  const IHDR_END = 8 + 8 + 13 + 4;
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG with IHDR first');
  const data = Buffer.concat([Buffer.from('icc\0', 'latin1'), Buffer.from([0]), deflateSync(icc)]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('iCCP', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return Buffer.concat([png.subarray(0, IHDR_END), chunk, png.subarray(IHDR_END)]);
}
