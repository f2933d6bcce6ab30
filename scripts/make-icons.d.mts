// Types of scripts/make-icons.mjs, for the packaging test that checks the committed icon set.
export const PNG_SIZES: number[];
export const ICO_SIZES: number[];
export const ICNS_ENTRIES: [string, number][];
export function makeIcons(dir?: string): Promise<void>;
