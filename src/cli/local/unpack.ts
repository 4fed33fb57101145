import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { LocalError } from '../errors.js';
import { removeStaleScratch, scratchName, singleFlight } from './single-flight.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** The path inside `dest` for a zip entry without its first folder, or undefined to skip it. */
export function entryTarget(dest: string, entryName: string): string | undefined {
  const rest = entryName.split('/').slice(1).join('/');
  if (rest === '') return undefined;
  const relative = normalize(rest);
  // Zip slip: an entry must never land outside the destination.
  if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`)) {
    throw new LocalError(
      'ELASTIQ_LOCAL_UNPACK_FAILED',
      `Refusing zip entry outside the target: ${entryName}`,
    );
  }
  return join(dest, relative);
}

/** Unix permission bits stored in a zip entry (made world-readable), or a default. */
export function entryMode(externalFileAttributes: number, isDirectory: boolean): number {
  const bits = (externalFileAttributes >>> 16) & 0o777;
  if (bits === 0) return isDirectory ? 0o755 : 0o644;
  return bits | (isDirectory ? 0o555 : 0o444);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function readText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      let text = '';
      stream.on('data', (d: Buffer) => (text += d.toString()));
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
    });
  });
}

async function writeEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, target: string): Promise<void> {
  const attributes = entry.externalFileAttributes >>> 16;
  await mkdir(dirname(target), { recursive: true });
  if ((attributes & S_IFMT) === S_IFLNK) {
    await symlink(await readText(zip, entry), target);
    return;
  }
  const stream = await zip.openReadStreamPromise(entry);
  const mode = entryMode(entry.externalFileAttributes, false);
  await pipeline(stream, createWriteStream(target, { mode }));
  await chmod(target, mode);
}

/** Extracts every entry of `zip` under `dest`, dropping the archive's top folder. */
export async function extractZip(file: string, dest: string): Promise<number> {
  const zip = await openZip(file);
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const directory = entry.fileName.endsWith('/');
      const target = entryTarget(dest, entry.fileName);
      const work = !target
        ? Promise.resolve()
        : directory
          ? mkdir(target, { recursive: true, mode: entryMode(entry.externalFileAttributes, true) })
          : writeEntry(zip, entry, target).then(() => void count++);
      work.then(() => zip.readEntry(), reject);
    });
    zip.readEntry();
  });
  return count;
}

/** Makes every folder traversable by all, whatever the umask, for the unprivileged node user. */
async function openDirectories(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await openDirectories(join(dir, entry.name));
  }
}

/**
 * Unpacks a distribution zip into `dest` once: into a temporary sibling first, renamed at the
 * end, so an interrupted unpack is never mistaken for a complete one.
 */
export function unpackDistribution(
  zipFile: string,
  dest: string,
  onStart: () => void = () => {},
): Promise<void> {
  return singleFlight(dest, () => unpackOnce(zipFile, dest, onStart));
}

const unpacked = (dest: string) =>
  stat(join(dest, 'bin')).then(
    () => true,
    () => false,
  );

async function unpackOnce(zipFile: string, dest: string, onStart: () => void): Promise<void> {
  if (await unpacked(dest)) return;
  await removeStaleScratch(dest, 'partial');
  onStart();
  const partial = scratchName(dest, 'partial');
  await mkdir(partial, { recursive: true, mode: 0o755 });
  try {
    await extractZip(zipFile, partial);
    await openDirectories(partial);
    // Another process may have finished first, and its nodes may be starting from it: keep it.
    if (await unpacked(dest)) {
      await rm(partial, { recursive: true, force: true });
      return;
    }
    await rm(dest, { recursive: true, force: true });
    await rename(partial, dest);
  } catch (cause) {
    await rm(partial, { recursive: true, force: true });
    if (cause instanceof LocalError) throw cause;
    throw new LocalError(
      'ELASTIQ_LOCAL_UNPACK_FAILED',
      `Could not unpack ${zipFile} (${(cause as Error).message}); delete it and run again`,
      { cause },
    );
  }
}
