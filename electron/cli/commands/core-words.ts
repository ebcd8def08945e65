// The core speaks English (its messages are also the custody log's and the API's). The CLI says the
// core's known errors in the user's language here: an error class or errno code, or a message of a
// known shape, becomes a t() key of the f15b namespace with the message's facts (paths, names, ids)
// as its values. A message of no known shape is returned as it came: never a raw `ns:key`.
import { t } from '../i18n/index.ts';

/** The errno codes said as a sentence with the path (f15b:errno.*). */
const ERRNO_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'ENAMETOOLONG', 'EIO']);

/**
 * A Node system error (`e.code` one of ENOSPC, EDQUOT, EROFS, EACCES, EPERM, ENOENT, ENOTDIR,
 * EISDIR, EEXIST, ENOTEMPTY, ENAMETOOLONG, EIO) as one sentence in the user's language naming the
 * path (`e.path`, else `e.dest`, else the path in the message); without a path, ENOSPC, EDQUOT, EROFS
 * and EIO are said without one and the others give null, as does anything else (another code).
 * A message that only carries the code ("ENOSPC: no space left on device, write") is recognized too.
 */
export function errnoWords(e: unknown): string | null {
  if (!e || typeof e !== 'object') return null;
  const err = e as { code?: unknown; path?: unknown; dest?: unknown; message?: unknown };
  let code = typeof err.code === 'string' ? err.code : undefined;
  const message = typeof err.message === 'string' ? err.message : '';
  if (!code) code = /^(E[A-Z]+):/u.exec(message)?.[1];
  if (!code || !ERRNO_CODES.has(code)) return null;
  const fromMessage = /, \w+ '([^']+)'/u.exec(message)?.[1];
  const path = typeof err.path === 'string' ? err.path : typeof err.dest === 'string' ? err.dest : fromMessage;
  if (path !== undefined) return t(`f15b:errno.${code}`, { path });
  return ['ENOSPC', 'EDQUOT', 'EROFS', 'EIO'].includes(code) ? t(`f15b:errno.${code}_bare`) : null;
}

/** A message of the core's English shape `re`, said by `words` from its groups; null when it does not match. */
type Shape = [re: RegExp, words: (m: RegExpExecArray) => string];

function byShape(message: string, shapes: Shape[]): string | null {
  for (const [re, words] of shapes) {
    const m = re.exec(message);
    if (m) return words(m);
  }
  return null;
}

/** An error of a verify filter (core/verify/scope.ts, reels.ts ScopeError) in the user's language. */
export function scopeErrorWords(message: string): string {
  return byShape(message, [
    [/^--since: (".*") is not a date/u, (m) => t('f15b:scope.since', { value: m[1] })],
    [/^--older-than: (".*") is longer than (\d+) years/u, (m) => t('f15b:scope.olderThanLong', { value: m[1], years: m[2] })],
    [/^--older-than: (".*") is not an age/u, (m) => t('f15b:scope.olderThan', { value: m[1] })],
    [/^--sample: (".*") is not a percentage/u, (m) => t('f15b:scope.sample', { value: m[1] })],
    [/^--item (\d+): no item has this id/u, (m) => t('f15b:scope.noItem', { id: m[1] })],
    [/^no reel or card is called (".*") \(/u, (m) => t('f15b:scope.noReel', { name: m[1] })],
  ]) ?? message;
}

/** An item reference that matched nothing or more than one item (core/db/items.ts resolveItemRef); null for another message. */
export function itemRefWords(message: string): string | null {
  return byShape(message, [
    [/^item (.*): no such item/u, (m) => t('f15b:item.noSuch', { ref: m[1] })],
    [/^item (.*): ambiguous/u, (m) => t('f15b:item.ambiguous', { ref: m[1] })],
  ]);
}

/** A ReplicaError (core/replica/store.ts, repair.ts) in the user's language; as it came when of no known shape. */
export function replicaErrorWords(message: string): string {
  return byShape(message, [
    [/^(.*): a replica must be outside the archive folder (.*) \(on another drive/u, (m) => t('f15b:replica.inside', { path: m[1], archive: m[2] })],
    [/^(.*): its parent folder (.*) does not exist \(/u, (m) => t('f15b:replica.noParent', { path: m[1], parent: m[2] })],
    [/^no replica named (".*") \(this archive has none/u, (m) => t('f15b:replica.noSuchNone', { name: m[1] })],
    [/^no replica named (".*") \(replicas: (.*)\)$/u, (m) => t('f15b:replica.noSuchList', { name: m[1], names: m[2] })],
    [/^(.*): this folder is a replica of another archive \((.*)\); this archive is (.*)\. Choose/u, (m) => t('f15b:replica.otherArchive', { path: m[1], other: m[2], id: m[3] })],
    [/^(.*): the folder is not empty and is not a replica of this archive \(no (.*)\)/u, (m) => t('f15b:replica.notEmpty', { path: m[1], marker: m[2] })],
    [/^a replica named (".*") already exists/u, (m) => t('f15b:replica.nameExists', { name: m[1] })],
    [/^(.*) is already replica (".*")$/u, (m) => t('f15b:replica.already', { path: m[1], name: m[2] })],
    [/^give the replica a name with --name$/u, () => t('f15b:replica.noName')],
    [/^replica name (".*"): use up to/u, (m) => t('f15b:replica.badName', { name: m[1] })],
    [/^--from (.*): neither a replica of this archive \((.*)\) nor an existing file$/u, (m) => t('f15b:replica.fromNeither', { from: m[1], names: m[2] === 'it has none' ? t('f15b:replica.fromNone') : m[2] })],
    [/^--from (.*): not a file$/u, (m) => t('f15b:replica.fromNotFile', { from: m[1] })],
    [/^replica (".*"): folder (.*) is not there \(/u, (m) => t('f15b:replica.absent', { name: m[1], path: m[2] })],
    [/^replica (".*"): folder (.*) has no (\S+): it is not this archive's replica/u, (m) => t('f15b:replica.noMarker', { name: m[1], path: m[2], marker: m[3] })],
    [/^replica (".*"): folder (.*) holds a replica of another archive \((.*)\), not of this one \((.*)\)$/u, (m) => t('f15b:replica.wrongArchive', { name: m[1], path: m[2], other: m[3], id: m[4] })],
    [/^this archive has no replica to repair from/u, () => t('f15b:replica.noSource')],
    [/^(.*): not a folder$/u, (m) => t('f15b:replica.notFolder', { path: m[1] })],
  ]) ?? message;
}

/**
 * Why `replica sync` could not copy one object (core/replica/sync.ts SyncReport.failed[].reason)
 * in the user's language: the archive's own copy missing or damaged, a system error (errnoWords);
 * as it came otherwise.
 */
export function syncReasonWords(reason: string, itemId: number): string {
  return byShape(reason, [
    [/^the archive's own copy is missing/u, () => t('f15b:replica.ownMissing', { id: itemId })],
    [/^the archive's own copy is damaged \(SHA-256 found ([0-9a-f]+)\)/u, (m) => t('f15b:replica.ownDamaged', { id: itemId, found: m[1] })],
  ]) ?? errnoWords({ message: reason }) ?? reason;
}
