/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
import type { Locator, Page } from 'playwright-core';
import { TranslatePageObject } from './translate-page.js';

/** What the preview panel says about the picture it shows. */
export interface PreviewState {
  computed: number;
  inputEvents: number;
  busy: boolean;
  /** The attribute values the shown picture was computed for. */
  values: Record<string, number> | null;
  full: boolean;
  seq: number;
  image: string | null;
}

/** The Attributes page: a picture, sliders with a live preview, presets, apply to batch. */
export class AttributesPageObject {
  private readonly drops: TranslatePageObject;

  constructor(readonly page: Page) {
    this.drops = new TranslatePageObject(page);
  }

  root(): Locator {
    return this.page.getByTestId('attributes-page');
  }

  preview(): Locator {
    return this.page.getByTestId('attribute-preview');
  }

  async chooseImage(path: string): Promise<void> {
    await this.page.getByTestId('attribute-file-input').setInputFiles(path);
  }

  async dropImage(path: string): Promise<void> {
    await this.drops.dropFiles([path]);
  }

  async pickFromQueue(name: string): Promise<void> {
    await this.root().getByRole('button', { name: /From the queue/ }).first().click();
    await this.page.getByRole('menuitem').filter({ hasText: name }).first().click();
  }

  async chooseModel(name: string): Promise<void> {
    await this.page.getByTestId('attributes-model-select').click();
    await this.page.getByRole('option', { name }).click();
  }

  /** The range input of an attribute's slider (it carries aria-valuenow). */
  sliderInput(attribute: string): Locator {
    return this.page.getByTestId(`attribute-slider-${attribute}`).locator('input[type="range"]');
  }

  async sliderValue(attribute: string): Promise<number> {
    return Number(await this.sliderInput(attribute).getAttribute('aria-valuenow'));
  }

  async state(): Promise<PreviewState> {
    return this.preview().evaluate((el) => {
      const raw = el.getAttribute('data-preview-value') ?? '';
      const img = el.querySelector<HTMLImageElement>('img[alt$=" preview"]');
      return {
        computed: Number(el.getAttribute('data-computed')),
        inputEvents: Number(el.getAttribute('data-input-events')),
        busy: el.getAttribute('data-busy') === 'true',
        values: raw === '' ? null : (JSON.parse(raw) as Record<string, number>),
        full: el.getAttribute('data-preview-full') === 'true',
        seq: Number(el.getAttribute('data-preview-seq')),
        image: img?.getAttribute('src') ?? null,
      };
    });
  }

  /** Waits until the full-size preview for exactly these values is shown, and returns it. */
  async waitForFullPreview(values: Record<string, number>, timeout = 30_000): Promise<PreviewState> {
    const want = JSON.stringify(Object.fromEntries(Object.entries(values).sort()));
    await this.page.waitForFunction(
      (expected) => {
        const el = document.querySelector('[data-testid="attribute-preview"]');
        const raw = el?.getAttribute('data-preview-value') ?? '';
        if (el?.getAttribute('data-preview-full') !== 'true' || raw === '') return false;
        const got = JSON.parse(raw) as Record<string, number>;
        return JSON.stringify(Object.fromEntries(Object.entries(got).sort())) === expected;
      },
      want,
      { timeout },
    );
    return this.state();
  }

  /**
   * Drags an attribute's thumb from one fraction of the track to another with `moves` pointer
   * moves, then releases it.
   */
  async drag(attribute: string, from: number, to: number, moves: number): Promise<void> {
    const box = await this.page.getByTestId(`attribute-slider-${attribute}`).boundingBox();
    if (box === null) throw new Error(`the ${attribute} slider is not visible`);
    const y = box.y + box.height / 2;
    const x = (f: number): number => box.x + box.width * f;
    await this.page.mouse.move(x(from), y);
    await this.page.mouse.down();
    for (let i = 1; i <= moves; i++) await this.page.mouse.move(x(from + ((to - from) * i) / moves), y);
    await this.page.mouse.up();
  }

