// Where seals are kept: as custody events in the catalog, and as files under seals/ in the archive
// folder (a copy that survives a replaced catalog).
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { makeDirs } from '../dirs.ts';
import { syncDir, parentSyncNeeded } from '../durable.ts';
import { asSeal, SEAL_EVENT_TYPE, sealFileName, type Seal } from './seal-format.ts';

/** The folder of seal files in an archive folder. */
export function sealsDir(archiveDir: string): string {
  return join(archiveDir, 'seals');
}

/** A seal event of the custody log: the row's seq and the seal it carries (or why it cannot be read). */
export interface SealEvent {
  eventSeq: number;
  seal: Seal | null;
  /** Set when the event's seal is malformed. */
  error?: string;
  /** The event's detail.firstUseOfKey. */
  firstUseOfKey: boolean;
}

/**
 * Every seal event (type "digital signature generation", no item, detail.action "seal") among
 * rows 1..upTo (all rows by default), in seq order. Reads only the archive-wide rows of that type.
 */
export function readSealEvents(db: Db, upTo = Number.MAX_SAFE_INTEGER): SealEvent[] {
  const out: SealEvent[] = [];
  const rows = stmt(db, 'SELECT seq, detail FROM custody_events WHERE item IS NULL AND type = ? AND seq <= ? ORDER BY seq').raw().iterate(SEAL_EVENT_TYPE, upTo) as Iterable<[number, string]>;
  for (const [seq, text] of rows) {
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(text) as Record<string, unknown>;
    } catch {
      continue; // not JSON: the chain check reports the row
    }
    if (!detail || detail.action !== 'seal') continue;
    try {
      out.push({ eventSeq: seq, seal: asSeal(detail.seal), firstUseOfKey: detail.firstUseOfKey === true });
    } catch (e) {
      out.push({ eventSeq: seq, seal: null, error: (e as Error).message, firstUseOfKey: false });
    }
  }
  return out;
}

/** A file under seals/: the row it names, its path relative to the archive, and its seal (or why it cannot be read). */
export interface SealFile {
  seq: number;
  file: string;
  seal: Seal | null;
  error?: string;
}

const NAME = /^(\d{10})\.json$/;

/** Every seals/NNNNNNNNNN.json of the archive folder, by seq; none when the folder is absent. */
export function readSealFiles(archiveDir: string): SealFile[] {
  let names: string[];
  try {
    names = readdirSync(sealsDir(archiveDir));
  } catch {
    return [];
  }
  const out: SealFile[] = [];
  for (const name of names.sort()) {
    const m = NAME.exec(name);
    if (!m) continue;
    const file = `seals/${name}`;
    try {
      out.push({ seq: Number(m[1]), file, seal: asSeal(JSON.parse(readFileSync(join(archiveDir, file), 'utf8'))) });
    } catch (e) {
      out.push({ seq: Number(m[1]), file, seal: null, error: (e as Error).message });
    }
  }
  return out;
}

/**
 * Writes `seal` as seals/<seq, 10 digits>.json (pretty-printed JSON) durably: a temporary file in
 * seals/, fsync, rename over the name, fsync of seals/ (and of the archive folder when seals/ was
 * just made and its file system needs it: durable.ts). Returns the path relative to the archive.
 * Throws fs errors (the temporary file is removed).
 */
export async function writeSealFile(archiveDir: string, seal: Seal): Promise<string> {
  const dir = sealsDir(archiveDir);
  const made = makeDirs(dir);
  const name = sealFileName(seal.seq);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(seal, null, 2) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
  if (made !== undefined && parentSyncNeeded(archiveDir)) await syncDir(archiveDir);
  return `seals/${name}`;
}
