export { ModelLibrary, type LibraryListing, type ModelLibraryOptions } from './model-library.js';
export { bundledModelsDir, packageRoot, studioCacheDir, studioHome } from './paths.js';
export { importModelFile, slugify, type ImportOptions, type ImportReport } from './model-importer.js';
export { installCatalogModel, type InstallCatalogOptions } from './catalog-install.js';
/** The model translate and the studio pick when none is named: the bundled day-to-night starter. */
export const DEFAULT_MODEL = 'day2night';
