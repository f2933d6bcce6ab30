import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { StudioError, orSystemError } from '../engine/errors.js';

/** Desktop inputs are host paths from drops and pickers: absolute, and they must exist. */
export async function resolveDesktopInputs(inputs: string[]): Promise<string[]> {
  for (const input of inputs) {
    if (!isAbsolute(input)) throw new StudioError('BAD_ARGUMENT', `not a full path: ${input}`);
    await orSystemError(stat(input), (cause) => `${input}: ${cause}`);
  }
  return inputs;
}
