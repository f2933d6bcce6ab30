import { join } from 'node:path';
import { detectEdges } from '../../imaging/index.js';
import { ATTRIBUTES_FILE, readAttributeTable } from './attributes-csv.js';
import { FileSource, DEFAULT_CACHE_BYTES, checkSampleIndex } from './file-source.js';
import { pairingKey, requireImages, scanFolderPair, scanImageFolder, type ScannedFolder } from './folder-scan.js';
import { loadSideBySideRasters, loadSquareRaster } from './load-raster.js';
import { RasterCache } from './raster-cache.js';
import type { Rng } from './rng.js';
import { checkAugmentOptions, cropToTrainImage, drawCrop, type DatasetOptions, type SkippedFile, type TrainImage } from './train-image.js';

/**
 * Where paired (pix2pix) examples come from:
 * - `side-by-side`: each image holds A on its left half and B on its right (the public pix2pix
 *   datasets' layout);
 * - `two-folders`: A and B in separate folders, paired by file name without extension
 *   (relative to each folder, so `a/sub/x.jpg` pairs with `b/sub/x.png`);
 * - `edges-from-photos`: photos only; A is the edge map `detectEdges` derives from each photo.
 */
export type PairedSource =
  | { kind: 'side-by-side'; dir: string }
  | { kind: 'two-folders'; dirA: string; dirB: string }
  | { kind: 'edges-from-photos'; dir: string };

export interface PairedDatasetOptions extends DatasetOptions {
  /**
   * Conditional training: read per-image attribute values from `attributes.csv` beside the
   * targets (in `dirB` for two folders, else in `dir`). Images without a row are skipped.
   */
  attributes?: boolean;
}

export interface PairedSample {
  a: TrainImage;
  b: TrainImage;
  /** One value per attribute name; empty when attributes are not used. */
  attributes: Float32Array;
}

export interface PairedDataset {
  readonly size: number;
  /** Files left out, with reasons; grows if a file's pixel data turns out unreadable during training. */
  readonly skipped: SkippedFile[];
  /** Attribute column names from attributes.csv; empty when attributes are not used. */
  readonly attributeNames: string[];
  /**
   * Pair `index` (modulo size), A and B cut with the same crop and the same flip so they stay
   * aligned pixel for pixel. The random draws are made before the first await, so overlapping
   * calls stay reproducible in call order.
   */
  sample(rng: Rng, index: number): Promise<PairedSample>;
}

/** One pair as files: where A and B are read from (the same file for side-by-side and edges). */
interface PairFiles {
  a: string;
  b: string;
  /** The key attributes.csv rows are matched on. */
  key: string;
}

interface PairRasters {
  a: Uint8Array;
  /** 1 for an edge map, 3 for colour. */
  aChannels: 1 | 3;
  b: Uint8Array;
}

export async function openPairedDataset(source: PairedSource, opts: PairedDatasetOptions): Promise<PairedDataset> {
  checkAugmentOptions(opts);
  const { loadSize, cropSize } = opts;
  const { pairs, skipped, targetFolder, loadPair, what } = await listPairs(source, loadSize);

  const { usable, attributeNames, attributeRows } =
    opts.attributes === true
      ? await attachAttributes(pairs, join(targetFolder.dir, ATTRIBUTES_FILE), targetFolder.dir, skipped)
      : { usable: pairs, attributeNames: [], attributeRows: pairs.map(() => new Float32Array(0)) };
  requireImages(targetFolder, roleOf(source), usable.length, opts.attributes === true ? `${what} with a row in ${ATTRIBUTES_FILE}` : what);

  const cache = new RasterCache<PairRasters>(opts.cacheBytes ?? DEFAULT_CACHE_BYTES, (r) => r.a.byteLength + r.b.byteLength);
  const files = new FileSource(
    usable.map((p) => (p.a === p.b ? p.a : `${p.a}\n${p.b}`)),
    '',
    cache,
    (i) => loadPair(usable[i]!),
    skipped,
    `the ${roleOf(source)} folder ${targetFolder.dir}`,
    (i, err) => {
      const pair = usable[i]!;
      return err.message.includes(pair.b) && !err.message.includes(pair.a) ? pair.b : pair.a;
    },
  );

  return {
    size: files.size,
    skipped,
    attributeNames,
    async sample(rng: Rng, index: number) {
      checkSampleIndex(index);
      const crop = drawCrop(rng, opts);
      // Everything random is drawn above, before the first await.
      const { value, index: used } = await files.get(index % files.size);
      return {
        a: cropToTrainImage(value.a, value.aChannels, loadSize, cropSize, crop),
        b: cropToTrainImage(value.b, 3, loadSize, cropSize, crop),
        attributes: attributeRows[used]!.slice(),
      };
    },
  };
}

