/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { JSHandle, Locator, Page } from 'playwright-core';

/** The Translate page: dropping files, the queue and the before/after view. */
export class TranslatePageObject {
  constructor(readonly page: Page) {}

  /** Rows in the DOM: the queue is windowed, so only those in view (and a few more). */
  rows(): Locator {
    return this.page.getByTestId('queue-row');
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="queue-row"][data-name="${name}"]`);
  }

  summary(): Locator {
    return this.page.getByTestId('batch-summary');
  }

  engineNotice(): Locator {
    return this.page.getByTestId('engine-notice');
  }

  /**
   * Drops files on the window the way a file manager does: dragenter, dragover and drop events
   * carrying a DataTransfer with the files' real bytes.
   */
  async dropFiles(paths: string[]): Promise<void> {
    await this.dispatchDrop(await this.prepareDrop(paths));
  }

  /** Builds the drop's DataTransfer in the page (kept apart so benchmarks can leave it out). */
  async prepareDrop(paths: string[]): Promise<JSHandle<DataTransfer>> {
    const files = await Promise.all(paths.map(async (p) => ({ name: basename(p), base64: (await readFile(p)).toString('base64') })));
    return this.page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.name.endsWith('.jpg') ? 'image/jpeg' : 'application/octet-stream' }));
      }
      return dt;
    }, files);
  }

  async dispatchDrop(transfer: JSHandle<DataTransfer>): Promise<void> {
    const target = this.page.locator('main');
    await target.dispatchEvent('dragenter', { dataTransfer: transfer });
    await target.dispatchEvent('dragover', { dataTransfer: transfer });
    await target.dispatchEvent('drop', { dataTransfer: transfer });
  }

  /** Picks a whole folder with the page's folder picker (an <input webkitdirectory>). */
  async pickFolder(dir: string): Promise<void> {
    await this.page.getByTestId('folder-input').setInputFiles(dir);
  }

  /** Starts recording every status a queue row shows, to prove per-item progress was visible. */
  async recordRowStatuses(): Promise<void> {
    await this.page.evaluate(() => {
      const seen = new Set<string>();
      (window as unknown as { __statuses: Set<string> }).__statuses = seen;
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target instanceof Element ? r.target : null;
          el?.querySelectorAll?.('[data-status]').forEach((row) => seen.add(row.getAttribute('data-status') ?? ''));
          const own = el?.getAttribute?.('data-status');
          if (own) seen.add(own);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });
  }

  recordedStatuses(): Promise<string[]> {
    return this.page.evaluate(() => [...(window as unknown as { __statuses: Set<string> }).__statuses]);
  }

  async waitForSummary(text: string | RegExp, timeout = 120_000): Promise<void> {
    await this.summary().filter({ hasText: text }).waitFor({ timeout });
  }

  async openCompare(name: string): Promise<Locator> {
    await this.page.getByRole('button', { name: `Compare ${name}` }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('img', { name: `${name} after` }).evaluate((img: HTMLImageElement) => img.decode());
    return dialog;
  }
}
