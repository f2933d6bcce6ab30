export {
  findCatalogEntry,
  listCatalog,
  plausibleSize,
  type CatalogEntry,
} from './official-models.js';
export type { DownloadProgress } from './downloader.js';
export {
  downloadCatalogModel,
  type CatalogDownloadOptions,
} from './catalog-download.js';
