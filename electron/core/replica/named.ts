// Naming the copies a replica check or sync found wrong (issue 15 §3): by item id, original file
// name and path inside the replica, so the custody event and the CLI say which copies, not only
// how many. The event holds a bounded list (a replica emptied on a million-item archive would
// otherwise write one enormous row); the command's --json holds them all.
import { relative, sep } from 'node:path';
import { replicaObjectPath, type Replica } from './store.ts';

/** Copies named in one custody event at most; the others are counted under `<key>Omitted`. */
export const EVENT_COPIES_MAX = 100;

/** One copy in a replica, named: its item (SHA-256 and catalog id), original file name, and path in the replica. */
export interface ReplicaCopyRef {
  itemId: number;
  sha256: string;
  /** The item's original file name (its first sighting), or null when the catalog has none. */
  fileName: string | null;
  /** Where the copy lies (or should lie) relative to the replica's folder, "/"-separated: no path of this machine. */
  path: string;
}

/** The path of item `sha256`'s copy inside replica `r`, relative to its folder, "/"-separated ("objects/sha256/ab/cd/abcd…"). */
export function replicaRelativePath(r: Pick<Replica, 'path'>, sha256: string): string {
  return relative(r.path, replicaObjectPath(r, sha256)).split(sep).join('/');
}

/**
 * `copies` as a custody event's detail carries them under `key`, each made by `entry`: at most
 * EVENT_COPIES_MAX, and `<key>Omitted` with the count of the rest. Empty for no copies (the
 * key is then absent, as in events written before copies were named).
 */
export function eventCopies<T>(key: string, copies: readonly T[], entry: (c: T) => Record<string, unknown>): Record<string, unknown> {
  if (!copies.length) return {};
  const omitted = copies.length - EVENT_COPIES_MAX;
  return { [key]: copies.slice(0, EVENT_COPIES_MAX).map(entry), ...(omitted > 0 ? { [`${key}Omitted`]: omitted } : {}) };
}
