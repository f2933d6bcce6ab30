import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { collectSetting } from '../args.js';

describe('--set NAME=VALUE', () => {
  const collect = (values: string[]): Record<string, number> => values.reduce<Record<string, number>>((acc, v) => collectSetting(v, acc), {});

  it('takes names that objects inherit (constructor, toString) like any other, and refuses one given twice', () => {
    expect(collect(['constructor=1', 'toString=0.5', 'hasOwnProperty=-1'])).toEqual({ constructor: 1, toString: 0.5, hasOwnProperty: -1 });
    expect(Object.getPrototypeOf(collect(['constructor=1']))).toBe(Object.prototype);
    expect(() => collect(['fog=1', 'fog=2'])).toThrow('fog is set twice');
  });

  it('refuses names that are not attribute names, __proto__ included, before any work', () => {
    for (const bad of ['__proto__=1', '_x=1', '1a=1', 'a b=1', '=1', 'fog', 'fog=']) {
      expect(() => collect([bad])).toThrow(InvalidArgumentError);
    }
    expect(() => collect(['__proto__=1'])).toThrow(/"__proto__" in __proto__=1 is not an attribute name/);
  });
});
