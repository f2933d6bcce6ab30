import { Pix2pixMode } from './pix2pix-mode.js';

/**
 * The conditional trainer: pix2pix whose generator takes a condition vector (StarGAN-style, one
 * row of attributes.csv per pair) and whose discriminator sees it too, replicated over the image.
 */
export class ConditionalMode extends Pix2pixMode {
  override readonly conditional = true;
  protected static override readonly attributes = true;
}
