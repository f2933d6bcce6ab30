import { describe, expect, it } from 'vitest';
import { displayStrings, displayText } from '../display-text.js';
import { StudioError, toErrorInfo } from '../errors.js';

describe('displayText: one name, one visible run of text', () => {
  it('escapes controls, bidi controls, separators and invisible format characters; keeps the rest', () => {
    expect(displayText('a\nb\rc\td\u001b[31m\u007f\u0085')).toBe('a\\nb\\rc\\td\\x1b[31m\\x7f\\x85');
    expect(displayText('photo\u202egnp.exe \u2066x\u2069 \u200f\u061c \u2028\u2029 \u200b\ufeff')).toBe('photo\\u202egnp.exe \\u2066x\\u2069 \\u200f\\u061c \\u2028\\u2029 \\u200b\\ufeff');
    const ordinary = 'C:\\Users\\Zoë\\写真\\été 2026 (1).jpg — ok ✓ 🙂';
    expect(displayText(ordinary)).toBe(ordinary);
  });

  it('is what every StudioError message and every unknown error message is made of', () => {
    expect(new StudioError('BAD_IMAGE', 'x\ny.png: bad').message).toBe('x\\ny.png: bad');
    expect(toErrorInfo(new Error('a\u202eb')).message).toBe('a\\u202eb');
  });

  it('reaches every string of a log record, keys included', () => {
    expect(displayStrings({ input: 'a\nb', list: ['\u202e'], n: 3, nested: { 'k\n': 'v' } })).toEqual({ input: 'a\\nb', list: ['\\u202e'], n: 3, nested: { 'k\\n': 'v' } });
  });
});
