// What is at an object's address when it is not a regular file (issue 15, f15a 2): a symbolic
// link (to a replica's copy, say), a folder, a named pipe, a socket or a device. The archive holds
// an object only as a regular file of its own: a link's content can change or vanish with another
// drive, so a link is never followed (lstat), and a check must not read through it.
import { lstatSync, readlinkSync } from 'node:fs';

/** What stands at an object's address instead of a regular file. */
export interface NotAFile {
  what: 'symbolic link' | 'folder' | 'named pipe' | 'socket' | 'device';
  /** For a symbolic link: where it points (as stored in the link). */
  target?: string;
}

/**
 * What is at `path` when it is neither absent nor a regular file (lstat(2): links are not
 * followed), else null. Errors other than ENOENT (EACCES on a folder above) also give null: the
 * read that follows reports them.
 */
export function notAFile(path: string): NotAFile | null {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  if (st.isFile()) return null;
  if (st.isSymbolicLink()) {
    let target: string | undefined;
    try {
      target = readlinkSync(path);
    } catch {
      // unreadable link: said without its target
    }
    return { what: 'symbolic link', ...(target !== undefined ? { target } : {}) };
  }
  if (st.isDirectory()) return { what: 'folder' };
  if (st.isFIFO()) return { what: 'named pipe' };
  if (st.isSocket()) return { what: 'socket' };
  return { what: 'device' };
}

/** "is a symbolic link to T, not a file held by the archive", "is a folder, not a file held by the archive" (English, as custody events record it). */
export const notAFileReason = (n: NotAFile): string =>
  `is a ${n.what}${n.target !== undefined ? ` to ${n.target}` : ''}, not a file held by the archive`;

/**
 * True when `a` and `b` are one file (same device and inode, lstat(2)): a hard link, or the same
 * path reached twice. False when either is absent. A copy that is the same file as the original
 * is no second copy: damage to one is damage to both.
 */
export function sameFile(a: string, b: string): boolean {
  try {
    const x = lstatSync(a);
    const y = lstatSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
