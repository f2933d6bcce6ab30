import { StudioError } from '../errors.js';

/**
 * Refuses weights that hold NaN or infinity: such a model translates every image to black (or
 * noise) and would be reported as working. Names the first tensor found and how many of its
 * values are bad, so the user can tell a damaged file from a diverged training run.
 */
export function refuseNonFiniteWeights(file: string, tensors: Iterable<readonly [string, ArrayLike<number>]>): void {
  for (const [name, values] of tensors) {
    let bad = 0;
    let first = -1;
    let example = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) continue;
      if (bad === 0) {
        first = i;
        example = v;
      }
      bad++;
    }
    if (bad > 0) {
      throw new StudioError(
        'BAD_MODEL',
        `${file}: tensor ${name} has ${bad} of ${values.length} values that are not finite (the first, at index ${first}, is ${String(example)}); ` +
          'the model would translate every image to black or noise. Export it again from a run whose losses stayed finite',
      );
    }
  }
}
