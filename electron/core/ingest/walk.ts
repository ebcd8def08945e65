import type { BigIntStats } from 'node:fs';
import { lstatSync } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import type { IngestFileResult } from '../../common/types.ts';
import { bytesField, displayName, hasPlainDisplay } from './filename.ts';
import { enterFolder, judgeFile, type FolderContext, type HeldKind } from './os-files.ts';

/** A regular file found under the inputs, with what a sighting records. */
export interface Candidate {
  /** Absolute path in its display form (displayName: `\\` for a backslash, `\xHH` for a byte outside UTF-8). */
  path: string;
  /** The file name (last segment) in its display form. */
  name: string;
  /** The path's exact bytes: the file's identity (walk, resume, sightings). */
  pathBytes: Buffer;
  /** The path's bytes again, present only when `path` is not the path itself (hasPlainDisplay false): open by these. */
  rawPath?: Buffer;
  /**
   * True for a file named directly as an input, which may be reached through a symbolic link;
   * files met inside folders are opened without following links (ingest/digest.ts openSource).
   */
  givenAsInput?: boolean;
  bytes: number;
  mtimeMs: number;
  /** Modification time in nanoseconds since the epoch, as text (exact, for resume matching). */
  mtimeNs: string;
  /** Inode number and status-change time in ns, as text: they identify the file on resume. */
  ino: string;
  ctimeNs: string;
}

/** A file the walk does not ingest (hidden, in a trash folder, or the OS's own: os-files.ts), as a candidate compare can still read. */
export interface HeldFile {
  candidate: Candidate;
  kind: HeldKind;
  reason: string;
}

function lstatOrError(raw: Buffer): BigIntStats | Error {
  try {
    return lstatSync(raw, { bigint: true });
  } catch (e) {
    return e as Error;
  }
}

/** `{ pathBytes }` (base64) for a report when the display form of `raw` is not the path itself. */
function bytesOf(raw: Buffer): { pathBytes?: string } {
  const b = bytesField(raw);
  return b === undefined ? {} : { pathBytes: b };
}

/** An fs error's message with the path's display form in place of Node's text for it. */
function failureMessage(e: unknown, raw: Buffer, shown: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split(raw.toString('utf8')).join(shown);
}

