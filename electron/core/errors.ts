// The errors the CLI and the window turn into plain messages. Kept apart from the modules that
// throw them (archive.ts, db/open.ts), so that recognising them loads neither SQLite nor the
// catalog: the CLI's start-up reads this module before it knows which command runs.
import { join } from 'node:path';

/** Raised when another process holds the archive's write lock. */
export class ArchiveBusyError extends Error {
  constructor(dir: string) {
    super(`${dir}: the archive is in use by another Evidence Archive process (lock ${join(dir, 'archive.lock')}); wait for it to finish. A lock left by a process that no longer runs (a crash, or a copy of the archive made while it was in use) expires 30 s after its holder last touched it`);
    this.name = 'ArchiveBusyError';
  }
}

/** Raised when a folder is not an archive. */
export class NotAnArchiveError extends Error {
  constructor(dir: string) {
    super(`${dir}: not an Evidence Archive (no archive.sqlite); create one with \`evidence init ${dir}\``);
    this.name = 'NotAnArchiveError';
  }
}

/** Raised when the catalog was written by a newer version of Evidence Archive. */
export class SchemaTooNewError extends Error {
  constructor(file: string, found: number, known: number) {
    super(`${file}: catalog schema version ${found} is newer than this program understands (${known}); upgrade Evidence Archive`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Raised when `PRAGMA user_version` says a migration is still to run but the tables or columns it
 * creates are already there: the version was changed outside this program (or the file pieced
 * together), so migrating would fail halfway or run a data step twice. Nothing is changed.
 */
export class SchemaMismatchError extends Error {
  constructor(file: string, found: number, what: string) {
    super(`${file}: the catalog's schema version (${found}) does not match its tables (${what} already exists, which a later version creates); ` +
      'PRAGMA user_version was changed outside Evidence Archive. Restore the catalog (archive.sqlite) from a backup; nothing was changed');
    this.name = 'SchemaMismatchError';
  }
}

/**
 * Raised when a catalog made by an older version is opened read-only (a read command, or media
 * that cannot be written): upgrading it means writing to it, which only a write command does.
 * Nothing is changed.
 */
export class SchemaTooOldError extends Error {
  constructor(file: string, found: number, known: number) {
    super(`${file}: catalog schema version ${found} is older than this program's (${known}) and is opened read-only here; ` +
      'run a command that writes (e.g. `evidence verify`) on a writable copy of the archive once to upgrade it; nothing was changed');
    this.name = 'SchemaTooOldError';
  }
}

/**
 * An export found an archived object that no longer matches the digests recorded at ingest (or its
 * size): the export stops, nothing is published. `payload` is the bag path ("data/…"), `object`
 * the object's path. Exit 1: a verification failed.
 */
export class PayloadCorruptError extends Error {
  constructor(readonly payload: string, readonly object: string, found: string) {
    // Archive-relative where it can be: the message is also recorded in the run's "abandoned" event.
    const at = object.lastIndexOf('objects/sha256/');
    super(`${payload}: the archived copy (${at >= 0 ? object.slice(at) : object}) no longer matches what was recorded at ingest (${found}); ` +
      'the export stopped and nothing was published. Run `evidence verify` to record the damage and see which items are affected, ' +
      'then restore the object from a good copy of the original, or export without that item');
    this.name = 'PayloadCorruptError';
  }
}
