// Linking sidecars to their clips after an ingest run, whatever order the files came in: a
// sidecar met before its clip (earlier in the run, or in an earlier run) is linked when the clip
// arrives, and the other way round. Both stay items of their own; the link is a catalog row plus
// a `metadata extraction` custody event on the clip, which also pins the clip's record when the
// sidecar filled in facts the clip lacked (verify holds the record to the last such event).
import { readFileSync, statSync } from 'node:fs';
import { dirname, basename, sep } from 'node:path';
import type { Kind, NormalizedRecord } from '../../common/types.ts';
import { objectPath } from '../objects.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { contentHash } from '../custody/content-hash.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { reindexItem } from '../catalog/fts.ts';
import { applyFacts, readXmpSidecar, type AppliedFact, type SidecarFacts } from './facts.ts';
import { isClipInfo, playlistClips } from './avchd.ts';
import { fileRole, partnerDirs, sidecarLabel, streamClipKey, streamDirOf, type SidecarKind } from './names.ts';
import { readSonyXml } from './sony-xml.ts';

/** A file an ingest run ended with: its item and the source path it was sighted at (display form). */
export interface RunFile {
  itemId: number;
  path: string;
}

/** One link made. */
export interface SidecarLinkMade {
  itemId: number;
  sidecarId: number;
  kind: SidecarKind;
  itemPath: string;
  sidecarPath: string;
  /** Facts the item took from the sidecar, with the source named. */
  applied: AppliedFact[];
  /** Disagreements between the item and the sidecar, and sidecars that could not be read. */
  warnings: string[];
}

/** What linkSidecars did. `warnings` name the file they concern. */
export interface SidecarReport {
  links: SidecarLinkMade[];
  warnings: { path: string; message: string }[];
}

/** What item_sidecars.detail holds (JSON). */
export interface SidecarLinkDetail {
  sidecarName: string;
  itemName: string;
  facts: SidecarFacts | null;
  applied: AppliedFact[];
  warnings: string[];
}

/** A sidecar larger than this is linked but not read: the XML and XMP cameras write are a few KB. */
const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

interface Entry {
  itemId: number;
  path: string;
  kind: Kind;
  sha256: string;
  local: boolean;
}

/** Every sighting in folder `dir` itself (not below it), with its item's kind and digest. */
function sightingsIn(db: Db, dir: string): Omit<Entry, 'local'>[] {
  const lo = dir.endsWith(sep) ? dir : dir + sep;
  // Paths in `dir` sort between "dir/" and "dir0" ("0" follows "/"), so the source_path index serves.
  const hi = lo.slice(0, -1) + String.fromCharCode(sep.charCodeAt(0) + 1);
  const rows = stmt(db, `SELECT s.item_id itemId, s.source_path path, i.kind kind, i.sha256 sha256 FROM sightings s JOIN items i ON i.id = s.item_id
    WHERE s.source_path >= ? AND s.source_path < ?`).all(lo, hi) as Omit<Entry, 'local'>[];
  return rows.filter((r) => dirname(r.path) === dirname(lo + 'x'));
}

function readSidecar(objectsDir: string, sha256: string): Buffer {
  const p = objectPath(objectsDir, sha256);
  const size = statSync(p).size;
  if (size > MAX_SIDECAR_BYTES) throw new Error(`${size} bytes: larger than a camera writes (${MAX_SIDECAR_BYTES} at most are read)`);
  return readFileSync(p);
}

/** The facts a sidecar carries (null for kinds that carry none we use); throws when it cannot be read. */
function sidecarFacts(kind: SidecarKind, bytes: Buffer): SidecarFacts | null {
  if (kind === 'sony-xml') {
    const f = readSonyXml(bytes.toString('utf8'));
    if (!f) throw new Error('not a Sony NonRealTimeMeta document: nothing taken from it');
    return f;
  }
  if (kind === 'xmp') {
    const f = readXmpSidecar(bytes.toString('utf8'));
    if (!f) throw new Error('holds no XMP (rdf:RDF) packet: nothing taken from it');
    return f;
  }
  if (kind === 'avchd-clipinf' && !isClipInfo(bytes)) throw new Error('does not start like AVCHD clip information ("HDMV" and a version)');
  return null;
}

