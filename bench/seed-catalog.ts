import { createHash } from 'node:crypto';
import { addCase } from '../electron/core/catalog/cases.ts';
import { addIncident } from '../electron/core/catalog/incidents.ts';
import { addPerson } from '../electron/core/catalog/people.ts';
import type { Db } from '../electron/core/db/open.ts';

/** Kinds and place ids the synthetic catalog cycles through. */
export const SYNTH_KINDS = ['image', 'video', 'audio', 'document', 'other'];
export const SYNTH_PLACES = ['kok-tash-batken', 'ak-sai', 'maksat', 'samarkandek', 'batken'];

/**
 * Fills a fresh catalog with `n` synthetic items (rows inserted straight into SQLite in one
 * transaction) and their links, in fixed proportions the filter tests count on: item i has place
 * SYNTH_PLACES[i % 5] when i % 4 == 0, person 1 when i % 50 == 0, incident 1 when i % 70 == 0,
 * case 1 when i % 90 == 0, tag 'школа' (i % 14 == 0) or 'дом' (other i % 7 == 0), GPS when i is
 * odd, make Canon when i % 3 == 0, and the description "Сгоревший дом i" when i % 1000 == 0.
 * With `realistic`, each item also gets a full normalized record (~700 bytes of JSON, as ingest
 * stores) and one sighting with its path's bytes, so that listing it costs what a real archive's
 * does; without it the record is `{}` and there are no sightings (what the filter tests need).
 */
export function seedSyntheticCatalog(db: Db, n: number, opts: { realistic?: boolean } = {}): void {
  const person = addPerson(db, { name: 'Тест Тестов' });
  const incident = addIncident(db, { title: 'Shelling', type: 'shelling' });
  const kase = addCase(db, { authority: 'Prosecutor', caseNumber: '12-345' });
  const item = db.prepare(`INSERT INTO items (id, sha256, bytes, kind, make, model, captured_at, gps_lat, gps_lon, has_gps, record, ingested_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')`);
  const place = db.prepare('INSERT INTO item_places (item_id, place_id) VALUES (?, ?)');
  const ppl = db.prepare("INSERT INTO item_people (item_id, person_id, role) VALUES (?, ?, 'depicts')");
  const inc = db.prepare('INSERT INTO item_incidents (item_id, incident_id) VALUES (?, ?)');
  const cas = db.prepare('INSERT INTO item_cases (item_id, case_id) VALUES (?, ?)');
  const tag = db.prepare('INSERT INTO item_tags (item_id, tag) VALUES (?, ?)');
  const fts = db.prepare('UPDATE items_fts SET description = ? WHERE rowid = ?');
  const sighting = db.prepare(`INSERT INTO sightings (item_id, source_path, file_name, path_bytes, bytes, mtime, mtime_ns, ino, ctime_ns, operator, host, ingested_at, run_id)
    VALUES (?, ?, ?, ?, ?, '2021-05-01T08:00:00.000Z', '1619856000000000000', ?, '1619856000000000000', 'A. Usenova', 'field-laptop', '2026-01-01T00:00:00Z', 'seed')`);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      const sha256 = createHash('sha256').update(String(i)).digest('hex');
      const [kind, make, model, capturedAt] = [SYNTH_KINDS[i % 5]!, i % 3 ? 'Apple' : 'Canon', i % 3 ? 'iPhone 12' : 'EOS 5D', `2021-0${(i % 9) + 1}-${day}T12:00:00`];
      const gps = i % 2 ? { lat: 39.9, lon: 70.5 } : null;
      item.run(i, sha256, i, kind, make, model, capturedAt, gps?.lat ?? null, gps?.lon ?? null, i % 2, opts.realistic ? JSON.stringify(realisticRecord(sha256, i, kind, make, model, capturedAt, gps)) : '{}');
      if (opts.realistic) {
        const name = `IMG_${String(i).padStart(7, '0')}.JPG`;
        const path = `/media/card-${Math.ceil(i / 10_000)}/DCIM/100${make.toUpperCase()}/${name}`;
        sighting.run(i, path, name, Buffer.from(path), i, String(1_000_000 + i));
      }
      if (i % 4 === 0) place.run(i, SYNTH_PLACES[i % 5]);
      if (i % 50 === 0) ppl.run(i, person.id);
      if (i % 70 === 0) inc.run(i, incident.id);
      if (i % 90 === 0) cas.run(i, kase.id);
      if (i % 7 === 0) tag.run(i, i % 14 === 0 ? 'школа' : 'дом');
      if (i % 1000 === 0) fts.run(`Сгоревший дом ${i}`, i);
    }
  })();
}

/** A normalized record (common/types.ts NormalizedRecord) as ingest stores one for a phone photo. */
function realisticRecord(sha256: string, i: number, kind: string, make: string, model: string, capturedAt: string, gps: { lat: number; lon: number } | null): Record<string, unknown> {
  return {
    sha256, bytes: i, mime: kind === 'video' ? 'video/mp4' : 'image/jpeg', kind, make, model,
    serial: null, serialSource: null, capturedAt, capturedAtSource: 'EXIF DateTimeOriginal', capturedAtHasZone: false,
    otherDates: [{ tag: 'EXIF CreateDate', value: capturedAt }, { tag: 'File ModifyDate', value: '2021-05-01T08:00:00Z' }],
    gps: gps ? { ...gps, alt: 812.4, source: 'EXIF GPS IFD' } : null,
    orientation: 1, width: 4032, height: 3024, durationSec: kind === 'video' ? 12.5 : null, codec: kind === 'video' ? 'h264' : null,
  };
}
