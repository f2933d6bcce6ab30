export {
  OFFICIAL_MODELS,
  findCatalogEntry,
  listCatalog,
  parameterBytes,
  plausibleSize,
  type CatalogEntry,
} from './official-models.js';
export { discardPartial, downloadFile, partialPath, type DownloadOptions, type DownloadProgress, type DownloadResult } from './downloader.js';
export {
  cachedCheckpointPath,
  downloadCatalogModel,
  type CatalogDownloadOptions,
  type CatalogDownloadStage,
} from './catalog-download.js';
