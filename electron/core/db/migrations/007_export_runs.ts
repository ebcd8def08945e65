// An export is recorded before anything a recipient could take is finished (issue 11 part 2): one
// export_runs row per run of an export, written with a `dissemination` custody event (stage
// "started") before the bag is written, and moved on as the run goes. The exports table keeps its
// meaning, the sets the archive disseminated: its row is written only when the set is recorded
// complete, so every reader of it (transfer, verify) stays right without a status filter, and its
// NOT NULL tag-manifest digest needs no placeholder while the bag is being written.
//
// status: in_progress (bag being written under work_path; no exports row) → publishing (exports row
// and dissemination events committed; the bag is being moved to out_path, the zip made) →
// complete; or abandoned (what the run had written, and only that, removed). A run left in
// in_progress or publishing by a killed process is finished or abandoned by the next export
// (export/recovery.ts).
export const sql = `
CREATE TABLE export_runs (
  id TEXT PRIMARY KEY,              -- the export id; exports.id once recorded complete
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'publishing', 'complete', 'abandoned')),
  started_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  out_path TEXT NOT NULL,           -- where the finished bag is published
  work_path TEXT NOT NULL,          -- <out>.partial: the bag while it is written (no bagit.txt)
  zip_path TEXT,                    -- <out>.zip when a zip was asked for
  zip_work_path TEXT,               -- <out>.zip.partial
  zip_sha256 TEXT,                  -- recorded (custody stage "zipped") before the zip's rename
  zip_bytes INTEGER,
  ended_at TEXT,
  note TEXT                         -- why abandoned, or what a recovery did
);
`;
