// Content Credentials in the catalog (issue 14 §3): the item_credentials row of each item
// (migration 015), the trust anchors in settings, and the custody events (PREMIS "validation")
// that record each validation. The original file is only ever read.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CredentialReport, CredentialVerdict } from '../../common/c2pa.ts';
import type { Db } from '../db/open.ts';
import { getSetting } from '../db/settings.ts';
import { stmt } from '../db/stmt.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { C2paScan } from './read.ts';
import { credentialReport } from './report.ts';
import { parseTrustAnchors, type TrustAnchor } from './trust.ts';

const TRUST_KEY = 'c2pa.trust_anchors';

/** The configured trust anchors (settings `c2pa.trust_anchors`), oldest first; [] when none. Throws SyntaxError on a setting that is not JSON. */
export function listTrustAnchors(db: Db): TrustAnchor[] {
  const v = getSetting(db, TRUST_KEY);
  return v === null ? [] : (JSON.parse(v) as TrustAnchor[]);
}

function saveTrustAnchors(db: Db, anchors: TrustAnchor[]): void {
  stmt(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(TRUST_KEY, JSON.stringify(anchors));
}

/**
 * Adds the certificates of PEM file `file` to the trust anchors (one already held is not added
 * twice) and records the change as an archive-wide custody event (metadata modification, action
 * "credentials trust add"). Returns the anchors added. Throws Error naming the file when it cannot
 * be read or holds no certificate.
 */
export function addTrustAnchors(db: Db, file: string, actor: string): TrustAnchor[] {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const now = new Date().toISOString();
  const parsed = parseTrustAnchors(pem, basename(file), now);
  return db.transaction(() => {
    const held = listTrustAnchors(db);
    const added = parsed.filter((a, i) => !held.some((h) => h.sha256 === a.sha256) && parsed.findIndex((p) => p.sha256 === a.sha256) === i);
    if (added.length) {
      saveTrustAnchors(db, [...held, ...added]);
      appendCustodyEvent(db, { actor, type: 'metadata modification', item: null, at: now, detail: {
        outcome: 'success', action: 'credentials trust add', anchors: added.map((a) => ({ subject: a.subject, sha256: a.sha256, source: a.source })),
      } });
    }
    return added;
  })();
}

/**
 * Removes the trust anchor whose SHA-256 fingerprint starts with `ref` (at least 8 hex digits)
 * and records it (metadata modification, "credentials trust remove"). Returns the anchor removed.
 * Throws Error when `ref` matches none or several.
 */
export function removeTrustAnchor(db: Db, ref: string, actor: string): TrustAnchor {
  const r = ref.trim().toLowerCase().replaceAll(':', '');
  if (!/^[0-9a-f]{8,64}$/u.test(r)) throw new Error(`${ref}: give the anchor's SHA-256 fingerprint (at least 8 hex digits), as \`credentials trust list\` prints it`);
  return db.transaction(() => {
    const held = listTrustAnchors(db);
    const hits = held.filter((a) => a.sha256.startsWith(r));
    if (hits.length !== 1) throw new Error(hits.length ? `${ref}: matches ${hits.length} trust anchors; give more digits` : `${ref}: no such trust anchor`);
    const gone = hits[0]!;
    saveTrustAnchors(db, held.filter((a) => a !== gone));
    appendCustodyEvent(db, { actor, type: 'metadata modification', item: null, detail: {
      outcome: 'success', action: 'credentials trust remove', anchors: [{ subject: gone.subject, sha256: gone.sha256, source: gone.source }],
    } });
    return gone;
  })();
}

/** An item's stored credentials: the latest report and the manifest store bytes. */
export interface StoredCredentials {
  verdict: CredentialVerdict;
  report: CredentialReport;
  store: Buffer | null;
  validatedAt: string;
}

/** The item's stored credentials, or null when it was never checked (ingested before migration 015). */
export function getCredentials(db: Db, itemId: number): StoredCredentials | null {
  const r = stmt(db, 'SELECT verdict, store, report, validated_at FROM item_credentials WHERE item_id = ?').get(itemId) as
    | { verdict: CredentialVerdict; store: Buffer | null; report: string; validated_at: string } | undefined;
  return r ? { verdict: r.verdict, report: JSON.parse(r.report) as CredentialReport, store: r.store, validatedAt: r.validated_at } : null;
}

/** Verdicts of many items at once (absent from the map: never checked). */
export function credentialVerdicts(db: Db, itemIds: readonly number[]): Map<number, CredentialVerdict> {
  const out = new Map<number, CredentialVerdict>();
  const q = stmt(db, 'SELECT verdict FROM item_credentials WHERE item_id = ?');
  for (const id of itemIds) {
    const v = q.pluck().get(id) as CredentialVerdict | undefined;
    if (v) out.set(id, v);
  }
  return out;
}

/** The custody event detail of one validation: the verdict and what it rests on, never the whole report. */
export function validationDetail(rep: CredentialReport, trigger: 'ingest' | 'on demand'): Record<string, unknown> {
  return {
    outcome: rep.verdict, action: 'c2pa validation', trigger, verdict: rep.verdict, codes: rep.codes, trust: rep.trust,
    activeManifest: rep.activeManifest, claimGenerator: rep.claimGenerator, signer: rep.signer?.issuer ?? null, signerSha256: rep.signer?.sha256 ?? null,
    signedAt: rep.signedAt, storeSha256: rep.storeSha256, storeBytes: rep.storeBytes,
    library: `${rep.validator.library} ${rep.validator.version}`, trustList: { name: rep.validator.trustList.name, sha256: rep.validator.trustList.sha256, anchors: rep.validator.trustList.anchors.length },
    ...(rep.error ? { error: rep.error } : {}),
  };
}

/**
 * Records the validation of item `itemId` (SHA-256 `sha256`) from `scan`: computes the report
 * with the archive's trust anchors, replaces the item's item_credentials row (the store bytes
 * kept as read) and appends a custody event (PREMIS "validation") — at ingest only when a store
 * is present (a file without one gets its `absent` row and no event); on demand always.
 * Call inside the transaction that records the item. Returns the report.
 */
export function recordCredentials(db: Db, o: { itemId: number; sha256: string; scan: C2paScan; actor: string; at?: string; trigger: 'ingest' | 'on demand' }): CredentialReport {
  const at = o.at ?? new Date().toISOString();
  const rep = credentialReport(o.scan, listTrustAnchors(db), at);
  stmt(db, `INSERT INTO item_credentials (item_id, verdict, store, store_sha256, report, validated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(item_id) DO UPDATE SET verdict = excluded.verdict, store = excluded.store, store_sha256 = excluded.store_sha256, report = excluded.report, validated_at = excluded.validated_at`)
    .run(o.itemId, rep.verdict, o.scan.store ? Buffer.from(o.scan.store) : null, rep.storeSha256, JSON.stringify(rep), at);
  if (o.trigger === 'on demand' || rep.verdict !== 'absent') {
    appendCustodyEvent(db, { actor: o.actor, type: 'validation', item: o.sha256, at, detail: validationDetail(rep, o.trigger) });
  }
  return rep;
}
