import { readFile } from 'node:fs/promises';
import { ATTRIBUTE_NAME_PATTERN, ATTRIBUTE_NAME_RULE } from '../../../contract/ids.js';
import { StudioError, orSystemError } from '../../errors.js';
import { withoutExtension } from './folder-scan.js';

/** Conditional training's per-image attribute values, read from `attributes.csv`. */
export interface AttributeTable {
  /** Column names after `file`, in file order. */
  names: string[];
  /** Keyed by the file name as written, without its extension, with '/' separators. */
  rows: Map<string, { values: Float32Array; line: number }>;
}

export const ATTRIBUTES_FILE = 'attributes.csv';

/**
 * Reads `file,attr1,attr2,...` then one row per image: the image's file name (relative to the
 * folder; the extension may be left out) and a number per attribute. Quoted fields ("a,b.jpg")
 * are allowed so any file name can be written. Anything malformed is an error naming the CSV
 * file and the line, because a silently misread attribute would train the wrong condition.
 */
export async function readAttributeTable(path: string): Promise<AttributeTable> {
  const text = await orSystemError(readFile(path, 'utf8'), (cause) => `Cannot read ${path}: ${cause}; conditional training needs it beside the target images`);
  return parseAttributeTable(text, path);
}

export function parseAttributeTable(text: string, path: string): AttributeTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const bad = (line: number, cause: string): StudioError => new StudioError('BAD_ARGUMENT', `${path} line ${line}: ${cause}`);

  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new StudioError('BAD_ARGUMENT', `${path} is empty; its first line must be file,<attribute>,...`);
  const header = splitCsvLine(lines[headerIndex]!, () => bad(headerIndex + 1, 'unbalanced quotes')).map((f) => f.trim());
  if (header[0]?.toLowerCase() !== 'file') {
    throw bad(headerIndex + 1, `the header must start with "file", then one column per attribute; found "${header[0] ?? ''}"`);
  }
  const names = header.slice(1);
  if (names.length === 0) throw bad(headerIndex + 1, 'the header names no attributes after "file"');
  const seenNames = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw bad(headerIndex + 1, `attribute column ${i + 2} has no name`);
    // Checked here, before training: the exported model's manifest takes only such names.
    if (!ATTRIBUTE_NAME_PATTERN.test(name)) throw bad(headerIndex + 1, `attribute "${name}" is not a name a model can carry (${ATTRIBUTE_NAME_RULE})`);
    if (seenNames.has(name)) throw bad(headerIndex + 1, `attribute "${name}" is named twice`);
    seenNames.add(name);
  });

  const rows: AttributeTable['rows'] = new Map();
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const lineNumber = i + 1;
    if (lines[i]!.trim() === '') continue;
    const fields = splitCsvLine(lines[i]!, () => bad(lineNumber, 'unbalanced quotes'));
    if (fields.length !== header.length) {
      throw bad(lineNumber, `expected ${header.length} fields (file and ${names.length} attributes), found ${fields.length}`);
    }
    const file = fields[0]!.trim();
    if (file === '') throw bad(lineNumber, 'the file name is empty');
    const values = new Float32Array(names.length);
    for (let c = 0; c < names.length; c++) {
      const raw = fields[c + 1]!.trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) throw bad(lineNumber, `${names[c]} for ${file} is "${raw}", not a number`);
      values[c] = value;
    }
    const key = withoutExtension(file.split('\\').join('/').replace(/^\.\//, ''));
    const earlier = rows.get(key);
    if (earlier !== undefined) throw bad(lineNumber, `${file} already has a row, on line ${earlier.line}`);
    rows.set(key, { values, line: lineNumber });
  }
  return { names, rows };
}

/** Splits one CSV line: commas separate, double quotes enclose, "" inside quotes is a quote. */
function splitCsvLine(line: string, unbalanced: () => StudioError): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '"' && field.trim() === '') {
      field = '';
      quoted = true;
    } else field += ch;
  }
  if (quoted) throw unbalanced();
  fields.push(field);
  return fields;
}
