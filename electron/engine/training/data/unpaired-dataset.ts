import { FileSource, DEFAULT_CACHE_BYTES, checkSampleIndex } from './file-source.js';
import { requireImages, scanFolderPair } from './folder-scan.js';
import { loadSquareRaster } from './load-raster.js';
import { RasterCache } from './raster-cache.js';
import type { Rng } from './rng.js';
import { checkAugmentOptions, cropToTrainImage, drawCrop, type DatasetOptions, type SkippedFile, type TrainImage } from './train-image.js';

/** Two folders of unrelated images (CycleGAN): domain A and domain B. */
export interface UnpairedDataset {
  readonly sizeA: number;
  readonly sizeB: number;
  /** Files left out, with reasons; grows if a file's pixel data turns out unreadable during training. */
  readonly skipped: SkippedFile[];
  /**
   * A is image `index` (modulo sizeA) of folder A, B a random image of folder B, each cropped
   * and flipped independently. The random draws are all made before its first await,
   * so overlapping calls (prefetching) stay reproducible in call order.
   */
  sample(rng: Rng, index: number): Promise<{ a: TrainImage; b: TrainImage }>;
}

export async function openUnpairedDataset(dirA: string, dirB: string, opts: DatasetOptions): Promise<UnpairedDataset> {
  checkAugmentOptions(opts);
  const [folderA, folderB] = await scanFolderPair(dirA, dirB);
  requireImages(folderA, 'A');
  requireImages(folderB, 'B');
  const skipped = [...folderA.skipped, ...folderB.skipped];
  const { loadSize, cropSize } = opts;
  const cache = new RasterCache<Uint8Array>(opts.cacheBytes ?? DEFAULT_CACHE_BYTES, (raster) => raster.byteLength);
  const sourceA = new FileSource(folderA.files, 'A:', cache, (i) => loadSquareRaster(folderA.files[i]!, loadSize), skipped, `the A folder ${folderA.dir}`);
  const sourceB = new FileSource(folderB.files, 'B:', cache, (i) => loadSquareRaster(folderB.files[i]!, loadSize), skipped, `the B folder ${folderB.dir}`);

  return {
    sizeA: sourceA.size,
    sizeB: sourceB.size,
    skipped,
    async sample(rng: Rng, index: number) {
      checkSampleIndex(index);
      const indexB = rng.int(sourceB.size);
      const cropA = drawCrop(rng, opts);
      const cropB = drawCrop(rng, opts);
      // Everything random is drawn above, before the first await.
      const [a, b] = await Promise.all([sourceA.get(index % sourceA.size), sourceB.get(indexB)]);
      return {
        a: cropToTrainImage(a.value, 3, loadSize, cropSize, cropA),
        b: cropToTrainImage(b.value, 3, loadSize, cropSize, cropB),
      };
    },
  };
}
