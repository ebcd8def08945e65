import type { Db } from '../db/open.ts';
import type { Digests } from '../../common/types.ts';
import { contentHash } from '../custody/content-hash.ts';
import { getItemTags } from '../catalog/tagging.ts';
import { getPerson } from '../catalog/people.ts';
import { personFingerprint } from '../catalog/person-audit.ts';
import { placeFingerprint } from '../catalog/place-audit.ts';
import { getPlace } from '../catalog/places.ts';
import { caseFingerprint, incidentFingerprint } from '../catalog/incident-case-audit.ts';
import { getIncident } from '../catalog/incidents.ts';
import { getCase } from '../catalog/cases.ts';

/** A disagreement between a catalog row and the custody events that recorded it. */
export interface CatalogProblem {
  kind: 'catalog';
  itemId?: number;
  sha256?: string;
  reason: string;
}

interface ItemEvidence {
  ingested: boolean;
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
}

const EMPTY_TAGS = { places: [], people: [], incidents: [], cases: [], tags: [], description: null, notes: null };

interface Parsed {
  seq: number;
  at: string;
  actor: string;
  type: string;
  item: string | null;
  detail: Record<string, unknown>;
}

/**
 * Cross-checks the catalog against the custody log, which the hash chain protects and the catalog
 * tables are not: the append-only triggers still exist; every item has its ingestion event; its
 * stored digests equal those its `message digest calculation` events recorded; its normalized
 * record and raw metadata still hash to what its `metadata extraction` event recorded; every
 * sighting matches the ingestion event that created it (path, name, size, mtime, host,
 * operator, ingestion time and run id; the event does not record a sighting's mtime_ns, ino and
 * ctime_ns, which only let a re-run recognise a file it finished, so those are not checked),
 * and every item and sighting the log recorded is still in the catalog; the search
 * columns of items agree with their record; each item's places, people, incidents, cases, tags
 * and notes equal the `after` of its last tagging event; every person, place, incident and case
 * reference still has the fingerprint its last custody event recorded (personRecord,
 * placeRecords, incidentRecords, caseRecords), none is in the catalog without such an event, and
 * none the log recorded is missing unless its last event recorded the deletion (incidents and
 * cases); every export has its `dissemination` event with the same tag-manifest SHA-256.
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
  const exportsSeen = new Map<string, Parsed>();
  const personPrints = new Map<number, { sha256: string; seq: number }>();
  const placePrints = new Map<string, { sha256: string; seq: number }>();
  // Incidents and cases: the last fingerprint logged per id; null when that event deleted it.
  const incidentPrints = new Map<number, { sha256: string | null; seq: number }>();
  const casePrints = new Map<number, { sha256: string | null; seq: number }>();
  const ev = (sha: string) => {
    let e = byItem.get(sha);
    if (!e) byItem.set(sha, (e = { ingested: false, tags: null, digests: new Map(), recordSha256: null, rawSha256: null }));
    return e;
  };
  for (const r of db.prepare('SELECT seq, at, actor, type, item, detail FROM custody_events ORDER BY seq').iterate() as Iterable<Omit<Parsed, 'detail'> & { detail: string }>) {
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(r.detail) as Record<string, unknown>;
    } catch {
      continue; // reported by the chain check
    }
    const p: Parsed = { ...r, detail };
    if (r.type === 'dissemination' && r.item === null && typeof detail.exportId === 'string') exportsSeen.set(detail.exportId, p);
    const places = detail.placeRecords as Record<string, unknown> | undefined;
    if (r.type === 'metadata modification' && r.item === null && places && typeof places === 'object') {
      for (const [id, sha] of Object.entries(places)) if (typeof sha === 'string') placePrints.set(id, { sha256: sha, seq: r.seq });
    }
    for (const [key, prints] of [['incidentRecords', incidentPrints], ['caseRecords', casePrints]] as const) {
      const recs = detail[key] as Record<string, unknown> | undefined;
      if (r.type !== 'metadata modification' || r.item !== null || !recs || typeof recs !== 'object') continue;
      for (const [id, sha] of Object.entries(recs)) {
        if (/^[1-9]\d*$/.test(id) && (typeof sha === 'string' || sha === null)) prints.set(Number(id), { sha256: sha, seq: r.seq });
      }
    }
    const pr = detail.personRecord as { id?: unknown; sha256?: unknown } | undefined;
    if (r.type === 'metadata modification' && r.item === null && pr && typeof pr.id === 'number' && typeof pr.sha256 === 'string') {
      personPrints.set(pr.id, { sha256: pr.sha256, seq: r.seq });
    }
    if (!r.item) continue;
    const e = ev(r.item);
    if (r.type === 'ingestion') {
      e.ingested = true;
      if (typeof detail.sighting === 'number') bySighting.set(detail.sighting, p);
    } else if (r.type === 'message digest calculation' && detail.digests && typeof detail.digests === 'object') {
      for (const [alg, v] of Object.entries(detail.digests as Digests)) if (typeof v === 'string') e.digests.set(alg, v);
    } else if (r.type === 'metadata modification' && detail.action === 'tagging' && detail.after !== undefined) {
      e.tags = detail.after;
    } else if (r.type === 'metadata extraction') {
      if (typeof detail.recordSha256 === 'string') e.recordSha256 = detail.recordSha256;
      if (typeof detail.rawSha256 === 'string') e.rawSha256 = detail.rawSha256;
    }
  }

  const digestRows = db.prepare('SELECT algorithm, value FROM digests WHERE item_id = ?');
  const inCatalog = new Set<string>();
  const hasLinkTables = Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'item_places'").get());
  for (const it of db.prepare('SELECT id, sha256, bytes, mime, kind, make, model, captured_at, gps_lat, gps_lon, has_gps, record, raw_metadata FROM items ORDER BY id').iterate() as Iterable<ItemRowRaw>) {
    const where = `item ${it.id} (${it.sha256})`;
    inCatalog.add(it.sha256);
    const e = byItem.get(it.sha256);
    if (!e?.ingested) {
      problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: no ingestion event in the custody log for this item` });
      continue;
    }
    for (const d of digestRows.all(it.id) as { algorithm: string; value: string }[]) {
      const logged = e.digests.get(d.algorithm);
      if (logged !== d.value) {
        problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: catalog ${d.algorithm} ${d.value} differs from the digest the custody log recorded (${logged ?? 'none'})` });
      }
    }
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
      const off = expect.filter(([, col, rec]) => (col ?? null) !== (rec ?? null)).map(([name, col, rec]) => `${name} ${JSON.stringify(col)} (record: ${JSON.stringify(rec)})`);
      if (off.length) problems.push({ kind: 'catalog', itemId: it.id, sha256: it.sha256, reason: `${where}: search columns disagree with the normalized record: ${off.join(', ')}` });
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
  for (const s of db.prepare('SELECT s.id, s.source_path, s.file_name, s.bytes, s.mtime, s.operator, s.host, s.ingested_at, s.run_id, i.sha256 FROM sightings s JOIN items i ON i.id = s.item_id ORDER BY s.id').iterate() as Iterable<{ id: number; source_path: string; file_name: string; bytes: number; mtime: string | null; operator: string; host: string; ingested_at: string; run_id: string; sha256: string }>) {
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
    if (d.bytes !== s.bytes) diffs.push(`size ${String(d.bytes)} in the log`);
    if ((d.mtime ?? null) !== s.mtime) diffs.push(`mtime ${String(d.mtime)} in the log`);
    if (d.host !== s.host) diffs.push(`host ${String(d.host)} in the log`);
    if (p.actor !== s.operator) diffs.push(`operator ${p.actor} in the log`);
    // The event's time is the sighting's ingestion time (both are set from one clock reading).
    if (p.at !== s.ingested_at) diffs.push(`ingested_at ${p.at} in the log (catalog: ${s.ingested_at})`);
    if (d.runId !== s.run_id) diffs.push(`run_id ${String(d.runId)} in the log (catalog: ${s.run_id})`);
    if (diffs.length) problems.push({ kind: 'catalog', sha256: s.sha256, reason: `${where}: differs from custody row ${p.seq}: ${diffs.join(', ')}` });
  }

  // People: consent and the sensitive flag decide what a public release shows.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'people'").get()) {
    const seen = new Set<number>();
    for (const { id } of db.prepare('SELECT id FROM people ORDER BY id').all() as { id: number }[]) {
      seen.add(id);
      const logged = personPrints.get(id);
      const person = getPerson(db, id)!;
      if (!logged) problems.push({ kind: 'catalog', reason: `person ${id}: no custody event records this person's addition` });
      else if (personFingerprint(person) !== logged.sha256) {
        problems.push({ kind: 'catalog', reason: `person ${id}: the record (name, dates, residence, consent ${person.consent}, sensitive ${person.sensitive}…) differs from what custody row ${logged.seq} recorded: changed outside Evidence Archive` });
      }
    }
    for (const [id, logged] of personPrints) {
      if (!seen.has(id)) problems.push({ kind: 'catalog', reason: `person ${id}: recorded by custody row ${logged.seq}, but missing from the catalog (deleted?)` });
    }
  }

  // Places: their coordinates name the village a photo is tagged to; their origin decides redaction.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'places'").get()) {
    const seen = new Set<string>();
    for (const { id } of db.prepare('SELECT id FROM places ORDER BY id').all() as { id: string }[]) {
      seen.add(id);
      const logged = placePrints.get(id);
      const place = getPlace(db, id)!;
      if (!logged) problems.push({ kind: 'catalog', reason: `place ${id}: no custody event records this place's addition` });
      else if (placeFingerprint(place) !== logged.sha256) {
        problems.push({ kind: 'catalog', reason: `place ${id}: the record (names, coordinates ${place.lat},${place.lon}, origin ${place.origin}…) differs from what custody row ${logged.seq} recorded: changed outside Evidence Archive` });
      }
    }
    for (const [id, logged] of placePrints) {
      if (!seen.has(id)) problems.push({ kind: 'catalog', reason: `place ${id}: recorded by custody row ${logged.seq}, but missing from the catalog (deleted?)` });
    }
  }

  // Incidents and case references: what an evidence set says happened, when and where, and
  // which criminal case it supports. Deleting one through the program logs a null fingerprint.
  const audited = [
    { noun: 'incident', table: 'incidents', prints: incidentPrints, fingerprint: (id: number) => {
      const i = getIncident(db, id)!;
      return { sha256: incidentFingerprint(i), shown: `title ${JSON.stringify(i.title)}, type ${i.type}, started ${i.startedAt ?? 'none'}, ended ${i.endedAt ?? 'none'}, places ${JSON.stringify(i.placeIds)}, description ${JSON.stringify(i.description)}` };
    } },
    { noun: 'case', table: 'cases', prints: casePrints, fingerprint: (id: number) => {
      const c = getCase(db, id)!;
      return { sha256: caseFingerprint(c), shown: `authority ${JSON.stringify(c.authority)}, case number ${JSON.stringify(c.caseNumber)}, articles ${JSON.stringify(c.articles)}, opened ${c.openedOn ?? 'none'}, description ${JSON.stringify(c.description)}` };
    } },
  ] as const;
  for (const { noun, table, prints, fingerprint } of audited) {
    if (!db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(table)) continue;
    const seen = new Set<number>();
    for (const { id } of db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]) {
      seen.add(id);
      const logged = prints.get(id);
      if (!logged) {
        problems.push({ kind: 'catalog', reason: `${noun} ${id}: no custody event records this ${noun}'s addition (added outside Evidence Archive?)` });
        continue;
      }
      if (logged.sha256 === null) {
        problems.push({ kind: 'catalog', reason: `${noun} ${id}: custody row ${logged.seq} recorded its deletion, but it is in the catalog (put back outside Evidence Archive?)` });
        continue;
      }
      const now = fingerprint(id);
      if (now.sha256 !== logged.sha256) {
        problems.push({ kind: 'catalog', reason: `${noun} ${id}: the record (now ${now.shown}) differs from what custody row ${logged.seq} recorded: changed outside Evidence Archive` });
      }
    }
    for (const [id, logged] of prints) {
      if (!seen.has(id) && logged.sha256 !== null) {
        problems.push({ kind: 'catalog', reason: `${noun} ${id}: recorded by custody row ${logged.seq}, but missing from the catalog, and no custody event records its deletion (deleted outside Evidence Archive?)` });
      }
    }
  }

  // The other direction: what the log says was ingested must still be in the catalog.
  for (const [sha, e] of byItem) {
    if (e.ingested && !inCatalog.has(sha)) problems.push({ kind: 'catalog', sha256: sha, reason: `item ${sha}: ingested according to the custody log, but missing from the catalog (deleted?)` });
  }
  for (const [id, p] of bySighting) {
    if (!sightingIds.has(id) && inCatalog.has(p.item ?? '')) problems.push({ kind: 'catalog', sha256: p.item ?? undefined, reason: `sighting ${id} (${String(p.detail.sourcePath)}): recorded by custody row ${p.seq}, but missing from the catalog (deleted?)` });
  }

  for (const x of db.prepare('SELECT id, tagmanifest_sha256 FROM exports ORDER BY created_at').iterate() as Iterable<{ id: string; tagmanifest_sha256: string }>) {
    const p = exportsSeen.get(x.id);
    if (!p) problems.push({ kind: 'catalog', reason: `export ${x.id}: its dissemination event is missing from the custody log (rows removed?)` });
    else if (p.detail.tagManifestSha256 !== x.tagmanifest_sha256) {
      problems.push({ kind: 'catalog', reason: `export ${x.id}: tag-manifest SHA-256 ${x.tagmanifest_sha256} in the catalog, ${String(p.detail.tagManifestSha256)} in custody row ${p.seq}` });
    }
  }
  return problems;
}

