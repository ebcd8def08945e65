// Replicas (issue 15 §3): second copies of the object store on another drive or a NAS folder, at
// the same content addresses. `replicas` names each one and where it is mounted on this machine
// (the path never leaves the catalog: custody events name a replica by its name); the folder itself
// carries a marker file with the archive's id, so a wrong folder is refused. `replica_objects`
// records, per replica and item, when its copy was written (or found intact and adopted) and what
// the last check of it found: the basis of `replica list` without reading every copy.
export const sql = `
CREATE TABLE replicas (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,               -- absolute folder on this machine
  added_at TEXT NOT NULL,
  last_sync_at TEXT,
  last_verify_at TEXT
);
CREATE TABLE replica_objects (
  replica_id INTEGER NOT NULL REFERENCES replicas(id),
  item_id INTEGER NOT NULL REFERENCES items(id),
  copied_at TEXT NOT NULL,          -- when the verified copy was renamed into place (or adopted)
  verified_at TEXT,                 -- the last check of the copy by SHA-256, when checked
  state TEXT NOT NULL CHECK (state IN ('ok', 'missing', 'altered', 'unreadable')),
  PRIMARY KEY (replica_id, item_id)
) WITHOUT ROWID;
CREATE INDEX replica_objects_item ON replica_objects(item_id);
`;
