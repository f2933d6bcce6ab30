import type { ModelPreprocess } from '../../contract/models.js';
import { cropRaster, resizeRaster, type DecodedImage } from '../imaging/index.js';

export interface Preprocessed {
  image: DecodedImage;
  /** What was done, in words for the user (empty when nothing was). */
  notes: string[];
}

/**
 * The preprocessing a model was trained with, applied before translation. StarGAN's CelebA
 * models saw the centred square of each photo resized to their size, so a face photo is
 * framed the same way; `maxSide` lets a live preview shrink the square further.
 */
export async function applyPreprocess(image: DecodedImage, spec: ModelPreprocess | undefined, maxSide?: number): Promise<Preprocessed> {
  if (spec === undefined) return { image, notes: [] };
  const side = Math.min(image.width, image.height);
  const left = Math.floor((image.width - side) / 2);
  const top = Math.floor((image.height - side) / 2);
  const size = Math.min(spec.size, maxSide ?? spec.size);
  const cropped = cropRaster(image, left, top, side, side);
  const resized = side === size ? cropped : await resizeRaster(cropped, size, size);
  const square = side === image.width && side === image.height;
  const notes =
    square && side === size
      ? []
      : square
        ? [`resized to ${size} x ${size} px, as the model was trained`]
        : [`cropped to the centred ${side} x ${side} square and resized to ${size} x ${size} px, as the model was trained`];
  return { image: { ...resized, format: image.format }, notes };
}
