import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { entryMode, entryTarget, unpackDistribution } from '../../../src/cli/local/unpack.js';

async function makeZip(entries: { name: string; text?: string; mode?: number }[]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'elastiq-zip-')), 'dist.zip');
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.name.endsWith('/')) zip.addEmptyDirectory(entry.name);
    else zip.addBuffer(Buffer.from(entry.text ?? ''), entry.name, { mode: entry.mode ?? 0o100644 });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(file)).on('close', resolve).on('error', reject);
  });
  return file;
}

describe('unpackDistribution', () => {
  it('drops the top folder, keeps executable bits and writes file contents', async () => {
    const zip = await makeZip([
      { name: 'elasticsearch-9.9.9/' },
      { name: 'elasticsearch-9.9.9/bin/elasticsearch', text: '#!/bin/sh\n', mode: 0o100755 },
      { name: 'elasticsearch-9.9.9/config/elasticsearch.yml', text: 'a: 1\n' },
      { name: 'elasticsearch-9.9.9/lib/deep/x.jar', text: 'jar' },
    ]);
    const dest = join(await mkdtemp(join(tmpdir(), 'elastiq-dist-')), 'elasticsearch-9.9.9');
    await unpackDistribution(zip, dest);
    expect((await stat(join(dest, 'bin', 'elasticsearch'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dest, 'config', 'elasticsearch.yml'))).mode & 0o777).toBe(0o644);
    expect(await readFile(join(dest, 'lib', 'deep', 'x.jar'), 'utf8')).toBe('jar');
  });

  it('leaves an already unpacked distribution untouched', async () => {
    const zip = await makeZip([{ name: 'd/bin/run', text: 'one', mode: 0o100755 }]);
    const dest = join(await mkdtemp(join(tmpdir(), 'elastiq-dist-')), 'd');
    await unpackDistribution(zip, dest);
    const other = await makeZip([{ name: 'd/bin/run', text: 'two', mode: 0o100755 }]);
    await unpackDistribution(other, dest);
    expect(await readFile(join(dest, 'bin', 'run'), 'utf8')).toBe('one');
  });
});

describe('unpackDistribution at once', () => {
  it('unpacks once for several clusters starting together, and each finds the files', async () => {
    const zip = await makeZip([{ name: 'd/bin/run', text: 'one', mode: 0o100755 }]);
    const dest = join(await mkdtemp(join(tmpdir(), 'elastiq-dist-')), 'd');
    let starts = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        unpackDistribution(zip, dest, () => {
          starts++;
        }),
      ),
    );
    expect(starts).toBe(1);
    expect(await readFile(join(dest, 'bin', 'run'), 'utf8')).toBe('one');
  });
});

describe('zip entry helpers', () => {
  it('maps entries under the top folder and skips the folder itself', () => {
    expect(entryTarget('/t', 'es-1/bin/x')).toBe('/t/bin/x');
    expect(entryTarget('/t', 'es-1/')).toBeUndefined();
  });

  it('refuses an entry that would land outside the target (zip slip)', () => {
    expect(() => entryTarget('/t', 'es-1/../../escape.txt')).toThrow(
      expect.objectContaining({ code: 'ELASTIQ_LOCAL_UNPACK_FAILED' }),
    );
  });

  it('makes every entry readable by all, and defaults modes when the zip stores none', () => {
    expect(entryMode((0o100700 << 16) >>> 0, false)).toBe(0o744);
    expect(entryMode(0, false)).toBe(0o644);
    expect(entryMode(0, true)).toBe(0o755);
  });
});
