import { join } from 'node:path';
import type { ModelEntry } from '../../contract/models.js';
import { downloadCatalogModel, type CatalogDownloadOptions, type CatalogEntry } from './catalog/index.js';
import type { ModelLibrary } from './model-library.js';
import { importModelFile } from './model-importer.js';

export type InstallCatalogOptions = Omit<CatalogDownloadOptions<ModelEntry>, 'install' | 'cacheDir'> & { cacheDir?: string };

/**
 * Downloads an official model (resuming an interrupted transfer), converts it with the
 * checkpoint importer and installs it under the catalog name. A failed or cancelled
 * download never becomes a model: install only runs on a complete, size-checked file.
 */
export async function installCatalogModel(library: ModelLibrary, entry: CatalogEntry, options: InstallCatalogOptions = {}): Promise<ModelEntry> {
  return downloadCatalogModel(entry, {
    ...options,
    cacheDir: options.cacheDir ?? join(library.home, 'downloads'),
    install: async (checkpoint, e) =>
      (
        await importModelFile(library, checkpoint, {
          id: e.name,
          name: e.title,
          licence: `${e.licence} (${e.licenceNote})`,
          source: e.url,
          kind: e.kind,
          description: e.task,
          preferredSize: e.preferredSize,
          ...(e.preprocess === undefined ? {} : { preprocess: e.preprocess }),
          ...(e.attributes === undefined ? {} : { attributes: e.attributes.map((a) => a.name) }),
          ...(e.reverse === undefined ? {} : { reverse: e.reverse }),
        })
      ).entry,
  });
}
