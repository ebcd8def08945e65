import type { Db } from '../db/open.ts';
import type { Digests } from '../../common/types.ts';
import { contentHash } from '../custody/content-hash.ts';
import { getItemTags } from '../catalog/tagging.ts';
import { legacyDisplayName } from '../ingest/filename.ts';
import type { CatalogProblem, ParsedEvent as Parsed } from './catalog-types.ts';
import { exportsCheck } from './catalog-exports.ts';
import { recordsCheck } from './catalog-records.ts';
import { timestampsCheck } from './catalog-timestamps.ts';

export type { CatalogProblem } from './catalog-types.ts';

interface ItemEvidence {
  ingested: boolean;
  /** The `at` of the item's first ingestion event: its ingested_at. */
  firstIngestAt: string | null;
  /** What the item's `metadata extraction` event recorded besides the hashes (absent keys: none). */
  extraction: { seq: number; warnings: unknown; error: unknown } | null;
  /** The `after` of the item's last tagging event: what its links must be now. */
  tags: unknown;
  digests: Map<string, string>;
  recordSha256: string | null;
  rawSha256: string | null;
}

interface ItemRowRaw {
  id: number;
  sha256: string;
  bytes: number;
  mime: string | null;
  kind: string;
  make: string | null;
  model: string | null;
  captured_at: string | null;
  gps_lat: number | null;
  gps_lon: number | null;
  has_gps: number;
  record: string;
  raw_metadata: string | null;
  metadata_error: string | null;
  warnings: string;
  ingested_at: string;
}

const EMPTY_TAGS = { places: [], people: [], incidents: [], cases: [], tags: [], description: null, notes: null };

/**
 * Cross-checks the catalog against the custody log, which the hash chain protects and the catalog
 * tables are not: the append-only triggers still exist; every item has its ingestion event, and
 * its ingested_at is that of the first one; its stored digests are exactly the union of those its
 * `message digest calculation` events recorded (none changed, none missing, none extra); its
 * normalized record and raw metadata still hash to what its `metadata extraction` event recorded,
 * and its warnings and metadata error are those that event recorded; every sighting matches the
 * ingestion event that created it (path, name, size, mtime, host, operator, ingestion time and
 * run id; the event does not record a sighting's mtime_ns, ino and ctime_ns, which only let a
 * re-run recognise a file it finished, so those are not checked), and every item and sighting the
 * log recorded is still in the catalog; the search columns of items agree with their record; each
 * item's places, people, incidents, cases, tags and notes equal the `after` of its last tagging
 * event; people, places, incidents and cases against their fingerprints (catalog-records.ts);
 * exports and their items against their `dissemination` events (catalog-exports.ts); time-stamp
 * tokens against the events that recorded them (catalog-timestamps.ts).
 * So an edit made directly in SQLite shows up even where it leaves the chain intact.
 * Returns the problems found (empty when all agree). Throws only on SQLite errors.
 */