/** Device and inode of a file, as one key: what names the same folder whatever path reached it. */
function fileId(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/**
 * Walks files and folders recursively (depth first, names sorted so runs are reproducible) and
 * returns the regular files to ingest plus the results already decided: hidden, system and trash
 * files (judged file by file: os-files.ts judgeFile; also returned in `held`, with their kind, for
 * compare to read) and symbolic links inside folders as `skipped`, unreadable or missing inputs as `failed` (with the
 * reason). Symbolic links given directly as inputs are followed; inside folders they are not,
 * which keeps a walk from leaving the card or looping. Folders in `exclude` (the archive itself,
 * when someone ingests a folder that holds it) are skipped: a folder met during the walk is
 * recognised by device and inode, not by its path text, so the archive is found however either
 * side was named (through a symbolic link, `..`, a bind mount); an input whose real path is an
 * excluded folder or lies inside one is skipped too. Never throws for a bad path.
 *
 * Cancelling `signal` stops the walk early: it then resolves to what it had found so far with
 * `interrupted: true`, so `files` is not all there is and its length is no total. `interrupted`
 * is false whenever every input was walked to the end, even if `signal` was cancelled afterwards.
 */
export async function walkInputs(inputs: readonly string[], signal?: AbortSignal, exclude: readonly string[] = []): Promise<{ files: Candidate[]; decided: IngestFileResult[]; held: HeldFile[]; interrupted: boolean }> {
  // Excluded folders by identity (stat follows a link naming the archive) and by real path; the
  // path texts also stay, for a file system without inode numbers (ino 0), where only they can tell.
  const excludedIds = new Set<string>();
  const excludedReal: string[] = [];
  const excludedBytes = new Set(exclude.map((x) => Buffer.from(resolve(x)).toString('latin1')));
  for (const x of exclude) {
    try {
      const st = await stat(x, { bigint: true });
      if (st.ino !== 0n) excludedIds.add(fileId(st));
      const real = await realpath(x);
      excludedReal.push(real);
      excludedBytes.add(Buffer.from(real).toString('latin1'));
    } catch {
      // A folder that does not exist holds nothing the walk could meet.
    }
  }
  const files: Candidate[] = [];
  const decided: IngestFileResult[] = [];
  const held: HeldFile[] = [];
  // Files already listed, by their path's bytes (as latin1 text, one character per byte): two
  // inputs that overlap meet the same file twice, but two names are never one file.
  const seen = new Set<string>();
  // Set where the walk gives up on a folder or input because of `signal`, never merely because
  // `signal` is aborted: a walk that ended before the abort did list everything.
  let interrupted = false;
  const stopped = (): boolean => {
    if (signal?.aborted) interrupted = true;
    return interrupted;
  };
  const SEP = Buffer.from(sep);

  const candidateOf = (raw: Buffer, nameBytes: Buffer, st: BigIntStats, givenAsInput = false): Candidate | null => {
    const key = raw.toString('latin1');
    if (seen.has(key)) return null;
    seen.add(key);
    return {
      path: displayName(raw), name: displayName(nameBytes), pathBytes: raw, ...(hasPlainDisplay(raw) ? {} : { rawPath: raw }), ...(givenAsInput ? { givenAsInput } : {}),
      bytes: Number(st.size), mtimeMs: Number(st.mtimeMs), mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString(), ctimeNs: st.ctimeNs.toString(),
    };
  };
  const addFile = (raw: Buffer, nameBytes: Buffer, st: BigIntStats, givenAsInput = false) => {
    const c = candidateOf(raw, nameBytes, st, givenAsInput);
    if (c) files.push(c);
  };

  // Paths travel as bytes so that names which are not UTF-8 can still be opened.
  // `ctx`: the trash, hidden or system folders the folder lies in (os-files.ts), null for an ordinary one.
  const walkDir = async (dir: Buffer, ctx: FolderContext | null = null): Promise<void> => {
    const shown = displayName(dir);
    let entries: Buffer[];
    try {
      const d = await opendir(dir as unknown as string, { encoding: 'buffer' as BufferEncoding });
      entries = [];
      for await (const e of d) entries.push(e.name as unknown as Buffer);
    } catch (e) {
      decided.push({ path: shown, ...bytesOf(dir), status: 'failed', reason: `${shown}: cannot read folder: ${failureMessage(e, dir, shown)}` });
      return;
    }
    entries.sort(Buffer.compare);
    // lstat a chunk of entries synchronously, then let the event loop run (Ctrl-C, workers
    // starting): a folder's inodes are usually cached right after its listing, where one
    // synchronous lstat costs a few microseconds and a thread-pool round trip costs more.
    const LSTAT_CHUNK = 256;
    for (let at = 0; at < entries.length; at += LSTAT_CHUNK) {
      if (stopped()) return;
      if (at > 0) await new Promise<void>((r) => setImmediate(r));
      const chunk = entries.slice(at, at + LSTAT_CHUNK).map((nameBytes) => Buffer.concat([dir, SEP, nameBytes]));
      const stats = chunk.map((raw) => lstatOrError(raw));
      for (let i = 0; i < chunk.length; i++) {
        // Ctrl-C gets through while a subfolder is walked: stop there, rather than open and list
        // every later sibling folder only to drop what it holds.
        if (stopped()) return;
        await visit(chunk[i]!, entries[at + i]!, stats[i]!, ctx);
      }
    }
  };

  const visit = async (raw: Buffer, nameBytes: Buffer, st: BigIntStats | Error, ctx: FolderContext | null): Promise<void> => {
    const p = displayName(raw);
    const name = displayName(nameBytes);
    const b = bytesOf(raw);
    if (st instanceof Error) {
      decided.push({ path: p, ...b, status: 'failed', reason: `${p}: ${failureMessage(st, raw, p)}` });
      return;
    }
    if (st.isSymbolicLink()) {
      decided.push({ path: p, ...b, status: 'skipped', reason: 'symbolic link (not followed inside folders)' });
    } else if (st.isDirectory()) {
      if (excludedIds.has(fileId(st)) || excludedBytes.has(raw.toString('latin1'))) {
        decided.push({ path: p, ...b, status: 'skipped', reason: 'this is the archive being ingested into' });
      } else {
        // Hidden, system and trash folders are walked too, never skipped whole by their name: what
        // is inside is judged file by file (a folder named .DS_Store may hold footage).
        await walkDir(raw, enterFolder(name, ctx));
      }
    } else if (st.isFile()) {
      const v = judgeFile(raw, name, Number(st.size), ctx);
      if (!v) addFile(raw, nameBytes, st);
      else {
        const c = candidateOf(raw, nameBytes, st);
        if (c) {
          held.push({ candidate: c, kind: v.kind, reason: v.reason });
          decided.push({ path: p, ...b, status: 'skipped', reason: v.kind === 'os' ? v.reason : `${v.reason}; not ingested by a folder ingest (name the file or its folder to ingest it)` });
        }
      }
    } else {
      decided.push({ path: p, ...b, status: 'skipped', reason: 'not a regular file (device, pipe or socket)' });
    }
  };

  for (const input of inputs) {
    if (stopped()) break;
    const p = resolve(input);
    const raw = Buffer.from(p);
    const shown = displayName(raw);
    const b = bytesOf(raw);
    let st: BigIntStats;
    try {
      st = await stat(p, { bigint: true });
    } catch (e) {
      decided.push({ path: shown, ...b, status: 'failed', reason: `${shown}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : failureMessage(e, raw, shown)}` });
      continue;
    }
    let real = p;
    try {
      real = await realpath(p);
    } catch {
      // stat just succeeded; if the real path cannot be had, the path as given is the best guess.
    }
    const inside = excludedReal.some((x) => real === x || real.startsWith(x.endsWith(sep) ? x : x + sep)) || (st.isDirectory() && excludedIds.has(fileId(st)));
    if (inside) {
      decided.push({ path: shown, ...b, status: 'skipped', reason: 'inside the archive being ingested into: originals come from outside it' });
    } else if (st.isDirectory()) await walkDir(raw);
    else if (st.isFile()) addFile(raw, Buffer.from(basename(p)), st, true);
    else decided.push({ path: shown, ...b, status: 'skipped', reason: 'not a regular file (device, pipe or socket)' });
  }
  // Overlapping inputs (a folder and a folder inside it) meet the same entries twice: one report
  // each. Display paths are injective (displayName), so equal text is the same path.
  const reported = new Set<string>();
  return { files, decided: decided.filter((r) => !reported.has(r.path) && Boolean(reported.add(r.path))), held, interrupted };
}
