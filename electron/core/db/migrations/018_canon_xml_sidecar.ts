// Canon's Cinema EOS cameras write `CONTENTS/CLIPS001/<clip>_CANON.MP4` (or .MXF) with an XML of
// the same name beside it (issue 14 hostile test, f14b §3): a sidecar of its own kind,
// 'canon-xml'. SQLite cannot change a CHECK constraint in place, so item_sidecars is rebuilt with
// the kind added, every link kept as it was.
export const sql = `
CREATE TABLE item_sidecars_018 (
  item_id INTEGER NOT NULL REFERENCES items(id),
  sidecar_id INTEGER NOT NULL REFERENCES items(id),
  kind TEXT NOT NULL CHECK (kind IN ('sony-xml','avchd-clipinf','avchd-playlist','thm','lrv','xmp','canon-xml')),
  linked_at TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (item_id, sidecar_id),
  CHECK (item_id <> sidecar_id)
) WITHOUT ROWID;
INSERT INTO item_sidecars_018 (item_id, sidecar_id, kind, linked_at, detail) SELECT item_id, sidecar_id, kind, linked_at, detail FROM item_sidecars;
DROP TABLE item_sidecars;
ALTER TABLE item_sidecars_018 RENAME TO item_sidecars;
CREATE INDEX item_sidecars_sidecar ON item_sidecars(sidecar_id);
`;
