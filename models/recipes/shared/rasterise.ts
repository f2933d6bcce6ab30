/**
 * SVG to interleaved RGB through sharp (librsvg). Shared by both renderers so they rasterise
 * identically: density chosen so the SVG is drawn at the target size, not scaled from a bitmap.
 */
import sharp from 'sharp';

export async function rasteriseSvg(svg: string, size: number): Promise<Uint8Array> {
  const { data, info } = await sharp(Buffer.from(svg))
    .resize(size, size, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`rasterised ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
