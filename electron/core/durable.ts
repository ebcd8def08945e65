// Directory syncs: what makes a new or renamed directory entry survive a power cut (POSIX
// fsync(2): syncing a file does not sync the entry naming it). Shared by the object store and the
// bag writer, so both treat file systems that cannot sync a directory the same way.
import { closeSync, fsync, openSync, statfsSync } from 'node:fs';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

/**
 * Error codes with which a file system says it cannot sync a directory, rather than that the
 * sync failed: some network and FUSE file systems refuse fsync on one. Permission errors are not
 * among them: on Linux they mean something is wrong, and durability must not quietly lapse.
 */
const CANNOT_SYNC_DIRECTORIES = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF']);

/**
 * fsync(2) of the directory `dir`, making the entries created, renamed or removed in it durable.
 * Resolves without syncing where the platform or file system cannot sync a directory at all
 * (Windows; some network shares: see CANNOT_SYNC_DIRECTORIES). Throws the fs error of a sync that
 * was attempted and failed (EIO, ENOSPC), and ENOENT when `dir` does not exist.
 */
export async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for flushing at all (EPERM); NTFS orders its own metadata.
  if (process.platform === 'win32') return;
  // Opened and closed on this thread (microseconds); only the sync waits on the thread pool.
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (e) {
    if (CANNOT_SYNC_DIRECTORIES.has((e as NodeJS.ErrnoException).code ?? '')) return;
    throw e;
  }
  try {
    await fsyncAsync(fd);
  } catch (e) {
    if (!CANNOT_SYNC_DIRECTORIES.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    closeSync(fd);
  }
}

/** statfs(2) f_type of Linux file systems whose first fsync inside a new folder also makes the folder's own entry durable. */
const PARENT_SYNCED_WITH_CHILD = new Map<number, string>([
  // ext2/3/4: without a journal ext4_sync_parent() syncs every new ancestor (fs/ext4/fsync.c);
  // with one, the fsync commits the journal transaction that holds the mkdir.
  [0xef53, 'ext2/3/4'],
  // XFS: fsync forces the log up to the folder's last change, after the mkdir that made it.
  [0x58465342, 'xfs'],
]);

/**
 * Whether a folder newly made on the file system of type `fsType` (statfs f_type) on `platform`
 * needs its parent synced for its entry to be durable. False only for the Linux file systems in
 * PARENT_SYNCED_WITH_CHILD; true for FAT, exFAT, NTFS through FUSE, network shares, btrfs and
 * every other platform, where POSIX's rule (sync the parent) is followed. Pure; throws nothing.
 */
export function newFolderNeedsParentSync(platform: NodeJS.Platform, fsType: number | bigint | null): boolean {
  return !(platform === 'linux' && fsType !== null && PARENT_SYNCED_WITH_CHILD.has(Number(fsType)));
}

const decided = new Map<string, boolean>();

/**
 * newFolderNeedsParentSync for the file system holding `dir`, asked once per folder and process
 * (statfs); true when it cannot be told. Throws nothing.
 */
export function parentSyncNeeded(dir: string): boolean {
  let need = decided.get(dir);
  if (need === undefined) {
    let type: number | bigint | null = null;
    try {
      type = statfsSync(dir).type;
    } catch {
      // Unknown file system: follow POSIX.
    }
    need = newFolderNeedsParentSync(process.platform, type);
    decided.set(dir, need);
  }
  return need;
}
