import type { ErrorCode, IpcError } from '../../common/ipc.ts';
import { ArchiveBusyError, NotAnArchiveError } from '../archive.ts';
import { SchemaTooNewError } from '../db/open.ts';
import { WrongPassphraseError } from '../signing/errors.ts';
import { CatalogPassphraseNeededError, WrongCatalogPassphraseError } from '../db/cipher.ts';

/** An error the service raises on purpose, with the code the window should see. */
export class ServiceError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * The IPC error for anything a handler or job threw: our own ServiceError keeps its code, the
 * archive's known errors get theirs, any other Error is a FAILED with its message (core errors
 * are written for people: "outDir is not empty", "no such item"), and a non-Error is INTERNAL.
 */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof ServiceError) return { code: e.code, message: e.message };
  if (e instanceof NotAnArchiveError) return { code: 'NOT_AN_ARCHIVE', message: e.message };
  if (e instanceof ArchiveBusyError) return { code: 'ARCHIVE_BUSY', message: e.message };
  if (e instanceof SchemaTooNewError) return { code: 'SCHEMA_TOO_NEW', message: e.message };
  if (e instanceof WrongPassphraseError) return { code: 'WRONG_PASSPHRASE', message: e.message };
  if (e instanceof CatalogPassphraseNeededError) return { code: 'CATALOG_LOCKED', message: e.message };
  if (e instanceof WrongCatalogPassphraseError) return { code: 'WRONG_PASSPHRASE', message: e.message };
  if (e instanceof Error) return { code: 'FAILED', message: e.message };
  return { code: 'INTERNAL', message: String(e) };
}
