// Redacted derivatives (issue 13 §1): copies of an item made for publication, with metadata
// stripped and faces or drawn regions blurred. The derivative's bytes live in the object store at
// their own content address (objects/sha256/…), like an original, so fixity applies to them too;
// `derivatives` links each one to its original item and records how it was made. `item_regions`
// holds the boxes a person drew on an item for what the face detector missed (a face in profile,
// a licence plate), used by the next redaction of that item.
export const sql = `
CREATE TABLE derivatives (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items(id),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  mime TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('redacted')),
  settings TEXT NOT NULL,           -- JSON: what was asked (strip, blur, mode, date policy, regions) and the tool
  settings_key TEXT NOT NULL,       -- SHA-256 of the canonical settings: the same request finds its derivative
  log_sha256 TEXT CHECK (log_sha256 IS NULL OR length(log_sha256) = 64), -- the detection log, in the object store
  removed TEXT NOT NULL DEFAULT '{}', -- JSON: what was removed (metadata groups and tag names, count of blurred boxes); never values
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX derivatives_item ON derivatives(item_id, created_at);
CREATE INDEX derivatives_sha256 ON derivatives(sha256);
CREATE INDEX derivatives_log ON derivatives(log_sha256);

CREATE TABLE item_regions (
  item_id INTEGER PRIMARY KEY REFERENCES items(id),
  regions TEXT NOT NULL,            -- JSON array of { x, y, w, h, fromSec?, toSec?, label? } in pixels of the upright picture
  updated_at TEXT NOT NULL,
  actor TEXT NOT NULL
);
`;
