import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { INVOKE } from '../../../contract/ipc.js';
import { ENGINE_REQUESTS } from '../protocol.js';

type Json = { [key: string]: unknown };

/** Where a schema lets a message grow without limit: a string with no length, an array with no count. */
function unbounded(schema: unknown, at: string, out: string[]): void {
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as Json;
  if (s.type === 'string' && s.enum === undefined && s.const === undefined && s.maxLength === undefined) {
    // A pattern bounds a string when it is anchored and repeats nothing without a limit.
    const pattern = typeof s.pattern === 'string' ? s.pattern : '';
    if (!(pattern.startsWith('^') && pattern.endsWith('$') && !/[*+]|\{\d+,\}/.test(pattern))) out.push(at);
  }
  if (s.type === 'array' && s.maxItems === undefined && s.prefixItems === undefined) out.push(`${at}[]`);
  for (const [key, value] of Object.entries(s)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, child] of Object.entries(value)) unbounded(child, `${at}.${name}`, out);
    } else if (Array.isArray(value)) value.forEach((child, k) => unbounded(child, `${at}.${key}${k}`, out));
    else if (typeof value === 'object') unbounded(value, `${at}.${key}`, out);
  }
}

describe('every channel bounds its arguments', () => {
  it('no string without a length limit and no list without a count, on the page\'s channels and the engine\'s requests', () => {
    const found: string[] = [];
    for (const [table, entries] of [['INVOKE', INVOKE], ['ENGINE_REQUESTS', ENGINE_REQUESTS]] as const) {
      for (const [channel, entry] of Object.entries(entries)) {
        unbounded(z.toJSONSchema(entry.args as z.ZodType, { unrepresentable: 'any', io: 'input' }), `${table} ${channel}`, found);
      }
    }
    expect(found).toEqual([]);
  });

  it('bounds records by their count too, and refuses attribute names such as __proto__', () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, k) => [`a${k}`, 0]));
    expect(INVOKE['jobs:start'].args.safeParse({ inputs: ['x'], model: 'm', attributes: many }).success).toBe(false);
    // zod leaves a JSON "__proto__" key out of the record it makes; a name like it is refused.
    const proto = INVOKE['jobs:start'].args.safeParse({ inputs: ['x'], model: 'm', attributes: JSON.parse('{"__proto__": {"polluted": 1}, "fog": 1}') });
    expect(proto.success && Object.getPrototypeOf(proto.data.attributes) === Object.prototype && Object.keys(proto.data.attributes ?? {})).toEqual(['fog']);
    expect(INVOKE['jobs:start'].args.safeParse({ inputs: ['x'], model: 'm', attributes: { _proto_: 1 } }).success).toBe(false);
    expect(INVOKE['jobs:start'].args.safeParse({ inputs: ['x'], model: 'm', attributes: { constructor: 1 } }).success).toBe(true);
    const presets = Object.fromEntries(Array.from({ length: 501 }, (_, k) => [`m${k}`, []]));
    expect(INVOKE['settings:set'].args.safeParse({ attributePresets: presets }).success).toBe(false);
    expect(INVOKE['sketch:save'].args.safeParse({ sketch: 'x'.repeat(16 * 2 ** 20), output: 'x', model: 'm' }).success).toBe(false);
    expect(INVOKE['models:import'].args.safeParse({ path: 'x'.repeat(5000) }).success).toBe(false);
  });
});