/**
 * Links the sidecars among `files` (the files an ingest run ended with, added or duplicate) to
 * their clips, and the clips among them to sidecars already in the archive, by the names and
 * folders cameras use (names.ts); for each new link, reads the sidecar's facts (Sony XML, XMP),
 * gives the clip those it lacks (facts.ts applyFacts) and appends a `metadata extraction`
 * custody event on the clip naming the sidecar, with the clip record's new recordSha256. A
 * partner from this run is preferred; one from an earlier run is taken only when it is the only
 * candidate and not yet linked to another file of the same kind (two cards with the same folder
 * names, ingested from the same mount point, must not cross-link). Each link is its own
 * transaction. A sidecar that cannot be read is still linked, with a warning. Throws only on
 * SQLite errors.
 */
export function linkSidecars(archive: { db: Db; objectsDir: string }, files: RunFile[], actor: string): SidecarReport {
  const db = archive.db;
  const report: SidecarReport = { links: [], warnings: [] };
  const localKeys = new Set(files.map((f) => `${f.itemId}\0${f.path}`));
  const dirs = new Set(files.flatMap((f) => partnerDirs(f.path)));
  const entries = new Map<string, Entry>();
  for (const dir of dirs) {
    for (const r of sightingsIn(db, dir)) entries.set(`${r.itemId}\0${r.path}`, { ...r, local: localKeys.has(`${r.itemId}\0${r.path}`) });
  }
  const media = new Map<string, Entry[]>();
  const sidecars: { e: Entry; kind: SidecarKind; keys: string[][]; anyKind: boolean }[] = [];
  for (const e of entries.values()) {
    const role = fileRole(e.path);
    if (role.role === 'media') {
      for (const k of role.keys) media.set(k, [...(media.get(k) ?? []), e]);
    } else if (role.kind === 'avchd-playlist') {
      // Each clip a playlist lists is a partner of its own.
      try {
        const streamDir = streamDirOf(e.path);
        sidecars.push({ e, kind: role.kind, keys: playlistClips(readSidecar(archive.objectsDir, e.sha256)).map((c) => [streamClipKey(streamDir, c)]), anyKind: false });
      } catch (err) {
        if (e.local) report.warnings.push({ path: e.path, message: `AVCHD playlist not read, so not linked: ${(err as Error).message}` });
      }
    } else {
      sidecars.push({ e, kind: role.kind, keys: [role.keys], anyKind: role.anyKind });
    }
  }
  const hasKind = (itemId: number, kind: SidecarKind) => stmt(db, 'SELECT 1 FROM item_sidecars WHERE item_id = ? AND kind = ?').get(itemId, kind) !== undefined;
  const isLinked = (sidecarId: number) => stmt(db, 'SELECT 1 FROM item_sidecars WHERE sidecar_id = ?').get(sidecarId) !== undefined;

  // This run's sidecars first, so that a clip they take is no longer free for an older one.
  sidecars.sort((a, b) => Number(b.e.local) - Number(a.e.local));
  for (const s of sidecars) {
    // A clip may be in several playlists; any other kind belongs to one clip.
    const playlist = s.kind === 'avchd-playlist';
    for (const keyChoices of s.keys) {
      let candidates: Entry[] = [];
      for (const k of keyChoices) {
        candidates = (media.get(k) ?? []).filter((m) => m.itemId !== s.e.itemId && (s.anyKind || m.kind === 'video'));
        if (candidates.length) break;
      }
      let chosen: Entry[];
      if (s.e.local) {
        const local = candidates.filter((c) => c.local);
        chosen = local.length ? local : candidates.filter((c) => playlist || !hasKind(c.itemId, s.kind));
      } else {
        if (!playlist && isLinked(s.e.itemId)) continue;
        chosen = candidates.filter((c) => c.local && (playlist || !hasKind(c.itemId, s.kind)));
      }
      const items = [...new Map(chosen.map((c) => [c.itemId, c])).values()];
      if (items.length > 1 && !items.every((c) => c.local)) {
        const where = s.e.local ? s.e.path : items.find((c) => c.local)?.path ?? s.e.path;
        report.warnings.push({ path: where, message: `${sidecarLabel(s.kind)} ${basename(s.e.path)} not linked: ${items.length} different files were ingested at ${items[0]!.path} (cards with the same folder names?); link them by hand` });
        continue;
      }
      for (const clip of items) {
        const made = linkOne(archive, clip, s.e, s.kind, actor);
        if (made) {
          report.links.push(made);
          for (const w of made.warnings) report.warnings.push({ path: clip.path, message: w });
        }
      }
    }
  }
  return report;
}

