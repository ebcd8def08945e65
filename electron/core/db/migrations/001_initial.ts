// The first catalog schema: items, their digests and sightings, the custody log, exports.
// Custody rows are protected by triggers because the log's value is that nobody, including us,
// can rewrite history through the normal API.
export const sql = `
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  mime TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('image','video','audio','document','other')),
  make TEXT,
  model TEXT,
  captured_at TEXT,
  gps_lat REAL,
  gps_lon REAL,
  has_gps INTEGER NOT NULL DEFAULT 0,
  record TEXT NOT NULL,          -- the full normalized record, JSON
  raw_metadata TEXT,             -- verbatim exifr / ffprobe output, JSON
  metadata_error TEXT,
  warnings TEXT NOT NULL DEFAULT '[]',
  ingested_at TEXT NOT NULL
);
CREATE INDEX items_kind ON items(kind);
CREATE INDEX items_captured_at ON items(captured_at);
CREATE INDEX items_has_gps ON items(has_gps);

CREATE TABLE digests (
  item_id INTEGER NOT NULL REFERENCES items(id),
  algorithm TEXT NOT NULL CHECK (algorithm IN ('sha256','sha1','md5')),
  value TEXT NOT NULL,
  PRIMARY KEY (item_id, algorithm)
) WITHOUT ROWID;

CREATE TABLE sightings (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items(id),
  source_path TEXT NOT NULL,     -- absolute path as seen at ingest
  file_name TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  mtime TEXT,                    -- file modification time, UTC ISO 8601
  mtime_ns TEXT,                 -- exact, for recognising an already-ingested file on resume
  operator TEXT NOT NULL,
  host TEXT NOT NULL,
  ingested_at TEXT NOT NULL,
  run_id TEXT NOT NULL
);
CREATE INDEX sightings_item ON sightings(item_id);
CREATE INDEX sightings_source ON sightings(source_path, bytes, mtime_ns);

CREATE TABLE custody_events (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  item TEXT,                     -- sha256 of the item, NULL for archive-wide events
  detail TEXT NOT NULL,          -- JSON
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX custody_item ON custody_events(item);
CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody_events
  BEGIN SELECT RAISE(ABORT, 'custody log is append-only: UPDATE refused'); END;
CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody_events
  BEGIN SELECT RAISE(ABORT, 'custody log is append-only: DELETE refused'); END;

CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  out_path TEXT NOT NULL,
  zip_path TEXT,
  recipient TEXT,
  item_count INTEGER NOT NULL,
  payload_oxum TEXT NOT NULL,
  tagmanifest_sha256 TEXT NOT NULL,
  selection TEXT NOT NULL        -- JSON of the filter that chose the items
);
CREATE TABLE export_items (
  export_id TEXT NOT NULL REFERENCES exports(id),
  item_id INTEGER NOT NULL REFERENCES items(id),
  path TEXT NOT NULL,
  PRIMARY KEY (export_id, item_id)
) WITHOUT ROWID;

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;
