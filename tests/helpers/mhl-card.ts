// A card folder as an offload tool leaves it: files, and an ascmhl/ history (md5 + xxh64, as Hedge
// writes), written with our own writer (core/mhl/write.ts), which the reference XSDs validate.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileFacts, hashFile, listFolderFiles } from '../../electron/core/mhl/files.ts';
import { writeMhlGeneration } from '../../electron/core/mhl/write.ts';

/** Writes `files` (relative path → content) under `root`, each with a fixed modification time. */
export function writeCard(root: string, files: Record<string, string | Buffer>, mtime = new Date('2024-05-01T10:00:00Z')): void {
  for (const [rel, body] of Object.entries(files)) {
    const p = join(root, ...rel.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, body);
    utimesSync(p, mtime, mtime);
  }
}

/** Appends an ASC MHL generation listing every file under `root` (outside ascmhl/), as Hedge would. */
export async function sealCard(root: string, now = new Date()): Promise<string> {
  const files = [];
  for (const rel of listFolderFiles(root, ['ascmhl'])) {
    const { hashes, bytes } = await hashFile(join(root, rel), ['md5', 'xxh64']);
    files.push({ path: rel, bytes, mtime: fileFacts(join(root, rel)).mtime, hashes });
  }
  const r = await writeMhlGeneration({ folder: root, files, formats: ['md5', 'xxh64'], creator: { tool: 'Hedge', toolVersion: '23.1', hostName: 'dit-cart' }, process: 'in-place', now });
  return r.generationPath;
}