/** One link in one transaction: the row, the clip's record, its custody event. Null when it existed. */
function linkOne(archive: { db: Db; objectsDir: string }, clip: Entry, side: Entry, kind: SidecarKind, actor: string): SidecarLinkMade | null {
  const db = archive.db;
  const name = basename(side.path);
  const label = `${sidecarLabel(kind)} ${name}`;
  let facts: SidecarFacts | null = null;
  const warnings: string[] = [];
  try {
    facts = sidecarFacts(kind, readSidecar(archive.objectsDir, side.sha256));
  } catch (e) {
    warnings.push(`${label}: ${(e as Error).message}`);
  }
  return db.transaction((): SidecarLinkMade | null => {
    const now = new Date().toISOString();
    const row = stmt(db, 'SELECT record, raw_metadata FROM items WHERE id = ?').get(clip.itemId) as { record: string; raw_metadata: string | null };
    const before = JSON.parse(row.record) as NormalizedRecord;
    const met = facts ? applyFacts(before, facts, label) : { record: before, applied: [], warnings: [] };
    warnings.push(...met.warnings);
    const detail: SidecarLinkDetail = { sidecarName: name, itemName: basename(clip.path), facts, applied: met.applied, warnings };
    const inserted = stmt(db, 'INSERT OR IGNORE INTO item_sidecars (item_id, sidecar_id, kind, linked_at, detail) VALUES (?, ?, ?, ?, ?)')
      .run(clip.itemId, side.itemId, kind, now, JSON.stringify(detail));
    if (inserted.changes === 0) return null;
    const rec = met.record;
    if (JSON.stringify(rec) !== row.record) {
      const live = rec.gps && !rec.gps.noFix;
      stmt(db, 'UPDATE items SET record = ?, make = ?, model = ?, captured_at = ?, gps_lat = ?, gps_lon = ?, has_gps = ? WHERE id = ?')
        .run(JSON.stringify(rec), rec.make, rec.model, rec.capturedAt, rec.gps?.lat ?? null, rec.gps?.lon ?? null, live ? 1 : 0, clip.itemId);
      if (rec.make !== before.make || rec.model !== before.model) reindexItem(db, clip.itemId);
    }
    appendCustodyEvent(db, { actor, type: 'metadata extraction', item: rec.sha256, at: now, detail: {
      outcome: 'success', action: 'sidecar linked', tool: [sidecarLabel(kind)],
      sidecar: { sha256: side.sha256, kind, name, sourcePath: side.path },
      applied: met.applied, ...(warnings.length ? { sidecarWarnings: warnings } : {}),
      // What verify holds the record and raw metadata to from now on (the last extraction event).
      recordSha256: contentHash(rec), rawSha256: contentHash(row.raw_metadata ? JSON.parse(row.raw_metadata) : {}),
    } });
    return { itemId: clip.itemId, sidecarId: side.itemId, kind, itemPath: clip.path, sidecarPath: side.path, applied: met.applied, warnings };
  })();
}
