import type { Locator, Page } from 'playwright-core';

/** The Library page: model cards, importing a file, the catalog. */
export class LibraryPageObject {
  constructor(readonly page: Page) {}

  cards(): Locator {
    return this.page.getByTestId('model-card');
  }

  card(id: string): Locator {
    return this.page.locator(`[data-testid="model-card"][data-model-id="${id}"]`);
  }

  /** Imports through the page's file picker, as a user choosing a file would. */
  async importFile(path: string): Promise<void> {
    await this.page.getByTestId('import-input').setInputFiles(path);
  }

  importDone(): Locator {
    return this.page.getByTestId('import-done');
  }

  catalogDownloadButtons(): Locator {
    return this.page.getByRole('button', { name: /^Download / });
  }
}
