import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractZipMember, listZipEntries } from '../zip-member.js';
import { makeBytes, rejection, tempFolderEach } from './http-fixture.js';
import { makeZip } from './zip-fixture.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The payload make-zip-fixtures.py writes. */
function fixturePayload(seed: number, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = ((i * seed) ^ (i >> 3)) & 0xff;
  return out;
}

let dir: string;
tempFolderEach('gs-zip-', (path) => (dir = path));

describe('extractZipMember', () => {
  it('extracts a deflated and a stored member of a hand-built archive', async () => {
    const g = makeBytes(50_000, 3);
    const d = makeBytes(7_000, 4);
    const zip = join(dir, 'a.zip');
    await writeFile(zip, makeZip([
      { name: '200000-G.ckpt', data: g, method: 8 },
      { name: '200000-D.ckpt', data: d, method: 0 },
    ], { comment: 'a trailing comment' }));

    const outG = join(dir, 'g.ckpt');
    expect(await extractZipMember(zip, '200000-G.ckpt', outG)).toEqual({ path: outG, bytes: g.length, name: '200000-G.ckpt' });
    expect((await readFile(outG)).equals(g)).toBe(true);
    const outD = join(dir, 'd.ckpt');
    await extractZipMember(zip, '200000-D.ckpt', outD);
    expect((await readFile(outD)).equals(d)).toBe(true);
    expect(existsSync(`${outG}.part`)).toBe(false);
  });

  it('reads archives written by Python zipfile, with and without data descriptors, members in a folder', async () => {
    const g = fixturePayload(7, 3000);
    const d = fixturePayload(13, 1000);
    for (const file of ['python-members.zip', 'python-streamed.zip']) {
      const zip = join(FIXTURES, file);
      const names = (await listZipEntries(zip)).map((e) => [e.name, e.method]);
      expect(names).toEqual([['models/', 0], ['models/200000-G.ckpt', 8], ['models/200000-D.ckpt', 0], ['readme.txt', 8]]);
      const out = join(dir, `${file}.g`);
      const got = await extractZipMember(zip, '200000-G.ckpt', out);
      expect(got.name).toBe('models/200000-G.ckpt');
      expect((await readFile(out)).equals(g)).toBe(true);
      await extractZipMember(zip, 'models/200000-D.ckpt', out);
      expect((await readFile(out)).equals(d)).toBe(true);
    }
  });

  it('names the members when the one asked for is missing', async () => {
    const zip = join(dir, 'b.zip');
    await writeFile(zip, makeZip([{ name: 'other.bin', data: makeBytes(10), method: 0 }]));
    const err = await rejection(extractZipMember(zip, '200000-G.ckpt', join(dir, 'out')));
    expect(err.code).toBe('BAD_CHECKPOINT');
    expect(err.message).toBe(`${zip}: the archive has no member 200000-G.ckpt (it holds other.bin)`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses encrypted members, zip64, foreign files, truncation and corruption with clear messages', async () => {
    const out = join(dir, 'out');
    const data = makeBytes(2000, 5);

    const encrypted = join(dir, 'enc.zip');
    await writeFile(encrypted, makeZip([{ name: 'm', data, method: 0, flags: 1 }]));
    expect((await rejection(extractZipMember(encrypted, 'm', out))).message).toMatch(/m is encrypted; encrypted archives are not supported/);

    const zip64 = join(dir, 'z64.zip');
    await writeFile(zip64, makeZip([{ name: 'm', data, method: 0 }], { count: 0xffff }));
    expect((await rejection(extractZipMember(zip64, 'm', out))).message).toMatch(/zip64 archives are not supported/);

    const html = join(dir, 'page.zip');
    await writeFile(html, '<!DOCTYPE html><html><body>Dropbox preview</body></html>');
    expect((await rejection(extractZipMember(html, 'm', out))).message).toMatch(/not a zip archive/);

    const good = makeZip([{ name: 'm', data, method: 8 }]);
    const cut = join(dir, 'cut.zip');
    await writeFile(cut, good.subarray(100));
    expect((await rejection(extractZipMember(cut, 'm', out))).code).toBe('BAD_CHECKPOINT');

    const flipped = Buffer.from(good);
    flipped[40] = (flipped[40] ?? 0) ^ 0xff; // inside the deflated data
    const corrupt = join(dir, 'corrupt.zip');
    await writeFile(corrupt, flipped);
    expect((await rejection(extractZipMember(corrupt, 'm', out))).message).toMatch(/does not inflate|CRC-32|holds \d+ bytes/);
    expect(existsSync(out)).toBe(false);
  });
});
