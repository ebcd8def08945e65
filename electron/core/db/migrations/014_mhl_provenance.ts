// Media hash lists found on a card at ingest (issue 14 §2): the generation of an ASC MHL history
// (or a legacy MHL v1.1 file) whose entry each file was checked against, with the creator info that
// history records (tool, version, host, authors, date, process), as provenance of the sighting.
export const sql = `
CREATE TABLE mhl_generations (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,            -- the ingest run that read it
  kind TEXT NOT NULL CHECK (kind IN ('asc-mhl', 'mhl-1.1')),
  folder_path TEXT NOT NULL,       -- the folder the history describes, as seen at ingest
  file_name TEXT NOT NULL,         -- the generation's .mhl file (in ascmhl/ for ASC MHL)
  sequence INTEGER NOT NULL,       -- its generation number (1 for MHL v1.1)
  c4 TEXT,                         -- its C4 ID as the chain records it (ASC MHL)
  chain_status TEXT,               -- ok | mismatch | missing | unlisted (ASC MHL), NULL for MHL v1.1
  creation_date TEXT,
  host_name TEXT,
  tool TEXT,
  tool_version TEXT,
  authors TEXT NOT NULL DEFAULT '[]', -- JSON [{name, email?, phone?, role?}]
  location TEXT,
  comment TEXT,
  process TEXT,
  UNIQUE (run_id, folder_path, file_name)
);
CREATE TABLE sighting_mhl (
  sighting_id INTEGER NOT NULL REFERENCES sightings(id),
  generation_id INTEGER NOT NULL REFERENCES mhl_generations(id),
  entry_path TEXT NOT NULL,        -- the file's path as the history lists it
  outcome TEXT NOT NULL CHECK (outcome IN ('verified', 'mismatch')),
  expected TEXT NOT NULL,          -- JSON {format: value}
  found TEXT NOT NULL,             -- JSON {format: value}
  PRIMARY KEY (sighting_id, generation_id)
) WITHOUT ROWID;
CREATE INDEX sighting_mhl_generation ON sighting_mhl(generation_id);
`;
