// Making folders. Node's recursive mkdir loops forever, at full CPU and deaf to Ctrl-C, where
// mkdir(2) answers ENOENT for a parent that exists but cannot hold folders (/proc, /sys): an
// archive or export path typed there would hang the program. This one makes one level at a time.
import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`: makes the folder `dir` (made absolute with path.resolve) and its missing parents,
 * one level at a time; returns the first folder it made, or undefined when `dir` already existed
 * (as mkdirSync's recursive mode does). A folder another process makes meanwhile is fine.
 * Throws ENOTDIR (with `path`) when part of the path is not a folder, and the fs error of a
 * mkdir that fails (ENOENT under /proc, EACCES, EROFS, ENOSPC).
 */
export function makeDirs(dir: string): string | undefined {
  // Most calls make one folder in a parent that exists (a new store folder): one mkdir does it.
  const target = resolve(dir);
  try {
    mkdirSync(target);
    return target;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(target).isDirectory()) return undefined;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw e;
  }
  const missing: string[] = [];
  for (let d = target; ; d = dirname(d)) {
    const st: Stats | undefined = statSync(d, { throwIfNoEntry: false });
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR', path: d });
      break;
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  let first: string | undefined;
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      first ??= d;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
  return first;
}
