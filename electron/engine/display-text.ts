/**
 * Characters that make text print as something it is not: C0 and C1 controls (a newline in a
 * file name starts a fake line in a log or a terminal, ESC drives the terminal), the bidi
 * embeddings, overrides, isolates and marks (they reorder what follows: `photo\u202Egnp.exe`
 * shows as `photoexe.png`), line and paragraph separators, and invisible format characters.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The one way a name from outside (a file or folder name, a model's name, text read from a
 * file) is put into CLI output, log lines and error messages: every character above is
 * written as an escape (`\n`, `\x1b`, `\u202e`), so one name is always one visible run of text.
 * Backslashes are left alone (Windows paths), so the escapes are for reading, not for parsing.
 */
export function displayText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** displayText on every string inside a log record (keys too), so structured fields cannot carry raw names either. */
export function displayStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return displayText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => displayStrings(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[displayText(k)] = displayStrings(v, depth + 1);
  return out;
}
