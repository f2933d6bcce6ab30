import type { Page } from 'playwright-core';
import { AttributesPageObject } from './attributes-page.js';
import { FinetunePageObject } from './finetune-page.js';
import { LibraryPageObject } from './library-page.js';
import { SettingsPageObject } from './settings-page.js';
import { SketchPageObject } from './sketch-page.js';
import { TranslatePageObject } from './translate-page.js';

/** The whole studio window: navigation between pages and the theme it shows. */
export class StudioApp {
  readonly translate: TranslatePageObject;
  readonly attributes: AttributesPageObject;
  readonly library: LibraryPageObject;
  readonly settings: SettingsPageObject;
  readonly finetune: FinetunePageObject;
  readonly sketch: SketchPageObject;

  constructor(readonly page: Page) {
    this.translate = new TranslatePageObject(page);
    this.attributes = new AttributesPageObject(page);
    this.library = new LibraryPageObject(page);
    this.settings = new SettingsPageObject(page);
    this.finetune = new FinetunePageObject(page);
    this.sketch = new SketchPageObject(page);
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByTestId('app').waitFor();
  }

  async goTo(name: 'Translate' | 'Attributes' | 'Fine-tune' | 'Library' | 'Settings' | 'Sketch'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  themeMode(): Promise<string | null> {
    return this.page.getByTestId('app').getAttribute('data-theme-mode');
  }

  async screenshot(path: string): Promise<void> {
    // Let MUI's transitions settle so the pictures show the final state.
    await this.page.waitForTimeout(300);
    await this.page.screenshot({ path, fullPage: true });
  }
}