/**
 * Keeps the pairs that have a row in attributes.csv, each with its values; pairs without a row,
 * and rows naming no image, are listed in `skipped`.
 */
async function attachAttributes(
  pairs: PairFiles[],
  csvPath: string,
  targetDir: string,
  skipped: SkippedFile[],
): Promise<{ usable: PairFiles[]; attributeNames: string[]; attributeRows: Float32Array[] }> {
  const table = await readAttributeTable(csvPath);
  const usable: PairFiles[] = [];
  const attributeRows: Float32Array[] = [];
  const used = new Set<string>();
  for (const pair of pairs) {
    const row = table.rows.get(pair.key);
    if (row === undefined) {
      skipped.push({ path: pair.b, reason: `no row for it in ${csvPath}` });
      continue;
    }
    used.add(pair.key);
    usable.push(pair);
    attributeRows.push(row.values);
  }
  for (const [key, row] of table.rows) {
    if (!used.has(key)) skipped.push({ path: csvPath, reason: `line ${row.line}: no image named ${key} in ${targetDir}` });
  }
  return { usable, attributeNames: table.names, attributeRows };
}

function roleOf(source: PairedSource): string {
  switch (source.kind) {
    case 'side-by-side':
      return 'side-by-side pairs';
    case 'two-folders':
      return 'B (targets)';
    case 'edges-from-photos':
      return 'photos';
  }
}

async function listPairs(
  source: PairedSource,
  loadSize: number,
): Promise<{
  pairs: PairFiles[];
  skipped: SkippedFile[];
  targetFolder: ScannedFolder;
  loadPair: (pair: PairFiles) => Promise<PairRasters>;
  what: string;
}> {
  switch (source.kind) {
    case 'side-by-side':
    case 'edges-from-photos': {
      // One file per pair: A and B are its halves, or its edge map and the photo itself.
      const folder = await scanImageFolder(source.dir, roleOf(source));
      const loadPair: (pair: PairFiles) => Promise<PairRasters> =
        source.kind === 'side-by-side'
          ? async (pair) => ({ ...(await loadSideBySideRasters(pair.a, loadSize)), aChannels: 3 })
          : async (pair) => {
              // Edges are traced on the photo at load size, the resolution the model sees, and
              // cached with it: the detector runs once per photo, not once per step.
              const photo = await loadSquareRaster(pair.b, loadSize);
              return { a: detectEdges(photo, loadSize, loadSize), aChannels: 1, b: photo };
            };
      return {
        pairs: folder.files.map((file) => ({ a: file, b: file, key: pairingKey(folder.dir, file) })),
        skipped: [...folder.skipped],
        targetFolder: folder,
        what: 'readable images',
        loadPair,
      };
    }
    case 'two-folders': {
      const [folderA, folderB] = await scanFolderPair(source.dirA, source.dirB);
      requireImages(folderA, 'A');
      const skipped = [...folderA.skipped, ...folderB.skipped];
      const byKeyA = indexByKey(folderA, skipped);
      const byKeyB = indexByKey(folderB, skipped);
      // A's files without a partner, then B's; what both folders have is a pair.
      for (const [from, other, side, dir] of [[byKeyA, byKeyB, 'B', folderB.dir], [byKeyB, byKeyA, 'A', folderA.dir]] as const) {
        for (const [key, path] of from) if (!other.has(key)) skipped.push({ path, reason: `no image named ${key} (any extension) in the ${side} folder ${dir}` });
      }
      const pairs = [...byKeyA].flatMap(([key, a]): PairFiles[] => {
        const b = byKeyB.get(key);
        return b === undefined ? [] : [{ a, b, key }];
      });
      return {
        pairs,
        skipped,
        targetFolder: folderB,
        what: 'pairs of images with matching names in A and B',
        loadPair: async (pair) => {
          const [a, b] = await Promise.all([loadSquareRaster(pair.a, loadSize), loadSquareRaster(pair.b, loadSize)]);
          return { a, aChannels: 3, b };
        },
      };
    }
  }
}

/** Files by pairing key; a second file with the same key (x.jpg and x.png) is ambiguous and skipped. */
function indexByKey(folder: ScannedFolder, skipped: SkippedFile[]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const file of folder.files) {
    const key = pairingKey(folder.dir, file);
    const first = byKey.get(key);
    if (first === undefined) byKey.set(key, file);
    else skipped.push({ path: file, reason: `its name clashes with ${first}: pairs are matched by name without extension` });
  }
  return byKey;
}
