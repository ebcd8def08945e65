// Migration 018 rebuilds item_sidecars to allow the 'canon-xml' kind, keeping every link.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sql as m013 } from '../../electron/core/db/migrations/013_item_sidecars.ts';
import { sql as m018 } from '../../electron/core/db/migrations/018_canon_xml_sidecar.ts';

describe('migration 018', () => {
  it('keeps the links, accepts canon-xml, still refuses an unknown kind, and keeps the index', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY); INSERT INTO items (id) VALUES (1), (2), (3), (4), (5), (6);');
    db.exec(m013);
    const add = db.prepare('INSERT INTO item_sidecars (item_id, sidecar_id, kind, linked_at, detail) VALUES (?, ?, ?, ?, ?)');
    add.run(1, 2, 'sony-xml', '2026-01-01T00:00:00Z', '{"a":1}');
    expect(() => add.run(3, 4, 'canon-xml', '2026-01-01T00:00:00Z', '{}')).toThrow(/CHECK/);
    db.exec(m018);
    expect(db.prepare('SELECT * FROM item_sidecars').all()).toEqual([{ item_id: 1, sidecar_id: 2, kind: 'sony-xml', linked_at: '2026-01-01T00:00:00Z', detail: '{"a":1}' }]);
    const again = db.prepare('INSERT INTO item_sidecars (item_id, sidecar_id, kind, linked_at) VALUES (?, ?, ?, ?)');
    again.run(3, 4, 'canon-xml', '2026-01-02T00:00:00Z');
    expect(() => again.run(5, 6, 'bogus', '2026-01-02T00:00:00Z')).toThrow(/CHECK/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item_sidecars' AND sql IS NOT NULL").pluck().all()).toEqual(['item_sidecars_sidecar']);
    db.close();
  });
});
