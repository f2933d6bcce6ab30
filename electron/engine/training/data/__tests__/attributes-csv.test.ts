import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../errors.js';
import { parseAttributeTable } from '../attributes-csv.js';

const parse = (text: string): ReturnType<typeof parseAttributeTable> => parseAttributeTable(text, '/data/b/attributes.csv');

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(StudioError);
    return (err as StudioError).message;
  }
  throw new Error('expected an error');
}

describe('parseAttributeTable', () => {
  it('reads names from the header and a row of numbers per file, keyed without extension', () => {
    const table = parse('\uFEFFfile, Smiling ,Young\r\nimg 1.jpg,1,-1\r\n\r\n"odd, name.png", 0.5 ,2e-1\r\n./sub\\x.png,0,0\r\n');
    expect(table.names).toEqual(['Smiling', 'Young']);
    expect([...table.rows.keys()]).toEqual(['img 1', 'odd, name', 'sub/x']);
    expect(Array.from(table.rows.get('odd, name')!.values)).toEqual([0.5, Math.fround(0.2)]);
    expect(table.rows.get('sub/x')!.line).toBe(5);
  });

  it('names the file and the line of every kind of bad row', () => {
    expect(errorOf('')).toContain('/data/b/attributes.csv is empty');
    expect(errorOf('name,a\nx.png,1')).toContain('line 1: the header must start with "file"');
    expect(errorOf('file\nx.png')).toContain('line 1: the header names no attributes');
    expect(errorOf('file,a,a\n')).toContain('attribute "a" is named twice');
    // Refused here, before a run trains: the exported manifest would refuse them only at the end.
    for (const name of ['__proto__', 'constructor x', '1st', '_hidden']) {
      expect(errorOf(`file,Smiling,${name}\nx.png,1,1`)).toContain(`line 1: attribute "${name}" is not a name a model can carry`);
    }
    expect(errorOf('file,a,b\nx.png,1,2\ny.png,1\n')).toBe('/data/b/attributes.csv line 3: expected 3 fields (file and 2 attributes), found 2');
    expect(errorOf('file,a\nx.png,\n')).toContain('line 2: a for x.png is "", not a number');
    expect(errorOf('file,a\nx.png,NaN\n')).toContain('line 2: a for x.png is "NaN", not a number');
    expect(errorOf('file,a\nx.png,1\nx.jpg,0\n')).toContain('line 3: x.jpg already has a row, on line 2');
    expect(errorOf('file,a\n"x.png,1\n')).toContain('line 2: unbalanced quotes');
    expect(errorOf('file,a\n,1\n')).toContain('line 2: the file name is empty');
  });
});