export function crossCheckCatalog(db: Db): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const triggers = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((r) => r.name));
  for (const t of ['custody_no_update', 'custody_no_delete']) {
    if (!triggers.has(t)) problems.push({ kind: 'catalog', reason: `the append-only trigger ${t} is missing: someone removed the custody log's protection` });
  }

  const byItem = new Map<string, ItemEvidence>();
  const bySighting = new Map<number, Parsed>();
  const parts = [recordsCheck(db), exportsCheck(db), timestampsCheck(db)];
  const ev = (sha: string) => {
    let e = byItem.get(sha);
    if (!e) byItem.set(sha, (e = { ingested: false, firstIngestAt: null, extraction: null, tags: null, digests: new Map(), recordSha256: null, rawSha256: null }));
    return e;
  };
  for (const r of db.prepare('SELECT seq, at, actor, type, item, detail FROM custody_events ORDER BY seq').iterate() as Iterable<Omit<Parsed, 'detail'> & { detail: string }>) {
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(r.detail) as Record<string, unknown>;
    } catch {
      continue; // reported by the chain check
    }
    if (!detail || typeof detail !== 'object') continue;
    const p: Parsed = { ...r, detail };
    for (const part of parts) part.see(p);
    if (!r.item) continue;
    const e = ev(r.item);
    if (r.type === 'ingestion') {
      e.ingested = true;
      e.firstIngestAt ??= r.at;
      if (typeof detail.sighting === 'number') bySighting.set(detail.sighting, p);
    } else if (r.type === 'message digest calculation' && detail.digests && typeof detail.digests === 'object') {
      for (const [alg, v] of Object.entries(detail.digests as Digests)) if (typeof v === 'string') e.digests.set(alg, v);
    } else if (r.type === 'metadata modification' && detail.action === 'tagging' && detail.after !== undefined) {
      e.tags = detail.after;
    } else if (r.type === 'metadata extraction') {
      e.extraction ??= { seq: r.seq, warnings: detail.warnings, error: detail.error };
      if (typeof detail.recordSha256 === 'string') e.recordSha256 = detail.recordSha256;
      if (typeof detail.rawSha256 === 'string') e.rawSha256 = detail.rawSha256;
    }
  }

  const digestRows = db.prepare('SELECT algorithm, value FROM digests WHERE item_id = ?');
  const inCatalog = new Set<string>();
  const hasLinkTables = Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'item_places'").get());
  for (const it of db.prepare('SELECT id, sha256, bytes, mime, kind, make, model, captured_at, gps_lat, gps_lon, has_gps, record, raw_metadata, metadata_error, warnings, ingested_at FROM items ORDER BY id').iterate() as Iterable<ItemRowRaw>) {
    const where = `item ${it.id} (${it.sha256})`;
    inCatalog.add(it.sha256);
    const e = byItem.get(it.sha256);
    if (!e?.ingested) {
      problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: no ingestion event in the custody log for this item` });
      continue;
    }
    // The item's digests are exactly the union of what its `message digest calculation` events recorded.
    const held = new Set<string>();
    for (const d of digestRows.all(it.id) as { algorithm: string; value: string }[]) {
      held.add(d.algorithm);
      const logged = e.digests.get(d.algorithm);
      if (logged !== d.value) {
        problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: catalog ${d.algorithm} ${d.value} differs from the digest the custody log recorded (${logged ?? 'none'})` });
      }
    }
    for (const [alg, value] of e.digests) {
      if (!held.has(alg)) problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: the custody log recorded its ${alg} digest ${value}, but the catalog holds no ${alg} digest (deleted?)` });
    }
    // When the item was taken in, and what its metadata extraction warned of or failed with.
    const off: string[] = [];
    if (e.firstIngestAt !== null && it.ingested_at !== e.firstIngestAt) off.push(`ingested_at ${JSON.stringify(it.ingested_at)} in the catalog, ${JSON.stringify(e.firstIngestAt)} in the first ingestion event`);
    if (e.extraction) {
      let warnings: unknown;
      try {
        warnings = JSON.parse(it.warnings);
      } catch {
        warnings = it.warnings;
      }
      const loggedWarnings = e.extraction.warnings ?? [];
      if (JSON.stringify(warnings) !== JSON.stringify(loggedWarnings)) off.push(`warnings ${JSON.stringify(warnings)} in the catalog, ${JSON.stringify(loggedWarnings)} in custody row ${e.extraction.seq}`);
      const loggedError = e.extraction.error ?? null;
      if (it.metadata_error !== loggedError) off.push(`metadata_error ${JSON.stringify(it.metadata_error)} in the catalog, ${JSON.stringify(loggedError)} in custody row ${e.extraction.seq}`);
    }
    if (off.length) problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: differs from its ingestion and metadata extraction events: ${off.join(', ')}` });
    let record: Record<string, unknown> | null = null;
    try {
      record = JSON.parse(it.record) as Record<string, unknown>;
    } catch {
      problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: normalized record is not valid JSON` });
    }
    if (record && (record.sha256 !== it.sha256 || record.bytes !== it.bytes)) {
      problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: normalized record names another content (sha256 ${String(record.sha256)}, ${String(record.bytes)} bytes)` });
    }
    if (record) {
      // The filter columns are copies of the record for indexing; a filter must select by what the record says.
      const gps = record.gps as { lat: number; lon: number; noFix?: boolean } | null;
      const expect: [string, unknown, unknown][] = [
        ['mime', it.mime, record.mime], ['kind', it.kind, record.kind], ['make', it.make, record.make], ['model', it.model, record.model],
        ['captured_at', it.captured_at, record.capturedAt], ['gps_lat', it.gps_lat, gps?.lat ?? null], ['gps_lon', it.gps_lon, gps?.lon ?? null],
        ['has_gps', it.has_gps, gps && !gps.noFix ? 1 : 0],
      ];
      const cols = expect.filter(([, col, rec]) => (col ?? null) !== (rec ?? null)).map(([name, col, rec]) => `${name} ${JSON.stringify(col)} (record: ${JSON.stringify(rec)})`);
      if (cols.length) problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: search columns disagree with the normalized record: ${cols.join(', ')}` });
    }
    if (hasLinkTables) {
      const now = getItemTags(db, it.id);
      const logged = e.tags ?? EMPTY_TAGS;
      if (JSON.stringify(now) !== JSON.stringify(logged)) {
        problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: places, people, incidents, cases, tags or notes differ from the last metadata modification in the custody log (now ${JSON.stringify(now)}, logged ${JSON.stringify(logged)})` });
      }
    }
    if (record && e.recordSha256 && contentHash(record) !== e.recordSha256) {
      problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: normalized record was changed after ingest (its hash no longer matches the metadata extraction event)` });
    }
    if (e.rawSha256) {
      let raw: unknown = null;
      try {
        raw = it.raw_metadata ? JSON.parse(it.raw_metadata) : {};
      } catch {
        raw = undefined;
      }
      if (raw === undefined || contentHash(raw) !== e.rawSha256) {
        problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: raw metadata was changed after ingest (its hash no longer matches the metadata extraction event)` });
      }
    }
  }

  const sightingIds = new Set<number>();
  for (const s of db.prepare('SELECT s.id, s.source_path, s.file_name, s.path_bytes, s.bytes, s.mtime, s.operator, s.host, s.ingested_at, s.run_id, i.sha256 FROM sightings s JOIN items i ON i.id = s.item_id ORDER BY s.id').iterate() as Iterable<{ id: number; source_path: string; file_name: string; path_bytes: Buffer | null; bytes: number; mtime: string | null; operator: string; host: string; ingested_at: string; run_id: string; sha256: string }>) {
    sightingIds.add(s.id);
    const p = bySighting.get(s.id);
    const where = `sighting ${s.id} (${s.source_path})`;
    if (!p) {
      problems.push({ kind: 'catalog', sha256: s.sha256, reason: `${where}: no ingestion event recorded it` });
      continue;
    }
    const d = p.detail;
    const diffs: string[] = [];
    if (p.item !== s.sha256) diffs.push(`item ${p.item} in the log`);
    if (d.sourcePath !== s.source_path) diffs.push(`path ${String(d.sourcePath)} in the log`);
    if (d.fileName !== s.file_name) diffs.push(`name ${String(d.fileName)} in the log`);
    // The path's bytes, which a resumed ingest matches files by, must be those the log names: its
    // sourcePathBytes, or else the bytes its sourcePath text stands for (an older version's text
    // may stand for two; either is consistent with it).
    if (s.path_bytes !== null && typeof d.sourcePath === 'string') {
      const consistent = typeof d.sourcePathBytes === 'string' ? Buffer.from(d.sourcePathBytes, 'base64').equals(s.path_bytes) : legacyDisplayName(s.path_bytes) === d.sourcePath;
      if (!consistent) diffs.push(`path bytes ${s.path_bytes.toString('base64')} (base64) not those of the path in the log`);
    }
    if (d.bytes !== s.bytes) diffs.push(`size ${String(d.bytes)} in the log`);
    if ((d.mtime ?? null) !== s.mtime) diffs.push(`mtime ${String(d.mtime)} in the log`);
    if (d.host !== s.host) diffs.push(`host ${String(d.host)} in the log`);
    if (p.actor !== s.operator) diffs.push(`operator ${p.actor} in the log`);
    // The event's time is the sighting's ingestion time (both are set from one clock reading).
    if (p.at !== s.ingested_at) diffs.push(`ingested_at ${p.at} in the log (catalog: ${s.ingested_at})`);
    if (d.runId !== s.run_id) diffs.push(`run_id ${String(d.runId)} in the log (catalog: ${s.run_id})`);
    if (diffs.length) problems.push({ kind: 'catalog', sha256: s.sha256, reason: `${where}: differs from custody row ${p.seq}: ${diffs.join(', ')}` });
  }

  // The other direction: what the log says was ingested must still be in the catalog.
  for (const [sha, e] of byItem) {
    if (e.ingested && !inCatalog.has(sha)) problems.push({ kind: 'catalog', sha256: sha, reason: `item ${sha}: ingested according to the custody log, but missing from the catalog (deleted?)` });
  }
  for (const [id, p] of bySighting) {
    if (!sightingIds.has(id) && inCatalog.has(p.item ?? '')) problems.push({ kind: 'catalog', sha256: p.item ?? undefined, reason: `sighting ${id} (${String(p.detail.sourcePath)}): recorded by custody row ${p.seq}, but missing from the catalog (deleted?)` });
  }

  for (const part of parts) part.check(problems);
  return problems;
}

