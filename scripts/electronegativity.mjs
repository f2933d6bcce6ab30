// Runs Electronegativity (Doyensec's Electron security scanner) over electron/ and fails on
// any finding above LOW severity. It is called through its programmatic API because its CLI
// requires a `commander` it does not declare (it breaks with the commander this package uses),
// and its findings are taken from the report writer rather than from the report file, which it
// writes without waiting.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const reportWriter = require('@doyensec/electronegativity/dist/util/index.js');
const root = fileURLToPath(new URL('..', import.meta.url));

let findings;
reportWriter.writeIssues = (_root, _relative, _file, issues) => {
  findings = issues;
};
const electronVersion = JSON.parse(await readFile(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
await run(
  {
    input: join(root, 'electron'),
    output: 'findings.csv',
    isSarif: false,
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: electronVersion,
    customScan: [],
    excludeFromScan: [],
    parserPlugins: [],
  },
  false,
);
if (findings === undefined) throw new Error('electronegativity reported nothing: its report writer was not called');
let blocking = 0;
for (const f of findings) {
  const severity = f.severity.name.toUpperCase();
  const above = severity !== 'LOW' && severity !== 'INFORMATIONAL';
  if (above) blocking += 1;
  console.log(`${above ? 'FAIL' : 'ok  '} ${severity.padEnd(13)} ${f.id} ${f.file}:${f.location.line}:${f.location.column}${f.sample ? ` (${String(f.sample).slice(0, 80)})` : ''}`);
}
console.log(`electronegativity: ${findings.length} finding(s), ${blocking} above LOW severity (electron ${electronVersion})`);
process.exitCode = blocking > 0 ? 1 : 0;
