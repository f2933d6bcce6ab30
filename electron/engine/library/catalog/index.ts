export {
  OFFICIAL_MODELS,
  findCatalogEntry,
  listCatalog,
  plausibleSize,
  type CatalogEntry,
} from './official-models.js';
export { parameterBytes, parameterCount } from './parameter-count.js';
export { discardPartial, downloadFile, partialPath, type DownloadOptions, type DownloadProgress, type DownloadResult } from './downloader.js';
export { extractZipMember, listZipEntries, type ZipEntryInfo } from './zip-member.js';
export {
  cachedCheckpointPath,
  downloadCatalogModel,
  type CatalogDownloadOptions,
  type CatalogDownloadStage,
} from './catalog-download.js';
