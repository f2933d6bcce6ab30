import sharp from 'sharp';

/** Resizes packed 8-bit RGB pixels to an exact size (lanczos3), for fixed-size models. */
export async function resizeRgb(rgb: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Promise<Uint8Array> {
  if (width === toWidth && height === toHeight) return rgb;
  const out = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(toWidth, toHeight, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
