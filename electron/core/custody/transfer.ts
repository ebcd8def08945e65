// Transfer of custody: who received which exported evidence set, when, identified by the bag's
// tag-manifest SHA-256 (which pins every payload digest through manifest-sha256.txt).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CustodyEvent } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { appendCustodyEvent } from './log.ts';

export interface TransferResult {
  exportId: string;
  recipient: string;
  tagManifestSha256: string;
  /** True when the bag was still on disk and its tag manifest matched the recorded hash. */
  bagChecked: boolean;
  items: number;
  event: CustodyEvent;
}

/**
 * Records that export `exportId` was handed to `recipient` by `actor`: one archive-wide PREMIS
 * `transfer` custody event (recipient, export id, tag-manifest SHA-256 from the exports table,
 * Payload-Oxum, item digests, optional note) and one `transfer` event per item, in one
 * transaction. When the bag folder still exists, its tagmanifest-sha256.txt is hashed first and a
 * mismatch refuses the transfer (the set changed since export). Throws Error for an unknown
 * export, an empty recipient, or that mismatch.
 */
export function recordTransfer(db: Db, opts: { exportId: string; recipient: string; actor: string; note?: string; at?: string }): TransferResult {
  const recipient = opts.recipient.trim();
  if (!recipient) throw new Error('transfer: name the recipient');
  const exp = db.prepare('SELECT id, out_path, zip_path, tagmanifest_sha256, payload_oxum FROM exports WHERE id = ?').get(opts.exportId) as
    | { id: string; out_path: string; zip_path: string | null; tagmanifest_sha256: string; payload_oxum: string }
    | undefined;
  if (!exp) throw new Error(`export ${opts.exportId}: no such export (see \`evidence log --json\` for dissemination events)`);
  const tm = join(exp.out_path, 'tagmanifest-sha256.txt');
  let bagChecked = false;
  if (existsSync(tm)) {
    const found = createHash('sha256').update(readFileSync(tm)).digest('hex');
    if (found !== exp.tagmanifest_sha256) {
      throw new Error(`export ${exp.id}: ${tm} has SHA-256 ${found}, but ${exp.tagmanifest_sha256} was recorded at export: the bag changed since; re-export before handing it over`);
    }
    bagChecked = true;
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
        bagDir: exp.out_path, zipPath: exp.zip_path, bagChecked, items, ...(opts.note ? { note: opts.note } : {}),
      },
    });
  })();
  return { exportId: exp.id, recipient, tagManifestSha256: exp.tagmanifest_sha256, bagChecked, items: items.length, event };
}
