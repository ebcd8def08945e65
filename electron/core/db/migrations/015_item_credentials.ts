// C2PA Content Credentials (issue 14 §3): for each item, the manifest store read from its original
// (the JUMBF bytes exactly as they lie in the file: the original itself is never modified) and the
// latest validation report. Every validation is also a custody event (PREMIS "validation"), so
// earlier reports stay in the log when a later one replaces the row. Items checked at ingest that
// carry no store get a row with verdict 'absent' and no store; items ingested before this
// migration have no row (`list --credentials absent` counts them as absent, `show` as not checked).
export const sql = `
CREATE TABLE item_credentials (
  item_id INTEGER PRIMARY KEY REFERENCES items(id),
  verdict TEXT NOT NULL CHECK (verdict IN ('absent','valid-trusted','valid-untrusted','invalid')),
  store BLOB,
  store_sha256 TEXT CHECK (store_sha256 IS NULL OR length(store_sha256) = 64),
  report TEXT NOT NULL,
  validated_at TEXT NOT NULL
);
CREATE INDEX item_credentials_verdict ON item_credentials(verdict, item_id);
`;
