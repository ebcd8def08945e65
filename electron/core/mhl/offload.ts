// `evidence mhl ITEM… --out DIR`: an offload copy of chosen items into a folder, with an ASC MHL
// v2.0 history of that folder (process "transfer"). Run again into the same folder, it adds the new
// items and a new generation that verifies what the folder already held.
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { objectPath, type Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { getItem } from '../db/items.ts';
import { listedItems } from '../catalog/records.ts';
import { payloadPaths } from '../export/names.ts';
import { fileFacts, hashFile, listFolderFiles } from './files.ts';
import { createMultiHasher, type MhlHashFormat } from './hash.ts';
import { checkHistoryForAppend, writeMhlGeneration, type MhlWriteCreator, type MhlWriteResult } from './write.ts';

/** A file already in the folder under an item's name, with other content: never overwritten. */
export class OffloadConflictError extends Error {
  constructor(readonly path: string) {
    super(`${path}: already in the folder with other content; not overwritten`);
    this.name = 'OffloadConflictError';
  }
}

export interface OffloadOptions {
  /** Items copied under their original file names (made unique and portable). */
  itemIds: number[];
  /** Files copied at a path of their own (a card's structure: reels/offload-files.ts), each even when another holds the same content. */
  files?: { itemId: number; path: string }[];
  outDir: string;
  formats: MhlHashFormat[];
  actor: string;
  creator: MhlWriteCreator;
  /** Append to a damaged history (write.ts acceptDamagedHistory); default false. */
  acceptDamagedHistory?: boolean;
}

export interface OffloadResult {
  folder: string;
  /** Per item: its path in the folder and whether it was copied now (false: already there, identical). */
  items: { id: number; sha256: string; path: string; copied: boolean }[];
  generation: MhlWriteResult;
  /** Files the generation lists in all (the folder's whole content). */
  files: number;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Copies the object of SHA-256 `sha256` at `src` to `dst` (through a temporary file, fsynced,
 * renamed) while computing its SHA-256 and `formats` in the same read; the copy is kept only when
 * the bytes read hash to `sha256`. Returns the MHL hashes and size. Throws Error when the object no
 * longer holds its content; fs errors pass through.
 */
async function copyObject(src: string, dst: string, sha256: string, formats: MhlHashFormat[]): Promise<{ hashes: Partial<Record<MhlHashFormat, string>>; bytes: number }> {
  const h = await createMultiHasher(formats);
  const sha = createHash('sha256');
  const tmp = `${dst}.${randomUUID().slice(0, 8)}.partial`;
  const inFd = openSync(src, 'r');
  const outFd = openSync(tmp, 'wx', 0o644);
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(inFd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const view = buf.subarray(0, n);
      h.update(view);
      sha.update(view);
      let done = 0;
      while (done < n) done += writeSync(outFd, view, done, n - done);
      bytes += n;
    }
    fsyncSync(outFd);
  } finally {
    closeSync(inFd);
    closeSync(outFd);
  }
  const got = sha.digest('hex');
  if (got !== sha256) {
    rmSync(tmp, { force: true });
    throw new Error(`object ${sha256}: holds content of SHA-256 ${got}; run \`evidence verify\`; nothing copied`);
  }
  renameSync(tmp, dst);
  return { hashes: h.digests(), bytes };
}

/**
 * Copies the items into `outDir` (created if absent) under their original file names (made unique
 * and portable as in an export, export/names.ts), and `files` at their own paths, each checked against its SHA-256 as it is copied
 * and hashed in `formats` in the same read; files the folder already held are hashed too. Then
 * writes the folder's next ASC MHL generation (writeMhlGeneration; earlier files are `verified` or
 * `failed` against the previous one) and records a `dissemination` custody event per item copied.
 * The result's generation names files of the folder that failed verification or are missing
 * (MhlWriteResult.failed, .missing); the caller reports them.
 * Throws OffloadConflictError for a name the folder holds with other content, MhlHistoryDamagedError
 * for a damaged history (unless acceptDamagedHistory), both before copying anything; Error for an
 * unknown item; fs errors pass through.
 */
export async function offloadWithMhl(archive: Archive, opts: OffloadOptions): Promise<OffloadResult> {
  const folder = resolve(opts.outDir);
  // A damaged history is refused before anything is copied into its folder.
  await checkHistoryForAppend(folder, opts.acceptDamagedHistory);
  const itemOf = (id: number) => {
    const it = getItem(archive.db, id);
    if (!it) throw new Error(`item ${id}: no such item`);
    return it;
  };
  const listed = listedItems(archive.db, [...new Set(opts.itemIds)].map(itemOf));
  const names = payloadPaths(listed.map((it) => ({ name: it.sources[0]?.name ?? it.sha256, sha256: it.sha256 })));
  // Each destination once: a file given twice (an item named and on the reel) is copied once.
  const wanted = new Map<string, { it: { id: number; sha256: string }; path: string }>();
  for (const [i, it] of listed.entries()) wanted.set(names[i]!, { it, path: names[i]! });
  for (const f of opts.files ?? []) {
    const it = { id: f.itemId, sha256: itemOf(f.itemId).record.sha256 };
    const had = wanted.get(f.path);
    if (had && had.it.sha256 !== it.sha256) throw new OffloadConflictError(join(folder, f.path));
    wanted.set(f.path, { it, path: f.path });
  }
  mkdirSync(folder, { recursive: true });
  const plan = await Promise.all([...wanted.values()].map(async ({ it, path }) => {
    const dst = join(folder, ...path.split('/'));
    if (!existsSync(dst)) return { it, path, dst, copy: true };
    if (createHash('sha256').update(readFileSync(dst)).digest('hex') !== it.sha256) throw new OffloadConflictError(dst);
    return { it, path, dst, copy: false };
  }));
  const hashed = new Map<string, { hashes: Partial<Record<MhlHashFormat, string>>; bytes: number }>();
  for (const p of plan) {
    if (!p.copy) continue;
    mkdirSync(dirname(p.dst), { recursive: true });
    hashed.set(p.path, await copyObject(objectPath(archive.objectsDir, p.it.sha256), p.dst, p.it.sha256, opts.formats));
  }
  const files = await Promise.all(listFolderFiles(folder).map(async (rel) => {
    const abs = join(folder, ...rel.split('/'));
    const h = hashed.get(rel) ?? await hashFile(abs, opts.formats);
    return { path: rel, bytes: h.bytes, mtime: fileFacts(abs).mtime, hashes: h.hashes };
  }));
  const generation = await writeMhlGeneration({ folder, files, formats: opts.formats, creator: opts.creator, process: 'transfer', acceptDamagedHistory: opts.acceptDamagedHistory });
  const offloadId = `offload-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const at = new Date().toISOString();
  archive.db.transaction(() => {
    for (const p of plan.filter((x) => x.copy)) {
      appendCustodyEvent(archive.db, { actor: opts.actor, type: 'dissemination', item: p.it.sha256, at, detail: {
        outcome: 'success', exportId: offloadId, action: 'offload copy with an ASC MHL history', folder: basename(folder), path: p.path,
        hashList: { file: generation.generationPath, generation: generation.sequence, c4: generation.c4, formats: opts.formats },
      } });
    }
  })();
  return { folder, items: plan.map((p) => ({ id: p.it.id, sha256: p.it.sha256, path: p.path, copied: p.copy })), generation, files: files.length };
}
