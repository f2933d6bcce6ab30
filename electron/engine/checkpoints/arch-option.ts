import { StudioError } from '../errors.js';
import { architectureNames, fieldProblem, fieldSpellings, parseGeneratorName, type ArchitectureOverride, type Field } from '../nets/index.js';
import { shown } from './problems.js';

/**
 * Parses an `--arch` value: a generator name as the public code spells it (`resnet_9blocks`,
 * `resnet_<n>blocks`, `unet_256`, `stargan`: each family's own names), then optional
 * comma-separated settings by the reference option names (`ngf=64`, `norm=batch`, `dropout`,
 * `no_dropout`, `input_nc=1`, `num_downs=8`, `c=5`, ...), each within the family's limits.
 * Anything not given is read from the checkpoint.
 */
export function parseArchitectureOption(text: string): ArchitectureOverride {
  const bad = (why: string): never => {
    throw new StudioError('BAD_ARGUMENT', `--arch ${shown(text, 120)}: ${why}`);
  };
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const head = (parts.shift() ?? '').toLowerCase();
  const { family, settings } = parseGeneratorName(head, bad) ?? bad(`unknown architecture; use ${architectureNames()}`);
  const fields = Object.entries(family.fields) as [string, Field][];
  const given: Record<string, unknown> = { ...settings };
  for (const [key, field] of fields) {
    const why = given[key] === undefined ? undefined : fieldProblem(field, given[key]);
    if (why !== undefined) bad(`${head}: ${field.name} = ${String(given[key])} is ${why}`);
  }

  const spelled = new Map<string, { key: string; field: Field; negated: boolean }>();
  for (const [key, field] of fields) {
    for (const spelling of fieldSpellings(field)) {
      spelled.set(spelling, { key, field, negated: false });
      if (field.kind === 'flag') spelled.set(`no_${spelling}`, { key, field, negated: true });
    }
  }
  for (const part of parts) {
    const eq = part.indexOf('=');
    const option = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase().replace(/-/g, '_');
    const value = eq < 0 ? undefined : part.slice(eq + 1).trim();
    const known = () => fields.map(([, f]) => fieldSpellings(f)[0]).sort().join(', ');
    const hit = spelled.get(option) ?? bad(`unknown option ${shown(option, 40)} for ${family.name} (known: ${known()})`);
    given[hit.key] = optionValue(hit.field, option, value, hit.negated, bad);
  }
  return { family: family.name, ...given } as ArchitectureOverride;
}

function optionValue(field: Field, option: string, value: string | undefined, negated: boolean, bad: (why: string) => never): number | string | boolean {
  switch (field.kind) {
    case 'count': {
      if (value === undefined || !/^\d+$/.test(value)) bad(`${option} needs a whole number, as in ${option}=64`);
      const n = Number(value);
      const why = fieldProblem(field, n);
      return why === undefined ? n : bad(`${option}=${value} is ${why}`);
    }
    case 'choice': {
      const why = fieldProblem(field, value);
      return why === undefined && value !== undefined ? value : bad(`${option} ${why}`);
    }
    case 'flag': {
      if (value === undefined) return !negated;
      const v = value.toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(v)) return !negated;
      if (['false', 'no', '0', 'off'].includes(v)) return negated;
      return bad(`${option}=${value}: say true or false`);
    }
  }
}
