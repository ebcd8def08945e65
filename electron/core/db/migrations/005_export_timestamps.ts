// RFC 3161 time-stamp tokens over exported evidence sets (issue 12): each token a TSA issued over
// an export's tag manifest, kept in the catalog whether or not its bag is still on disk, so a set
// handed over before the documenter was online can have its tokens added later. Each row is
// recorded by a `digital signature generation` custody event (detail.action 'timestamp') carrying
// the token's SHA-256; `evidence verify` cross-checks the two (verify/catalog-timestamps.ts).
export const sql = `
CREATE TABLE export_timestamps (
  id INTEGER PRIMARY KEY,
  export_id TEXT NOT NULL REFERENCES exports(id),
  created_at TEXT NOT NULL,      -- when the token was obtained (the custody event's time)
  actor TEXT NOT NULL,
  tsa TEXT NOT NULL,             -- the TSA's URL
  tsa_name TEXT,
  gen_time TEXT NOT NULL,        -- TSTInfo genTime, ISO 8601 UTC
  serial TEXT NOT NULL,          -- TSTInfo serialNumber, hex
  policy TEXT NOT NULL,          -- TSTInfo policy OID
  imprint_sha256 TEXT NOT NULL,  -- what was time-stamped: the tag manifest's SHA-256, hex
  token BLOB NOT NULL,           -- the full DER TimeStampResp
  token_sha256 TEXT NOT NULL UNIQUE,
  chain_pem TEXT NOT NULL,       -- the TSA certificate and the chain the token carries
  bag_file TEXT                  -- signatures/… written into the bag, or NULL
);
CREATE INDEX export_timestamps_export ON export_timestamps(export_id);
`;