  /**
   * A quick drag, faster than the engine can keep up with: pointer moves dispatched in the page
   * every `intervalMs` (a hand flicking the thumb across), then a release. The page thread is
   * held between moves, as during a burst of input, so the spacing does not depend on timers.
   */
  async flick(attribute: string, from: number, to: number, moves: number, intervalMs = 3): Promise<void> {
    await this.page.getByTestId(`attribute-slider-${attribute}`).evaluate(
      (slider, { from, to, moves, intervalMs }) => {
        const box = slider.getBoundingClientRect();
        const y = box.top + box.height / 2;
        const at = (f: number): PointerEventInit => ({ clientX: box.left + box.width * f, clientY: y, pointerId: 1, pointerType: 'mouse', isPrimary: true, bubbles: true, button: 0, buttons: 1 });
        const start = performance.now();
        slider.dispatchEvent(new PointerEvent('pointerdown', at(from)));
        for (let i = 1; i <= moves; i++) {
          while (performance.now() < start + i * intervalMs) {
            // Wait out the spacing; the page's requests are already on their way.
          }
          document.dispatchEvent(new PointerEvent('pointermove', at(from + ((to - from) * i) / moves)));
        }
        document.dispatchEvent(new PointerEvent('pointerup', { ...at(to), buttons: 0 }));
      },
      { from, to, moves, intervalMs },
    );
  }

  /** Current values of every slider, by attribute name. */
  async sliderValues(attributes: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const a of attributes) out[a] = await this.sliderValue(a);
    return out;
  }

  /**
   * Starts timing in the page: the time of the last slider release or key-up, and the time
   * each full-size preview was put on screen (the frame after the preview element changed).
   */
  async startLatencyProbe(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __lastInput: number; __shown: { at: number; value: string; full: boolean }[] };
      w.__lastInput = 0;
      w.__shown = [];
      const mark = (): void => {
        w.__lastInput = performance.now();
      };
      window.addEventListener('pointerup', mark, true);
      window.addEventListener('keyup', mark, true);
      const el = document.querySelector('[data-testid="attribute-preview"]');
      if (el === null) throw new Error('no preview panel');
      new MutationObserver(() => {
        const value = el.getAttribute('data-preview-value') ?? '';
        const full = el.getAttribute('data-preview-full') === 'true';
        requestAnimationFrame(() => w.__shown.push({ at: performance.now(), value, full }));
      }).observe(el, { attributes: true, attributeFilter: ['data-preview-seq'] });
    });
  }

  /** Milliseconds from the last slider event to the first full-size preview shown after it. */
  async lastLatency(): Promise<number> {
    return this.page.evaluate(() => {
      const w = window as unknown as { __lastInput: number; __shown: { at: number; value: string; full: boolean }[] };
      const shown = w.__shown.find((s) => s.full && s.at >= w.__lastInput);
      if (shown === undefined) throw new Error('no full-size preview after the last input');
      return shown.at - w.__lastInput;
    });
  }

  presets(): Locator {
    return this.page.getByTestId('preset');
  }

  async savePreset(name: string): Promise<void> {
    await this.page.getByTestId('preset-name').fill(name);
    await this.root().getByRole('button', { name: 'Save' }).click();
    await this.page.locator(`[data-testid="preset"][data-name="${name}"]`).waitFor();
  }

  async applyPreset(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Apply preset ${name}` }).click();
  }

  async deletePreset(name: string): Promise<void> {
    await this.page.getByLabel(`Delete preset ${name}`).click();
  }

  async reset(): Promise<void> {
    await this.root().getByRole('button', { name: 'Reset to defaults' }).click();
  }

  async applyToBatch(): Promise<void> {
    await this.root().getByRole('button', { name: 'Apply to batch' }).click();
  }
}
