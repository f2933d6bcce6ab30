/**
 * Property tests of the path and id checks, on a real folder tree with links that lead out:
 * random paths and names built from the pieces attacks use ("..", ".", "", links, escapes,
 * separators, NUL). An escape is a check that let through a path that leads outside its root,
 * or a delete that removed anything but a recorded folder directly in its root; a crash is a
 * check that threw where it should answer.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, normalize, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { ATTRIBUTE_NAME_PATTERN, MODEL_ID_PATTERN, RUN_ID_PATTERN, SAMPLE_FILE_PATTERN, UPLOAD_BATCH_PATTERN } from '../electron/contract/ids.js';
import { STUDIO_MADE_FILE, childPath, confinedPath, isInside, markStudioMade, removeStudioMade } from '../electron/engine/files/confined-path.js';
import { parseTarget } from '../electron/server/request-target.js';
import { UploadStore } from '../electron/server/upload-store.js';
import { decodedSegments, itemMediaRoute } from '../electron/studio/media-routes.js';
import { FuzzRng, type FuzzFigures, type FuzzOptions } from './figures.js';

const PIECES = ['..', '.', '', 'a', 'b', 'link', 'out', 'in', '...', '..a', 'a..', '%2e%2e', '%2f', '%00', '%', '%zz', '\\', '\\..', '\0', ' ', 'models', 'manifest.json', '\u202e', 'é', '/'];
const ID_CHARS = 'abcXYZ019._-/\\%\0 :~é\u202e'.split('');

function randomPath(rng: FuzzRng): string {
  const parts = Array.from({ length: 1 + rng.int(6) }, () => rng.pick(PIECES));
  return (rng.chance(0.2) ? '/' : '') + parts.join(rng.chance(0.9) ? '/' : '\\');
}

function randomName(rng: FuzzRng): string {
  if (rng.chance(0.3)) return rng.pick(['..', '.', '__proto__', 'constructor', 'a/../b', 'iter-0000001.png', 'x'.repeat(200), '']);
  return Array.from({ length: 1 + rng.int(12) }, () => rng.pick(ID_CHARS)).join('');
}

/** The real path of `p`, or of its deepest existing ancestor with the rest appended: an oracle written apart from confinedPath's. */
async function oracleReal(p: string): Promise<string> {
  const parts = resolve(p).split(sep);
  for (let k = parts.length; k > 0; k--) {
    const head = parts.slice(0, k).join(sep) || sep;
    if (existsSync(head)) return join(await realpath(head), ...parts.slice(k));
  }
  return resolve(p);
}

const within = (root: string, p: string): boolean => {
  const r = normalize(root);
  const n = normalize(p);
  return n === r || n.startsWith(r.endsWith(sep) ? r : r + sep);
};

