// Cross-check of the exports and export_items tables against the `dissemination` custody events
// that recorded each evidence set (evidence-set.ts: one per item, one for the set). Part of
// crossCheckCatalog (catalog.ts).
import type { Db } from '../db/open.ts';
import { contentHash } from '../custody/content-hash.ts';
import type { CatalogProblem, LogCheck, ParsedEvent } from './catalog-types.ts';

interface ExportRow {
  id: string;
  created_at: string;
  actor: string;
  out_path: string;
  zip_path: string | null;
  recipient: string | null;
  item_count: number;
  payload_oxum: string;
  tagmanifest_sha256: string;
  selection: string;
}

const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));

/** Hash of a JSON text, or null when it is not JSON: compares selections regardless of key order. */
function jsonHash(text: string): string | null {
  try {
    return contentHash(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * Every exports row agrees with its set's `dissemination` event (item null): time, actor, bag
 * folder, zip path, recipient, item count, Payload-Oxum, tag-manifest SHA-256 and selection; its
 * export_items rows name exactly the items the set event and the per-item events name, each at the
 * path, and with the recipient, tag-manifest SHA-256, time and actor, its per-item event recorded.
 * An export the log recorded whose row is gone, and export_items rows of no export, are reported.
 * Export runs (export_runs, issue 11) are checked against their stage events (runsCheck).
 */
export function exportsCheck(db: Db): LogCheck {
  const sets = new Map<string, ParsedEvent>();
  const perItem = new Map<string, Map<string, ParsedEvent>>();
  const runs = runsCheck(db);
  return {
    see(p: ParsedEvent) {
      const id = p.detail.exportId;
      if (p.type !== 'dissemination' || typeof id !== 'string') return;
      if (p.item === null && typeof p.detail.stage === 'string') runs.see(id, p);
      else if (p.item === null) sets.set(id, p);
      else {
        let m = perItem.get(id);
        if (!m) perItem.set(id, (m = new Map()));
        m.set(p.item, p);
      }
    },

    check(problems: CatalogProblem[]) {
      const push = (reason: string) => problems.push({ kind: 'catalog', reason });
      const itemsOf = db.prepare('SELECT e.item_id, e.path, i.sha256 FROM export_items e LEFT JOIN items i ON i.id = e.item_id WHERE e.export_id = ? ORDER BY e.item_id');
      const seen = new Set<string>();
      for (const x of db.prepare('SELECT id, created_at, actor, out_path, zip_path, recipient, item_count, payload_oxum, tagmanifest_sha256, selection FROM exports ORDER BY created_at, id').all() as ExportRow[]) {
        seen.add(x.id);
        const p = sets.get(x.id);
        if (!p) {
          push(`export ${x.id}: its dissemination event is missing from the custody log (rows removed?)`);
          continue;
        }
        const d = p.detail;
        const listed = Array.isArray(d.items) ? (d.items as unknown[]).filter((s): s is string => typeof s === 'string') : [];
        const zip = d.zip as { path?: unknown } | null | undefined;
        const fields: [string, unknown, unknown][] = [
          ['created_at', x.created_at, p.at], ['actor', x.actor, p.actor], ['out_path', x.out_path, d.bagDir], ['zip_path', x.zip_path, zip ? zip.path : null],
          ['recipient', x.recipient, d.recipient ?? null], ['item_count', x.item_count, Array.isArray(d.items) ? d.items.length : undefined],
          ['payload_oxum', x.payload_oxum, d.payloadOxum], ['tagmanifest_sha256', x.tagmanifest_sha256, d.tagManifestSha256],
        ];
        const off = new Set<string>();
        const diffs: string[] = [];
        for (const [name, row, logged] of fields) {
          if (row !== logged) {
            off.add(name);
            diffs.push(`${name} ${show(row)} in the catalog, ${show(logged)} in the log`);
          }
        }
        if (jsonHash(x.selection) !== contentHash(d.selection ?? null)) diffs.push(`selection ${x.selection} in the catalog, ${show(d.selection)} in the log`);
        if (diffs.length) push(`export ${x.id}: differs from its dissemination event, custody row ${p.seq}: ${diffs.join(', ')}`);

        // The items of the set: export_items against the set event's list and the per-item events.
        const logged = perItem.get(x.id) ?? new Map<string, ParsedEvent>();
        const inRows = new Set<string>();
        for (const r of itemsOf.all(x.id) as { item_id: number; path: string; sha256: string | null }[]) {
          const where = `export ${x.id}: item ${r.item_id}`;
          if (r.sha256 === null) {
            push(`${where} is listed in export_items but is not in the catalog`);
            continue;
          }
          inRows.add(r.sha256);
          const ie = logged.get(r.sha256);
          if (!ie || !listed.includes(r.sha256)) {
            push(`${where} (${r.sha256}) is listed in export_items, but the export's dissemination events do not name it (added outside Evidence Archive?)`);
            continue;
          }
          const itemDiffs: string[] = [];
          if (ie.detail.path !== r.path) itemDiffs.push(`path ${show(r.path)} in export_items, ${show(ie.detail.path)} in the log`);
          // Fields of the set row already reported above are not repeated per item.
          const perItemFields: [string, unknown, unknown][] = [
            ['recipient', x.recipient, ie.detail.recipient ?? null], ['tagmanifest_sha256', x.tagmanifest_sha256, ie.detail.tagManifestSha256],
            ['created_at', x.created_at, ie.at], ['actor', x.actor, ie.actor],
          ];
          for (const [name, row, val] of perItemFields) {
            if (!off.has(name) && row !== val) itemDiffs.push(`export ${name} ${show(row)} in the catalog, ${show(val)} in the log`);
          }
          if (itemDiffs.length) push(`${where} (${r.sha256}): differs from its dissemination event, custody row ${ie.seq}: ${itemDiffs.join(', ')}`);
        }
        for (const sha of new Set([...listed, ...logged.keys()])) {
          if (!inRows.has(sha)) push(`export ${x.id}: item ${sha} was disseminated in this set according to custody row ${(logged.get(sha) ?? p).seq}, but export_items does not list it (deleted?)`);
        }
      }
      for (const [id, p] of sets) {
        if (!seen.has(id)) push(`export ${id}: recorded by custody row ${p.seq}, but missing from the exports table (deleted?)`);
      }
      for (const { export_id } of db.prepare('SELECT DISTINCT export_id FROM export_items WHERE export_id NOT IN (SELECT id FROM exports) ORDER BY export_id').all() as { export_id: string }[]) {
        if (!sets.has(export_id)) push(`export ${export_id}: export_items rows name it, but neither the exports table nor the custody log holds it`);
      }
      runs.check(push, seen);
    },
  };
}

interface RunRow {
  id: string; status: string; started_at: string; actor: string; out_path: string; work_path: string;
  zip_path: string | null; zip_work_path: string | null; zip_sha256: string | null; zip_bytes: number | null;
}

/**
 * export_runs against the dissemination events with a `stage` (export/runs.ts): every run has its
 * "started" event with the same time, actor and paths, and every "started" event its run; a run
 * recorded complete (publishing, complete) has its exports row and one still in progress has none;
 * an abandoned run has its "abandoned" event and an "abandoned" event its abandoned run; a zip
 * SHA-256 in the row is the one its "zipped" event recorded, and a complete run that asked for a
 * zip has one.
 */
function runsCheck(db: Db) {
  const started = new Map<string, ParsedEvent>();
  const zipped = new Map<string, ParsedEvent>();
  const abandoned = new Map<string, ParsedEvent>();
  // Runs finished by a later run without their zip (the published bag had been moved away).
  const zipNotMade = new Set<string>();
  return {
    see(id: string, p: ParsedEvent) {
      const stage = p.detail.stage;
      if (stage === 'started') started.set(id, p);
      else if (stage === 'zipped') zipped.set(id, p);
      else if (stage === 'abandoned') abandoned.set(id, p);
      else if (stage === 'finished' && p.detail.zipNotMade === true) zipNotMade.add(id);
    },
    check(push: (reason: string) => void, exportRows: Set<string>) {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'export_runs'").get() !== undefined;
      const rows = hasTable ? db.prepare('SELECT * FROM export_runs ORDER BY started_at, id').all() as RunRow[] : [];
      const ids = new Set(rows.map((r) => r.id));
      for (const r of rows) {
        const where = `export run ${r.id}`;
        const s = started.get(r.id);
        if (!s) {
          push(`${where}: its "started" dissemination event is missing from the custody log`);
        } else {
          const zip = s.detail.zip as { path?: unknown; workPath?: unknown } | null | undefined;
          const fields: [string, unknown, unknown][] = [
            ['started_at', r.started_at, s.at], ['actor', r.actor, s.actor], ['out_path', r.out_path, s.detail.bagDir], ['work_path', r.work_path, s.detail.workDir],
            ['zip_path', r.zip_path, zip ? zip.path : null], ['zip_work_path', r.zip_work_path, zip ? zip.workPath : null],
          ];
          const diffs = fields.filter(([, a, b]) => a !== b).map(([n, a, b]) => `${n} ${show(a)} in the catalog, ${show(b)} in the log`);
          if (diffs.length) push(`${where}: differs from its "started" event, custody row ${s.seq}: ${diffs.join(', ')}`);
        }
        const recorded = exportRows.has(r.id);
        if ((r.status === 'publishing' || r.status === 'complete') && !recorded) push(`${where}: status ${r.status}, but the exports table has no row for it`);
        if (r.status === 'in_progress' && recorded) push(`${where}: status in_progress, but the exports table records it complete`);
        const ab = abandoned.get(r.id);
        if (r.status === 'abandoned' && !ab) push(`${where}: status abandoned, but no "abandoned" event records it`);
        if (r.status !== 'abandoned' && ab) push(`${where}: abandoned according to custody row ${ab.seq}, but its status is ${r.status}`);
        const z = zipped.get(r.id);
        const zd = z?.detail.zip as { path?: unknown; sha256?: unknown; bytes?: unknown } | undefined;
        if (r.zip_sha256 !== null && (!zd || zd.sha256 !== r.zip_sha256 || zd.bytes !== r.zip_bytes || zd.path !== r.zip_path)) {
          push(`${where}: zip SHA-256 ${r.zip_sha256} (${show(r.zip_bytes)} bytes) in the catalog, ${z ? `${show(zd?.sha256)} (${show(zd?.bytes)} bytes) at ${show(zd?.path)} in custody row ${z.seq}` : 'no "zipped" event'} in the log`);
        }
        if (r.zip_sha256 === null && z) push(`${where}: its zip was recorded by custody row ${z.seq}, but the catalog holds no zip SHA-256`);
        if (r.status === 'complete' && r.zip_path !== null && r.zip_sha256 === null && !zipNotMade.has(r.id)) push(`${where}: complete, but the zip it asked for was never recorded`);
      }
      for (const [id, p] of started) {
        if (!ids.has(id)) push(`export run ${id}: started according to custody row ${p.seq}, but missing from export_runs (deleted?)`);
      }
    },
  };
}
