// Absolute paths of the archive's machine in custody events (issue 11 §3). A public set must carry
// none: "/home/aigul/Cases/…" names the operator's account, and a source folder can name a person
// or a place. New events say where in the archive by an archive-relative path ("objects/sha256/…");
// rows written before cannot be edited without breaking their hashes, so a public set withholds
// every event still carrying one (export-extras.ts, withheldSeqs).
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

// An absolute path where a path can start (at the start of the text, or after a character that
// is not part of a name): POSIX "/x…" (not "//", as in a URL's "https://"), a home-relative "~/",
// a Windows drive "C:\" or "C:/", a UNC "\\server\", or a file: URL. "data/kok-tash/x.jpg",
// "objects/sha256/…", "image/jpeg" and "2021/05/04" do not match: their "/" follows a name.
const ABSOLUTE_PATH = /(?:^|[^\p{L}\p{N}_.~/\\-])(?:\/(?!\/)[^\s/]|~[\\/]|[A-Za-z]:[\\/]|\\\\[^\\\s])|file:\/\//iu;

/**
 * Folders of this machine that must never appear in a public set, besides any absolute path:
 * the archive folder `archiveDir` (as given, resolved, and as its real path) and the user's home
 * folder (and its real path). Longest first. Folders that do not resolve are given as they are.
 */
export function machineFolders(archiveDir?: string): string[] {
  const out = new Set<string>();
  const add = (p: string) => {
    if (p.length <= 1) return; // "/" says nothing
    out.add(p);
    try {
      out.add(realpathSync.native(p));
    } catch {
      // as given only
    }
  };
  if (archiveDir) {
    add(archiveDir);
    add(resolve(archiveDir));
  }
  add(homedir());
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * True when `v` holds, at any depth (values and keys), a string with an absolute path
 * (ABSOLUTE_PATH: POSIX, "~/", Windows drive or UNC, file: URL) or containing one of `folders`
 * (machineFolders). Numbers, booleans and null never match.
 */
export function carriesMachinePath(v: unknown, folders: readonly string[]): boolean {
  if (typeof v === 'string') return ABSOLUTE_PATH.test(v) || folders.some((f) => v.includes(f));
  if (Array.isArray(v)) return v.some((x) => carriesMachinePath(x, folders));
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => carriesMachinePath(k, folders) || carriesMachinePath(x, folders));
}
