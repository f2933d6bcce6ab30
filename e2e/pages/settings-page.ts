import type { Page } from 'playwright-core';

/** The Settings page: theme, device, output folder and the engine's state. */
export class SettingsPageObject {
  constructor(readonly page: Page) {}

  async chooseTheme(theme: 'System' | 'Light' | 'Dark'): Promise<void> {
    await this.page.getByRole('button', { name: `${theme} theme` }).click();
  }

  engineState(): Promise<string> {
    return this.page.getByTestId('engine-state').innerText();
  }
}
