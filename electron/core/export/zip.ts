// Serializes a finished bag as one zip file, for hand-over on media or by upload.

import { createHash } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { syncDir } from '../durable.ts';

/**
 * Writes `bagDir` as the zip file `zipPath`, every entry under one top-level folder named after
 * the bag directory (RFC 8493 §4: a serialized bag unpacks to a single base directory), with
 * UTF-8 entry names (APPNOTE 6.3 general-purpose bit 11, set by yazl) and ZIP64 where needed.
 * Files stream through (memory stays flat for multi-GiB payload); payload files are stored
 * uncompressed, since photos and videos do not shrink and deflating them would only cost time,
 * while tag files are deflated. Every directory gets an entry, so an empty `data/` survives.
 *
 * The zip is written to "<zipPath>.partial", fsynced, then renamed (writeZipPartial, then
 * publishZip), so a crash never leaves a truncated file under the final name.
 *
 * Returns `{ zipPath (absolute), sha256 (lower-case hex of the zip file), bytes (its size) }`.
 *
 * Throws Error if `zipPath` (or `<zipPath>.partial`) already exists, if `zipPath` is inside
 * `bagDir`, if `bagDir` is not a directory, or if the bag holds anything but regular files and
 * directories (a symlink would carry content from outside the bag) or a name with "\" (zip tools
 * read it as a separator); file-system and yazl errors pass through, and the partial file is
 * removed.
 */
export async function zipBag(bagDir: string, zipPath: string): Promise<{ zipPath: string; sha256: string; bytes: number }> {
  const z = await writeZipPartial(bagDir, zipPath);
  try {
    await publishZip(z.partialPath, z.zipPath);
  } catch (err) {
    await rm(z.partialPath, { force: true });
    throw err;
  }
  return { zipPath: z.zipPath, sha256: z.sha256, bytes: z.bytes };
}

/**
 * The first half of zipBag: writes the zip of `bagDir` to "<zipPath>.partial" (created with O_EXCL)
 * and fsyncs it, leaving the rename to publishZip, so that a caller can record the zip's SHA-256
 * before the zip appears under its final name. Same checks and errors as zipBag; on error the
 * partial file is removed. Returns absolute `zipPath` and `partialPath`, the zip's lower-case hex
 * `sha256` and its size in `bytes`.
 */
export async function writeZipPartial(bagDir: string, zipPath: string): Promise<{ zipPath: string; partialPath: string; sha256: string; bytes: number }> {
  const root = resolve(bagDir);
  const target = resolve(zipPath);
  const rel = relative(root, target);
  if (rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith('..' + sep))) {
    throw new Error(`zipBag: ${target} is inside the bag ${root}; the zip would include itself`);
  }
  if (!(await stat(root)).isDirectory()) throw new Error(`zipBag: ${root} is not a directory`);
  if (await exists(target)) throw new Error(`zipBag: ${target} already exists; refusing to overwrite`);
  const top = basename(root);
  if (top.includes('\\')) throw new Error(`zipBag: bag directory name ${JSON.stringify(top)} holds "\\"`);

  const files = await listBag(root);
  const partial = `${target}.partial`;
  // A leftover from an interrupted run is not ours to delete; let the user look at it.
  if (await exists(partial)) throw new Error(`zipBag: ${partial} already exists (an interrupted earlier run?); remove it first`);
  const zip = new ZipFile();
  zip.addEmptyDirectory(top);
  for (const f of files) {
    const name = `${top}/${f.rel}`;
    if (f.dir) zip.addEmptyDirectory(name);
    else zip.addFile(join(root, ...f.rel.split('/')), name, { compress: !f.rel.startsWith('data/') });
  }

  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const output = zip.outputStream as Readable;
  // yazl reports unreadable inputs on the ZipFile, not on its stream; route them into the pipeline.
  zip.on('error', (err: Error) => output.destroy(err));
  zip.end();
  try {
    await pipeline(output, tap, createWriteStream(partial, { flags: 'wx' }));
    const fh = await open(partial, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { zipPath: target, partialPath: partial, sha256: hash.digest('hex'), bytes };
}

/**
 * Moves a finished "<zipPath>.partial" (writeZipPartial) to `zipPath` and fsyncs the folder, so
 * the new name survives a power cut. Throws Error when `zipPath` exists (never overwritten); fs
 * errors pass through. The partial file is left in place on error.
 */
export async function publishZip(partialPath: string, zipPath: string): Promise<void> {
  if (await exists(zipPath)) throw new Error(`zipBag: ${zipPath} appeared while zipping; refusing to overwrite`);
  await rename(partialPath, zipPath);
  await syncDir(dirname(zipPath));
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Every directory and regular file under `root`, "/"-separated, in UTF-8 byte order (reproducible zips). */
async function listBag(root: string): Promise<{ rel: string; dir: boolean }[]> {
  const out: { rel: string; dir: boolean }[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const entries: Dirent[] = await readdir(relDir === '' ? root : join(root, ...relDir.split('/')), { withFileTypes: true });
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
    for (const e of entries) {
      const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
      if (e.name.includes('\\')) throw new Error(`zipBag: ${rel} holds "\\", which zip tools read as a path separator`);
      if (e.isDirectory()) {
        out.push({ rel, dir: true });
        await walk(rel);
      } else if (e.isFile()) {
        out.push({ rel, dir: false });
      } else {
        throw new Error(`zipBag: ${rel} in ${root} is not a regular file or directory`);
      }
    }
  };
  await walk('');
  return out;
}
