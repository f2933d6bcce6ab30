/** Imaging: files in, sRGB rasters and model tensors in the middle, encoded files out. */
export type { DecodedImage, OutputFormat, RasterImage } from './raster.js';
export { decodeImage, decodeImageBytes, fitInside, readDecodableImage, resizeTarget, type DecodeOptions } from './decode.js';
export { DEFAULT_QUALITY, encodeImage, extensionFor, outputFormatFor, type EncodeOptions } from './encode.js';
export { TO_UNIT, imageToTensor, paddedSize, reflectIndex, tensorToImage, type ImageTensor, type PaddedSize } from './tensor.js';
export { IMAGE_EXTENSIONS, isImagePath, listImageFiles, type ListedImages } from './files.js';
export { cropRaster, resizeRaster, resizeRgb } from './resize.js';
export { blendWeight, planTiles, type Tile, type TilePlan } from './tiling.js';
export { detectEdges, type EdgeOptions } from './edges.js';
export { PreviewImages, VARIANT_SIZES, type PreviewImage } from './preview-images.js';
