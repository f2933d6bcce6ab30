/// <reference lib="dom" />
import type { Locator, Page } from 'playwright-core';

export interface TinySettings {
  size: number;
  loadSize: number;
  iterations: number;
  ngf: number;
  ndf: number;
  dLayers: number;
  sampleEvery: number;
  checkpointEvery: number;
}

/** The Fine-tune page: setting up a run, watching it, and the runs list. */
export class FinetunePageObject {
  constructor(readonly page: Page) {}

  async chooseTask(task: 'cyclegan' | 'pix2pix' | 'edges' | 'conditional'): Promise<void> {
    await this.page.getByTestId(`task-${task}`).click();
  }

  /** Picks a folder through the folder picker (as the system dialog would hand it over). */
  async chooseFolder(which: 'a' | 'b', dir: string): Promise<void> {
    await this.page.getByTestId(`folder-${which}-input`).setInputFiles(dir);
  }

  folderCount(which: 'a' | 'b'): Locator {
    return this.page.getByTestId(`folder-${which}-count`);
  }

  folderWarnings(which: 'a' | 'b'): Locator {
    return this.page.getByTestId(`folder-${which}`).getByTestId('folder-warning');
  }

  async setAdvanced(values: TinySettings): Promise<void> {
    const toggle = this.page.getByTestId('advanced-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    for (const [key, value] of Object.entries(values)) await this.page.getByTestId(`advanced-${key}`).fill(String(value));
  }

  async setName(name: string): Promise<void> {
    await this.page.getByTestId('run-name').fill(name);
  }

  estimate(): Locator {
    return this.page.getByTestId('estimate');
  }

  async start(): Promise<void> {
    await this.page.getByTestId('start-training').click();
    await this.live().waitFor();
  }

  live(): Locator {
    return this.page.getByTestId('live-run');
  }

  async status(): Promise<string | null> {
    return this.live().getAttribute('data-status');
  }

  async waitForStatus(status: string, timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="live-run"][data-status="${status}"]`).waitFor({ timeout });
  }

  charts(): Locator {
    return this.page.getByTestId('loss-chart');
  }

  /** Points in the first loss chart. */
  async chartPoints(): Promise<number> {
    return Number(await this.charts().first().getAttribute('data-points'));
  }

  async waitForChartPoints(atLeast: number, timeout = 90_000): Promise<void> {
    await this.page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points') ?? 0) >= n,
      atLeast,
      { timeout },
    );
  }

  async iteration(): Promise<number> {
    return Number((await this.page.getByTestId('figure-iteration').innerText()).split('/')[0]);
  }

  figure(name: 'eta' | 'speed' | 'device' | 'epoch'): Locator {
    return this.page.getByTestId(`figure-${name}`);
  }

  /** Waits until a sample grid image has loaded and has pixels. */
  async waitForSampleGrid(timeout = 90_000): Promise<{ width: number; height: number }> {
    const grid = this.page.getByTestId('sample-grid');
    await grid.waitFor({ timeout });
    return grid.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight };
    });
  }

  async button(name: string | RegExp): Promise<void> {
    await this.live().getByRole('button', { name }).click();
  }

  runRow(runId: string): Locator {
    return this.page.locator(`[data-testid="run-row"][data-run="${runId}"]`);
  }

  runRows(): Locator {
    return this.page.getByTestId('run-row');
  }

  async scrollToTop(): Promise<void> {
    await this.page.evaluate(() => window.scrollTo(0, 0));
  }

  resumeOffer(): Locator {
    return this.page.getByTestId('resume-offer');
  }
}
