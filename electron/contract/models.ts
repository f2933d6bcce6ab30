/** Model descriptions shared by the engine, the CLI and the renderer. Plain data only. */

/**
 * The exact network of a model the engine built, as plain JSON: the name of a family the engine
 * registers (engine/nets/) and that family's settings, e.g. { family: 'resnet', ngf: 64, ... }.
 * Only the engine reads the settings; it checks them against the family when a manifest loads.
 */
export type NetworkSpec = { family: string } & Record<string, string | number | boolean>;

export const MODEL_KINDS = ['cyclegan', 'pix2pix', 'conditional'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface AttributeSpec {
  name: string;
  label?: string;
  min: number;
  max: number;
  default: number;
}

export interface ModelManifest {
  schemaVersion: 1;
  id: string;
  name: string;
  kind: ModelKind;
  description: string;
  inputChannels: number;
  outputChannels: number;
  /** Input sides must be multiples of this; inputs are padded by reflection and cropped back. */
  sizeMultiple: number;
  /** The size the model was trained at (shorter side), a hint for previews and the sketch pad. */
  preferredSize: number;
  /** Conditional models: one entry per element of the condition vector, in order. */
  attributes: AttributeSpec[];
  /** Free-form architecture summary, for example "resnet_9blocks (ngf 64, instance norm)". */
  architecture?: string;
  /**
   * The exact network, for models built by the engine from a known family. Lets the engine
   * rebuild the graph (e.g. to tile large images with whole-image statistics).
   */
  network?: NetworkSpec;
  /** Where the weights came from: a URL, a recipe, a file name. */
  source: string;
  licence: string;
  /** sha256 (hex) of model.onnx. */
  sha256: string;
  /** The model card file beside the manifest (Markdown), if any. */
  card?: string;
  /** CycleGAN halves: the id of the model that translates the other way. */
  reverse?: string;
  /** Graph tensor names, when they are not the engine's own ('input', 'condition'). */
  io?: { image: string; condition?: string };
  /** Models with a fixed input size: images are resized to it and the output back. */
  fixedSize?: { width: number; height: number };
  /** Pixel range the model works in: '-1..1' (GAN convention, the default) or '0..1'. */
  pixelRange?: PixelRange;
  /** What every image goes through before the model sees it, as in the model's training. */
  preprocess?: ModelPreprocess;
}

/**
 * StarGAN's CelebA loader: the centred square (CenterCrop(178) of the 178 x 218 photos), then
 * resized to the training size. Models trained that way see faces at that framing and scale
 * only, so every image (batch, preview, CLI) is cropped and resized alike; the output is the square.
 */
export interface ModelPreprocess {
  crop: 'centre-square';
  /** Side the square is resized to (the training size). */
  size: number;
}

export type PixelRange = '-1..1' | '0..1';

export type ModelOrigin = 'bundled' | 'installed';

export interface ModelEntry {
  manifest: ModelManifest;
  origin: ModelOrigin;
  /** Folder holding manifest.json and model.onnx. */
  dir: string;
  onnxPath: string;
  sizeBytes: number;
}

/** A model folder that could not be listed, and why. Listings report these and carry on. */
export interface ModelProblem {
  path: string;
  reason: string;
}
