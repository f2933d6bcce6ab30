/**
 * Exponential moving average with the bias correction of a zero start, so the first points
 * of the smoothed line sit on the data instead of rising from zero. NaN stays a gap.
 */
export function smooth(values: readonly number[], weight = 0.9): number[] {
  const out: number[] = [];
  let average = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(Number.NaN);
      continue;
    }
    n += 1;
    average = weight * average + (1 - weight) * v;
    out.push(average / (1 - weight ** n));
  }
  return out;
}
