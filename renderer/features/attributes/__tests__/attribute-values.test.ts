import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../../electron/contract/ipc.js';
import { attributeLabel, clampValue, defaultValues, formatValue, presetNameProblem, valuesFromPreset, withPreset } from '../attribute-values.js';

const model = {
  id: 'faces',
  attributes: [
    { name: 'Black_Hair', min: 0, max: 1, default: 0 },
    { name: 'age', label: 'Age', min: -10, max: 10, default: 2 },
  ],
} as ModelSummary;

describe('attribute values', () => {
  it('starts from the defaults and labels unlabelled attributes in words', () => {
    expect(defaultValues(model)).toEqual({ Black_Hair: 0, age: 2 });
    expect(model.attributes.map(attributeLabel)).toEqual(['Black hair', 'Age']);
    expect(formatValue(model.attributes[0]!, 0.456)).toBe('0.46');
    expect(formatValue(model.attributes[1]!, 3.25)).toBe('3.3');
  });

  it('applies a preset within the ranges of the model as it is now', () => {
    expect(valuesFromPreset(model, { name: 'old', values: { Black_Hair: 1.7, age: -3.33, removed: 4 } })).toEqual({ Black_Hair: 1, age: -3.4 });
    expect(clampValue(model.attributes[0]!, Number.NaN)).toBe(0);
  });

  it('saves presets under a name, replacing one of the same name in place', () => {
    const one = withPreset([], ' Dusk ', { Black_Hair: 0.5, age: 0 });
    expect(one).toEqual([{ name: 'Dusk', values: { Black_Hair: 0.5, age: 0 } }]);
    const two = withPreset(withPreset(one, 'Night', { Black_Hair: 1, age: 0 }), 'dusk', { Black_Hair: 0.2, age: 1 });
    expect(two.map((p) => p.name)).toEqual(['dusk', 'Night']);
    expect(presetNameProblem('  ', two)).toMatch(/name/);
    expect(presetNameProblem('x'.repeat(61), two)).toMatch(/60/);
    expect(presetNameProblem('Night', two)).toBeNull();
  });
});
