/** The training data layer: folders in, augmented CHW float pairs out, deterministic per seed. */
export { Rng, shuffledIndices } from './rng.js';
export { trainImageToRgb, type AugmentOptions, type DatasetOptions, type SkippedFile, type TrainImage } from './train-image.js';
export { openUnpairedDataset, type UnpairedDataset } from './unpaired-dataset.js';
export { openPairedDataset, type PairedDataset, type PairedDatasetOptions, type PairedSample, type PairedSource } from './paired-dataset.js';
export { ATTRIBUTES_FILE } from './attributes-csv.js';
export { MIN_IMAGES } from './folder-scan.js';
export { writeSampleGrid, SAMPLE_GRID_GAP } from './sample-grid.js';
