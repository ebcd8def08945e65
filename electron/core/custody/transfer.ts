// Transfer of custody: who received which exported evidence set, when, identified by the bag's
// tag-manifest SHA-256 (which pins every payload digest through manifest-sha256.txt).
import { existsSync } from 'node:fs';
import type { CustodyEvent } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { verifyBag, type BagProblem } from '../verify/bag.ts';
import { appendCustodyEvent } from './log.ts';

export interface TransferResult {
  exportId: string;
  recipient: string;
  tagManifestSha256: string;
  /** True when the bag was still on disk and verifyBag found it valid with the recorded tag-manifest SHA-256. */
  bagVerified: boolean;
  /** Why the bag was not verified (it is no longer on disk); absent when bagVerified. */
  reason?: string;
  items: number;
  event: CustodyEvent;
}

/** The bag of an export no longer passes verification: the transfer is refused and nothing is recorded. */
export class BagInvalidError extends Error {
  constructor(
    readonly exportId: string,
    readonly bagDir: string,
    /** Every problem found, as verifyBag reports them (plus a tag-manifest mismatch, if any). */
    readonly problems: BagProblem[],
  ) {
    super(`export ${exportId}: the bag at ${bagDir} no longer verifies (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
      `${problems.map((p) => [p.file, p.reason].filter(Boolean).join(': ')).join('; ')}; re-export before handing it over`);
    this.name = 'BagInvalidError';
  }
}

/** Why a run that is not complete cannot be transferred (export_runs.status, migration 005). */
const RUN_STATUS_TEXT: Record<string, string> = {
  in_progress: 'was never completed: it is in progress, or was interrupted before the archive recorded it (run `evidence export` to clean it up)',
  publishing: 'is recorded but its bag or zip was not yet put in place (interrupted; the next `evidence export` or `evidence transfer` finishes it)',
  abandoned: 'was abandoned before it was finished, so no set of it was handed out',
};

/**
 * Records that export `exportId` was handed to `recipient` by `actor`: one archive-wide PREMIS
 * `transfer` custody event (recipient, export id, tag-manifest SHA-256 from the exports table,
 * Payload-Oxum, item digests, what was checked, optional note) and one `transfer` event per item,
 * in one transaction.
 *
 * When the bag folder is still on disk it is verified in full first (verifyBag: every payload and
 * tag file against the manifests, Payload-Oxum, the custody excerpt, items.json), and its
 * tagmanifest-sha256.txt must still hash to the value recorded at export; the event then carries
 * `bagVerified: true`. When the folder is gone (moved to the recipient's medium, deleted), the
 * event carries `bagVerified: false` and a `reason`, and the transfer rests on the recorded hash.
 *
 * Throws BagInvalidError (nothing recorded) when the bag on disk has any problem; Error for an
 * unknown export, an export whose run is not complete (export_runs: in progress, being published,
 * abandoned), an empty recipient, or a bag folder that exists but cannot be read.
 */
export async function recordTransfer(db: Db, opts: { exportId: string; recipient: string; actor: string; note?: string; at?: string }): Promise<TransferResult> {
  const recipient = opts.recipient.trim();
  if (!recipient) throw new Error('transfer: name the recipient');
  const exp = db.prepare('SELECT id, out_path, zip_path, tagmanifest_sha256, payload_oxum FROM exports WHERE id = ?').get(opts.exportId) as
    | { id: string; out_path: string; zip_path: string | null; tagmanifest_sha256: string; payload_oxum: string }
    | undefined;
  const run = db.prepare('SELECT status FROM export_runs WHERE id = ?').get(opts.exportId) as { status: string } | undefined;
  if (run && run.status !== 'complete') {
    throw new Error(`export ${opts.exportId}: ${RUN_STATUS_TEXT[run.status] ?? `status ${run.status}`}; only a complete export can be transferred`);
  }
  if (!exp) throw new Error(`export ${opts.exportId}: no such export (see \`evidence log --json\` for dissemination events)`);
  let bagVerified = false;
  let reason: string | undefined;
  if (existsSync(exp.out_path)) {
    const report = await verifyBag(exp.out_path);
    const problems = [...report.problems];
    // A bag can be valid yet not the one exported (its tag files edited and the manifests redone).
    if (report.tagManifestSha256 !== exp.tagmanifest_sha256) {
      problems.push({ file: 'tagmanifest-sha256.txt', reason: report.tagManifestSha256 === null ? 'missing; it was written at export'
        : `SHA-256 ${report.tagManifestSha256}, but ${exp.tagmanifest_sha256} was recorded at export: the bag changed since` });
    }
    if (problems.length) throw new BagInvalidError(exp.id, exp.out_path, problems);
    bagVerified = true;
  } else {
    reason = `bag folder ${exp.out_path} is no longer on disk; the transfer rests on the tag-manifest SHA-256 recorded at export`;
  }
  const items = (db.prepare('SELECT i.sha256 FROM export_items e JOIN items i ON i.id = e.item_id WHERE e.export_id = ? ORDER BY e.path').all(exp.id) as { sha256: string }[]).map((r) => r.sha256);
  const at = opts.at ?? new Date().toISOString();
  const event = db.transaction(() => {
    for (const sha of items) {
      appendCustodyEvent(db, { actor: opts.actor, type: 'transfer', item: sha, at, detail: { outcome: 'success', recipient, exportId: exp.id, tagManifestSha256: exp.tagmanifest_sha256 } });
    }
    return appendCustodyEvent(db, {
      actor: opts.actor, type: 'transfer', item: null, at,
      detail: {
        outcome: 'success', recipient, exportId: exp.id, tagManifestSha256: exp.tagmanifest_sha256, payloadOxum: exp.payload_oxum,
        bagDir: exp.out_path, zipPath: exp.zip_path, bagVerified, ...(reason ? { reason } : {}), items, ...(opts.note ? { note: opts.note } : {}),
      },
    });
  })();
  return { exportId: exp.id, recipient, tagManifestSha256: exp.tagmanifest_sha256, bagVerified, ...(reason ? { reason } : {}), items: items.length, event };
}