export async function run({ seed, iterations }: FuzzOptions): Promise<FuzzFigures> {
  const rng = new FuzzRng(seed);
  const figures: FuzzFigures = { tried: 0, crashes: 0, hangs: 0, escapes: 0, notes: [] };
  const note = (kind: 'crashes' | 'escapes', what: string): void => {
    figures[kind]++;
    if ((figures.notes?.length ?? 0) < 10) figures.notes?.push(`${kind}: ${what}`);
  };
  const work = await mkdtemp(join(tmpdir(), 'gs-path-fuzz-'));
  const root = join(work, 'in');
  const outside = join(work, 'out');
  await mkdir(join(root, 'a', 'b'), { recursive: true });
  await mkdir(join(outside, 'a'), { recursive: true });
  await symlink(outside, join(root, 'link'));
  await symlink(join(root, 'a'), join(root, 'a', 'b', 'link'));
  // A forged record outside: only a check made in the wrong place would delete it.
  await writeFile(join(outside, STUDIO_MADE_FILE), JSON.stringify({ kind: 'model' }));
  await writeFile(join(outside, 'a', STUDIO_MADE_FILE), JSON.stringify({ kind: 'model' }));
  const uploads = await UploadStore.create({ fileBytes: 64, quotaBytes: 1e9 });
  try {
    for (let k = 0; k < iterations; k++) {
      const path = randomPath(rng);
      const name = randomName(rng);
      figures.tried++;
      try {
        // isInside against a separately written oracle.
        const candidate = resolve(root, path);
        if (isInside(root, candidate) !== within(root, candidate)) note('escapes', `isInside disagrees on ${JSON.stringify(path)}`);
        // childPath: undefined, or a path strictly below the root without "..".
        const child = childPath(root, path);
        if (child !== undefined && (!within(root, child) || child === root || child.split(sep).includes('..'))) note('escapes', `childPath let ${JSON.stringify(path)} out to ${child}`);
        // confinedPath: resolves only what lies inside once links are followed.
        const confined = await confinedPath([root], path, 'the path', 'inside').then(
          (p) => p,
          () => undefined,
        );
        const realRoot = await realpath(root);
        const inside = !path.includes('\0') && within(realRoot, await oracleReal(resolve(root, path))) && within(root, resolve(root, path));
        if (confined !== undefined && !inside) note('escapes', `confinedPath let ${JSON.stringify(path)} out`);
        // Ids: anything a pattern takes is one name directly below the folder it is joined to.
        for (const pattern of [MODEL_ID_PATTERN, RUN_ID_PATTERN, UPLOAD_BATCH_PATTERN, SAMPLE_FILE_PATTERN]) {
          if (pattern.test(name) && (dirname(join(root, name)) !== root || basename(join(root, name)) !== name)) note('escapes', `${pattern} takes ${JSON.stringify(name)}, which is not one name`);
        }
        // An attribute name never sets a prototype when it becomes a key (names such as "constructor" are plain keys).
        if (ATTRIBUTE_NAME_PATTERN.test(name) && name === '__proto__') note('escapes', 'the attribute pattern takes __proto__');
        // URL parsing never throws, and never hands a route a separator or NUL inside a segment.
        const target = parseTarget(path.startsWith('/') ? path : `/${path}`);
        if (target !== undefined && target.segments.some((s) => s.includes('/') || s.includes('\0'))) note('escapes', `parseTarget kept a separator in ${JSON.stringify(path)}`);
        decodedSegments(path);
        itemMediaRoute(path.split('/'), new URLSearchParams(name));
        // An upload lands below its batch folder, or is refused.
        if (k % 4 === 0) {
          await uploads.save(rng.pick(['b1', name]), path, Readable.from([Buffer.from('x')]), 1).then(
            () => undefined,
            () => undefined,
          );
        }
        // A delete removes only a recorded folder directly in its root.
        if (k % 8 === 0) {
          const victim = join(root, `made-${k}`);
          await mkdir(victim);
          await markStudioMade(victim, 'model');
          await removeStudioMade(rng.chance(0.5) ? join(root, path) : `${root}/${path}`, root, 'model', 'it').catch(() => undefined);
          if (!existsSync(join(outside, STUDIO_MADE_FILE)) || !existsSync(join(outside, 'a', STUDIO_MADE_FILE)) || !existsSync(join(root, 'a', 'b'))) {
            note('escapes', `removeStudioMade(${JSON.stringify(path)}) deleted what the studio did not make`);
            break;
          }
          await rm(victim, { recursive: true, force: true });
        }
      } catch (err) {
        note('crashes', `${JSON.stringify(path)} / ${JSON.stringify(name)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // Every stored upload lies below its batch folder: walk the store.
    const walk = async (d: string): Promise<string[]> => (await readdir(d, { withFileTypes: true })).flatMap((e) => [join(d, e.name)]);
    for (const batch of await walk(uploads.root)) if (!uploads.contains(batch)) note('escapes', `an upload lies outside the store: ${batch}`);
  } finally {
    await uploads.dispose();
    await rm(work, { recursive: true, force: true });
  }
  return figures;
}
