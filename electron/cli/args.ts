import { InvalidArgumentError } from 'commander';
import type { OutputFormat } from '../contract/jobs.js';
import { ATTRIBUTE_NAME_PATTERN, ATTRIBUTE_NAME_RULE } from '../contract/ids.js';

/** Commander parsers for the translate options; each rejects with a message naming the value. */

export function parseFormat(value: string): OutputFormat {
  const v = value.toLowerCase();
  if (v === 'png' || v === 'webp') return v;
  if (v === 'jpg' || v === 'jpeg') return 'jpeg';
  throw new InvalidArgumentError(`"${value}" is not an output format (png, jpg or webp)`);
}

export function parseIntIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`"${value}" must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** A number as typed (digits, a point, an exponent); its limits are checked where it is used. */
export function parseNumber(value: string): number {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a number`);
  return Number(value);
}

/** Collects repeated `--set NAME=VALUE` into one record. */
export function collectSetting(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const at = value.trim().indexOf('=');
  const name = value.trim().slice(0, at);
  const raw = value.trim().slice(at + 1);
  if (at < 0 || raw === '') throw new InvalidArgumentError(`"${value}" is not NAME=VALUE`);
  if (!ATTRIBUTE_NAME_PATTERN.test(name)) throw new InvalidArgumentError(`"${name}" in ${value} is not an attribute name (${ATTRIBUTE_NAME_RULE})`);
  const number = Number(raw);
  if (!Number.isFinite(number) || raw.trim() === '') throw new InvalidArgumentError(`"${raw}" in ${value} is not a number`);
  // Own keys only: "constructor" or "toString" are names like any other, not set before.
  if (Object.hasOwn(previous, name)) throw new InvalidArgumentError(`${name} is set twice`);
  return { ...previous, [name]: number };
}

/** A comma-separated list of names, e.g. `--attributes Black_Hair,Blond_Hair`. */
export function parseList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => !ATTRIBUTE_NAME_PATTERN.test(s))) {
    throw new InvalidArgumentError(`"${value}" must be names separated by commas (letters, digits, _ and -)`);
  }
  return items;
}
