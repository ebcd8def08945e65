// Cards and reels (issue 14 §1): each ingest run records the volume its files came from, so two
// cards with the same folder names ingested one after the other from the same mount point stay
// two reels, and what was on one card can be listed and compared against the card itself.
// A sighting ingested before this version has no reel (reel_id NULL): nothing recorded which card
// it came from, and guessing would put a false fact into the record.
export const sql = `
CREATE TABLE reels (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- how the name was chosen: 'given' (--reel), 'volume' (label/UUID of the file system), 'folder'
  name_source TEXT NOT NULL CHECK (name_source IN ('given', 'volume', 'folder')),
  volume_label TEXT,
  volume_uuid TEXT,
  -- the card's root folder at its first ingest: display form, and its exact bytes
  root_path TEXT NOT NULL,
  root_bytes BLOB NOT NULL,
  -- the camera card's own identity, when its folders give one (reels/card.ts)
  card_kind TEXT,
  card_maker TEXT,
  card_folders TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  created_run TEXT NOT NULL
);
CREATE INDEX reels_uuid ON reels(volume_uuid);
-- Each run that read a reel: where the card was mounted then (so that a file is known by its path
-- below the card root, wherever the card was mounted), the files the run found on it and how many
-- of them ended in no sighting (failed, or not processed; NULL until the run ends), so that
-- 'reel list' can say whether the whole card is in the archive.
CREATE TABLE reel_runs (
  reel_id INTEGER NOT NULL REFERENCES reels(id),
  run_id TEXT NOT NULL,
  root_path TEXT NOT NULL,
  root_bytes BLOB NOT NULL,
  started_at TEXT NOT NULL,
  files INTEGER,
  missing INTEGER,
  PRIMARY KEY (reel_id, run_id)
);
ALTER TABLE sightings ADD COLUMN reel_id INTEGER REFERENCES reels(id);
CREATE INDEX sightings_reel ON sightings(reel_id);
`;
