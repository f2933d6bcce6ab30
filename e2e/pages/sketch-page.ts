/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
import type { Locator, Page } from 'playwright-core';

/** A point on the canvas as fractions of its side (0..1), so strokes fit any canvas size. */
export type CanvasPoint = [number, number];

/** One drawn stroke and how long its translation took to show. */
export interface StrokeTiming {
  /** From pointerup to the new translation painted, as the page measured it. */
  latencyMs: number;
  /** The engine's own time for the translation. */
  engineMs: number;
}

/** The Sketch page: drawing with the mouse, the tools, examples, loading, saving, and the output. */
export class SketchPageObject {
  constructor(readonly page: Page) {}

  root(): Locator {
    return this.page.getByTestId('sketch-page');
  }

  canvas(): Locator {
    return this.page.getByTestId('sketch-canvas');
  }

  output(): Locator {
    return this.page.getByTestId('sketch-output');
  }

  async strokes(): Promise<number> {
    return Number(await this.root().getAttribute('data-strokes'));
  }

  /** How many translations the pane has shown. */
  async shownCount(): Promise<number> {
    return Number(await this.output().getAttribute('data-shown'));
  }

  /** Previews the page asked for, and those the engine computed (the rest were superseded). */
  async previewCounts(): Promise<{ sent: number; computed: number }> {
    const output = this.output();
    return { sent: Number(await output.getAttribute('data-sent')), computed: Number(await output.getAttribute('data-computed')) };
  }

  private async latencyFor(): Promise<number> {
    return Number(await this.output().getAttribute('data-latency-for'));
  }

  /** Waits for the first translation (the blank canvas's, or a warm-up after a model change). */
  async waitForOutput(timeout = 60_000): Promise<void> {
    await this.page.locator('[data-testid="sketch-output"]:not([data-shown="0"])').waitFor({ timeout });
    await this.waitIdle();
  }

  /** Waits until no translation is being computed. */
  async waitIdle(timeout = 60_000): Promise<void> {
    await this.page.locator('[data-testid="sketch-output"][data-busy="false"]').waitFor({ timeout });
  }

  /**
   * Draws one stroke with the mouse through the points (pointerdown, moves in small steps,
   * pointerup), like a hand would.
   */
  async drawStroke(points: CanvasPoint[], stepsPerSegment = 4): Promise<void> {
    const box = await this.canvas().boundingBox();
    if (box === null) throw new Error('the sketch canvas is not visible');
    const at = ([x, y]: CanvasPoint): [number, number] => [box.x + x * box.width, box.y + y * box.height];
    const [first, ...rest] = points;
    if (first === undefined) return;
    await this.page.mouse.move(...at(first));
    await this.page.mouse.down();
    for (const p of rest) await this.page.mouse.move(...at(p), { steps: stepsPerSegment });
    await this.page.mouse.up();
  }

  /**
   * Draws strokes as fast as a quick hand: every mouse event of every stroke is sent to
   * Chromium at once over the DevTools protocol (Playwright's mouse waits for each event's
   * round trip, slower than a preview on a busy machine).
   */
  async scribble(strokes: CanvasPoint[][]): Promise<void> {
    const box = await this.canvas().boundingBox();
    if (box === null) throw new Error('the sketch canvas is not visible');
    const cdp = await this.page.context().newCDPSession(this.page);
    try {
      const sends: Promise<unknown>[] = [];
      for (const stroke of strokes) {
        stroke.forEach(([x, y], i) => {
          const type = i === 0 ? 'mousePressed' : 'mouseMoved';
          const at = { x: box.x + x * box.width, y: box.y + y * box.height };
          if (i === 0) sends.push(cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', ...at, buttons: 0 }));
          sends.push(cdp.send('Input.dispatchMouseEvent', { type, ...at, button: 'left', buttons: 1, clickCount: 1 }));
          if (i === stroke.length - 1) sends.push(cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...at, button: 'left', buttons: 0, clickCount: 1 }));
        });
      }
      await Promise.all(sends);
    } finally {
      await cdp.detach();
    }
  }

  /**
   * Draws one stroke with a finger: touch events through the DevTools protocol, which Chromium
   * turns into pointer events of type touch, as on a tablet.
   */
  async drawTouchStroke(points: CanvasPoint[], steps = 4): Promise<void> {
    const box = await this.canvas().boundingBox();
    if (box === null) throw new Error('the sketch canvas is not visible');
    const cdp = await this.page.context().newCDPSession(this.page);
    try {
      await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
      const at = ([x, y]: CanvasPoint): { x: number; y: number } => ({ x: box.x + x * box.width, y: box.y + y * box.height });
      const [first, ...rest] = points;
      if (first === undefined) return;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(first)] });
      let last = first;
      for (const p of rest) {
        for (let i = 1; i <= steps; i++) {
          const t = i / steps;
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at([last[0] + (p[0] - last[0]) * t, last[1] + (p[1] - last[1]) * t])] });
        }
        last = p;
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    } finally {
      await cdp.detach();
    }
  }

  /**
   * Draws a stroke and waits for the translation it asked for to be shown; returns the
   * latency the page measured for it.
   */
  async drawStrokeAndWait(points: CanvasPoint[], timeout = 30_000, input: 'mouse' | 'touch' = 'mouse'): Promise<StrokeTiming> {
    const before = await this.latencyFor();
    const strokes = await this.strokes();
    await (input === 'mouse' ? this.drawStroke(points) : this.drawTouchStroke(points));
    await this.page.locator(`[data-testid="sketch-page"][data-strokes="${strokes + 1}"]`).waitFor({ timeout });
    return this.waitForUpdate(before, timeout);
  }

  /** Waits for the translation of a user action made after `before` (a data-latency-for value). */
  async waitForUpdate(before: number, timeout = 30_000): Promise<StrokeTiming> {
    await this.page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="sketch-output"]')?.getAttribute('data-latency-for') ?? 0) > n,
      before,
      { timeout },
    );
    const latencyMs = Number(await this.output().getAttribute('data-latency-ms'));
    const engineText = await this.page.getByTestId('sketch-engine-time').innerText();
    return { latencyMs, engineMs: Number(/(\d+) ms/.exec(engineText)?.[1] ?? NaN) };
  }

  /** Runs an action (a button, a shortcut) and waits for the translation it leads to. */
  async andWait(action: () => Promise<void>, timeout = 30_000): Promise<StrokeTiming> {
    const before = await this.latencyFor();
    await action();
    return this.waitForUpdate(before, timeout);
  }

  /** The canvas as PNG bytes, exactly what the model is sent. */
  async canvasPng(): Promise<Buffer> {
    const url = await this.canvas().evaluate((c: HTMLCanvasElement) => c.toDataURL('image/png'));
    return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  }

  /** The shown translation as image bytes. */
  async outputPng(): Promise<Buffer> {
    const url = (await this.page.getByTestId('sketch-output-image').getAttribute('src')) ?? '';
    return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  }

  async pickExample(title: string): Promise<void> {
    await this.page.getByRole('button', { name: `Start from the ${title.toLowerCase()} sketch` }).click();
  }

  async chooseTool(name: 'Fine pen' | 'Medium pen' | 'Bold pen' | 'Eraser'): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click();
  }

  async loadPicture(path: string): Promise<void> {
    await this.page.getByTestId('sketch-file-input').setInputFiles(path);
  }

  async save(name: string): Promise<string> {
    await this.page.getByTestId('sketch-name').fill(name);
    await this.page.getByRole('button', { name: 'Save sketch and translation' }).click();
    const saved = this.page.getByTestId('sketch-saved');
    await saved.waitFor();
    return saved.innerText();
  }
}
