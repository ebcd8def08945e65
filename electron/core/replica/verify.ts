// `evidence verify --replicas` (issue 15 §3): every copy in every replica re-hashed and compared
// with the SHA-256 the catalog records, problems named by the item's original file name.
import { existsSync } from 'node:fs';
import type { Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { originalNames } from '../custody/readable.ts';
import { archiveId } from '../db/settings.ts';
import { digestFile } from '../ingest/digest.ts';
import { objectPath } from '../objects.ts';
import { notAFile, sameFile, type NotAFile } from '../verify/object-kind.ts';
import { eventCopies, replicaRelativePath } from './named.ts';
import { listReplicas, reachability, replicaObjectPath, setCopyState } from './store.ts';

/** A copy in a replica that is not what the catalog records. */
export interface ReplicaCopyProblem {
  replica: string;
  itemId: number;
  sha256: string;
  /** The item's original file name (its first sighting), or null when the catalog has none. */
  fileName: string | null;
  /** The copy's path relative to the replica's folder, "/"-separated (named.ts replicaRelativePath). */
  path: string;
  /** same-file: the copy is the archive's own object file (same device and inode: a hard link), so no second copy. */
  kind: 'missing' | 'altered' | 'unreadable' | 'same-file' | 'not-a-file';
  /** For `not-a-file` (fixity9 §4): what stands at the copy's place (a symbolic link, a folder…), never followed or read. */
  notAFile?: NotAFile['what'];
  /** For a symbolic link: where it points (the replica's folder written as <replica name>). */
  linkTarget?: string;
  /** SHA-256 found, for `altered`. */
  found?: string;
  /** The reading error, for `unreadable`. */
  error?: string;
}

/** The check of one replica. */
export interface ReplicaCheck {
  replica: string;
  /** False when the folder is absent or is not this archive's replica: nothing was checked. */
  reachable: boolean;
  /** Why it is not reachable. */
  reason?: string;
  /** Copies re-hashed (or found missing). */
  checked: number;
  /** Of them, intact. */
  intact: number;
  problems: ReplicaCopyProblem[];
}

/** What verifyReplicas found. */
export interface ReplicasReport {
  /** True when every replica was reached and every copy in it is intact (also with no replica at all). */
  ok: boolean;
  replicas: ReplicaCheck[];
  /** True when the check was cancelled: the copies after the stop were not checked. */
  interrupted: boolean;
}

/**
 * Checks every replica of `archive` (or only the one named `only`): re-reads every item's copy at
 * its content address from the device and compares its SHA-256 and size with the catalog's;
 * a copy absent is `missing`, one that differs `altered` (with the SHA-256 found), one that
 * cannot be read `unreadable`. A replica that cannot be reached (folder absent, wrong marker)
 * counts as a problem of its own (`reachable: false`). When the archive is writable, records what
 * each copy was found to be (replica_objects, so `replica sync` rewrites the damaged and missing
 * ones) and appends one custody event per replica checked (PREMIS `fixity check`, archive-wide,
 * detail.scope "replica", with the counts and the copies that failed under `failedItems`, each
 * by SHA-256 (`item`), item id, original file name and path in the replica, at most
 * EVENT_COPIES_MAX of them, the rest counted in `failedItemsOmitted`). Throws only SQLite errors.
 */
export async function verifyReplicas(archive: Archive, opts: { actor: string; only?: string; signal?: AbortSignal }): Promise<ReplicasReport> {
  const db = archive.db;
  const id = archiveId(db);
  const nameOf = originalNames(db);
  const items = db.prepare('SELECT id, sha256, bytes FROM items ORDER BY id').all() as { id: number; sha256: string; bytes: number }[];
  const out: ReplicasReport = { ok: true, replicas: [], interrupted: false };
  for (const r of listReplicas(db)) {
    if (opts.only !== undefined && r.name !== opts.only) continue;
    const re = reachability(r, id);
    if (!re.ok) {
      out.replicas.push({ replica: r.name, reachable: false, reason: re.reason, checked: 0, intact: 0, problems: [] });
      out.ok = false;
      continue;
    }
    const check: ReplicaCheck = { replica: r.name, reachable: true, checked: 0, intact: 0, problems: [] };
    const states: { itemId: number; state: ReplicaCopyProblem['kind'] | 'ok'; at: string }[] = [];
    for (const it of items) {
      if (opts.signal?.aborted) {
        out.interrupted = true;
        break;
      }
      const path = replicaObjectPath(r, it.sha256);
      const base = { replica: r.name, itemId: it.id, sha256: it.sha256, fileName: nameOf(it.sha256), path: replicaRelativePath(r, it.sha256) };
      let problem: ReplicaCopyProblem | null = null;
      const other = notAFile(path);
      if (sameFile(path, objectPath(archive.objectsDir, it.sha256))) problem = { ...base, kind: 'same-file' };
      // A link (to the archive's object or anywhere else), a folder, a pipe: no second copy, and never read through (fixity9 §4).
      else if (other) problem = { ...base, kind: 'not-a-file', notAFile: other.what, ...(other.target !== undefined ? { linkTarget: other.target.split(r.path).join(`<${r.name}>`) } : {}) };
      else try {
        const got = digestFile(path, ['sha256'], null, false, true);
        if (got.digests.sha256 !== it.sha256 || got.bytes !== it.bytes) problem = { ...base, kind: 'altered', found: got.digests.sha256 };
      } catch (e) {
        problem = existsSync(path) ? { ...base, kind: 'unreadable', error: (e as Error).message.split(r.path).join(`<${r.name}>`) } : { ...base, kind: 'missing' };
      }
      check.checked++;
      if (problem) check.problems.push(problem);
      else check.intact++;
      states.push({ itemId: it.id, state: problem?.kind ?? 'ok', at: new Date().toISOString() });
    }
    if (check.problems.length) out.ok = false;
    out.replicas.push(check);
    if (archive.writable) {
      db.transaction(() => {
        for (const s of states) {
          // A copy never made is not recorded as checked: "missing" without a row already says so.
          // The archive's own file is no copy in the replica: as missing (`replica sync` writes a copy of its own).
          if (s.state === 'missing' || s.state === 'same-file' || s.state === 'not-a-file') db.prepare('DELETE FROM replica_objects WHERE replica_id = ? AND item_id = ?').run(r.id, s.itemId);
          else setCopyState(db, r.id, s.itemId, s.state, s.at, 'verified');
        }
        db.prepare('UPDATE replicas SET last_verify_at = ? WHERE id = ?').run(new Date().toISOString(), r.id);
        appendCustodyEvent(db, { actor: opts.actor, type: 'fixity check', item: null, detail: {
          scope: 'replica', replica: r.name, outcome: check.problems.length ? 'fail' : out.interrupted ? 'interrupted' : 'pass',
          copiesChecked: check.checked, intact: check.intact,
          missing: check.problems.filter((p) => p.kind === 'missing').length,
          altered: check.problems.filter((p) => p.kind === 'altered').length,
          unreadable: check.problems.filter((p) => p.kind === 'unreadable').length,
          ...(check.problems.some((p) => p.kind === 'same-file') ? { sameFile: check.problems.filter((p) => p.kind === 'same-file').length } : {}),
          ...(check.problems.some((p) => p.kind === 'not-a-file') ? { notAFile: check.problems.filter((p) => p.kind === 'not-a-file').length } : {}),
          ...eventCopies('failedItems', check.problems, (p) => ({ item: p.sha256, itemId: p.itemId, fileName: p.fileName, path: p.path, kind: p.kind, ...(p.found ? { found: p.found } : {}), ...(p.notAFile ? { notAFile: p.notAFile } : {}), ...(p.linkTarget !== undefined ? { linkTarget: p.linkTarget } : {}) })),
        } });
      })();
    }
    if (out.interrupted) break;
  }
  return out;
}
