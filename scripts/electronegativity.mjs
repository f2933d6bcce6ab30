// Runs Electronegativity (Doyensec's Electron security scanner) over electron/ and fails on
// any finding above LOW severity. It is called through its programmatic API because its CLI
// requires a `commander` it does not declare (it breaks with the commander this package uses).
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const root = fileURLToPath(new URL('..', import.meta.url));
const out = await mkdtemp(join(tmpdir(), 'electronegativity-'));
const csv = join(out, 'report.csv');
try {
  const electronVersion = JSON.parse(await readFile(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  await run({ input: join(root, 'electron'), output: csv, isSarif: false, isRelative: true, isVerbose: false, electronVersionOverride: electronVersion, customScan: [], excludeFromScan: [], parserPlugins: [] }, false);
  const lines = (await readFile(csv, 'utf8')).trim().split('\n');
  const header = lines.shift()?.split(',') ?? [];
  const col = (name) => header.findIndex((h) => h.replace(/"/g, '').trim().toLowerCase() === name);
  const rows = lines.map((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '')) ?? []);
  const [sev, id, file, loc] = [col('severity'), col('issue'), col('filename'), col('location')];
  let blocking = 0;
  for (const r of rows) {
    const severity = (r[sev] ?? '').toUpperCase();
    const above = !['LOW', 'INFORMATIONAL', 'INFO'].includes(severity);
    if (above) blocking += 1;
    console.log(`${above ? 'FAIL' : 'ok  '} ${severity.padEnd(13)} ${r[id]} ${r[file]}:${r[loc]}`);
  }
  console.log(`electronegativity: ${rows.length} finding(s), ${blocking} above LOW severity (electron ${electronVersion})`);
  process.exitCode = blocking > 0 ? 1 : 0;
} finally {
  await rm(out, { recursive: true, force: true });
}
