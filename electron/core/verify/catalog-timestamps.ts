// Cross-check of the export_timestamps table against the `digital signature generation` custody
// events (detail.action 'timestamp') that recorded each RFC 3161 token (timestamp/export.ts).
// Part of crossCheckCatalog (catalog.ts).
import { createHash } from 'node:crypto';
import type { Db } from '../db/open.ts';
import type { CatalogProblem, LogCheck, ParsedEvent } from './catalog-types.ts';

interface TimestampRow {
  id: number;
  export_id: string;
  created_at: string;
  actor: string;
  tsa: string;
  gen_time: string;
  serial: string;
  imprint_sha256: string;
  token: Buffer;
  token_sha256: string;
  bag_file: string | null;
}

const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));

/**
 * Every export_timestamps row is recorded by one 'timestamp' event with the same token SHA-256,
 * export, TSA, genTime, serial, tag-manifest SHA-256, bag file, time and actor, and its stored
 * token still hashes to that SHA-256; every such event still has its row. A catalog without the
 * table (older schema) is not checked.
 */
export function timestampsCheck(db: Db): LogCheck {
  const events = new Map<string, ParsedEvent>();
  return {
    see(p: ParsedEvent) {
      if (p.type === 'digital signature generation' && p.detail.action === 'timestamp' && typeof p.detail.tokenSha256 === 'string') events.set(p.detail.tokenSha256, p);
    },
    check(problems: CatalogProblem[]) {
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'export_timestamps'").get()) return;
      const push = (reason: string) => problems.push({ kind: 'catalog', reason });
      const seen = new Set<string>();
      for (const r of db.prepare('SELECT id, export_id, created_at, actor, tsa, gen_time, serial, imprint_sha256, token, token_sha256, bag_file FROM export_timestamps ORDER BY id').all() as TimestampRow[]) {
        const where = `time-stamp token ${r.id} of export ${r.export_id}`;
        seen.add(r.token_sha256);
        const actual = createHash('sha256').update(r.token).digest('hex');
        if (actual !== r.token_sha256) push(`${where}: the stored token hashes to ${actual}, not to its recorded SHA-256 ${r.token_sha256} (changed in SQLite?)`);
        const p = events.get(r.token_sha256);
        if (!p) {
          push(`${where}: no custody event records it (token SHA-256 ${r.token_sha256}; added outside Evidence Archive?)`);
          continue;
        }
        const d = p.detail;
        const fields: [string, unknown, unknown][] = [
          ['export_id', r.export_id, d.exportId], ['tsa', r.tsa, d.tsa], ['gen_time', r.gen_time, d.genTime], ['serial', r.serial, d.serial],
          ['imprint_sha256', r.imprint_sha256, d.tagManifestSha256], ['bag_file', r.bag_file, d.bagFile ?? null], ['created_at', r.created_at, p.at], ['actor', r.actor, p.actor],
        ];
        const diffs = fields.filter(([, row, logged]) => row !== logged).map(([n, row, logged]) => `${n} ${show(row)} in the catalog, ${show(logged)} in the log`);
        if (diffs.length) push(`${where}: differs from custody row ${p.seq}: ${diffs.join(', ')}`);
      }
      for (const [sha, p] of events) {
        if (!seen.has(sha)) push(`time-stamp token ${sha} of export ${String(p.detail.exportId)}: recorded by custody row ${p.seq}, but missing from the catalog (deleted?)`);
      }
    },
  };
}
