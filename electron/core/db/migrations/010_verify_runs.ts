// Fixity at terabyte scale (issue 15 §2): a fixity check run keeps its selection and progress in
// the catalog, so an interrupted run (Ctrl-C, kill -9, power loss) continues where it stopped, and
// each item's last check is kept so `verify --older-than 90d` picks the items not checked lately.
//
// verify_runs: one row per run. state 'open' while it runs or waits to be resumed; 'done' once its
// one `fixity check` custody event is appended (event_seq); 'abandoned' when the user started
// afresh (its findings so far were recorded then, in an event of outcome "interrupted").
// verify_run_items: the run's selection, fixed when it starts (a random sample stays the same
// sample on resume), one row per item in the order it is checked; outcome NULL until checked. The
// rows stay after the run: they are the leaves of its Merkle root (docs/fixity-runs.md), so the
// root can be recomputed and an item's inclusion proven.
// item_fixity: each item's last recorded check. Filled here from the per-item `fixity check`
// events older versions appended (outcome read from the event's finding or reason).
export const sql = `
CREATE TABLE verify_runs (
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('open', 'done', 'abandoned')),
  actor TEXT NOT NULL,
  scope TEXT NOT NULL,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT,
  sessions INTEGER NOT NULL DEFAULT 1,
  items_selected INTEGER NOT NULL,
  bytes_selected INTEGER NOT NULL,
  merkle_root TEXT,
  event_seq INTEGER
);
CREATE INDEX verify_runs_state ON verify_runs(state);
CREATE TABLE verify_run_items (
  run_id INTEGER NOT NULL REFERENCES verify_runs(id),
  pos INTEGER NOT NULL,
  item_id INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  outcome TEXT,
  checked_at TEXT,
  finding TEXT,
  reason TEXT,
  note TEXT,
  obj_size INTEGER,
  obj_mtime_ms REAL,
  obj_ino INTEGER,
  obj_dev INTEGER,
  event_seq INTEGER,
  PRIMARY KEY (run_id, pos)
) WITHOUT ROWID;
CREATE INDEX verify_run_items_item ON verify_run_items(item_id, run_id);
CREATE TABLE item_fixity (
  item_id INTEGER PRIMARY KEY REFERENCES items(id),
  checked_at TEXT NOT NULL,
  run_id INTEGER,
  outcome TEXT NOT NULL,
  event_seq INTEGER,
  obj_size INTEGER,
  obj_mtime_ms REAL,
  obj_ino INTEGER,
  obj_dev INTEGER
);
CREATE INDEX item_fixity_checked_at ON item_fixity(checked_at);
INSERT INTO item_fixity (item_id, checked_at, run_id, outcome, event_seq)
SELECT i.id, e.at, NULL,
  CASE
    WHEN json_extract(e.detail, '$.outcome') = 'pass' THEN 'pass'
    WHEN json_extract(e.detail, '$.finding.kind') IN ('altered', 'missing', 'unreadable', 'catalog') THEN json_extract(e.detail, '$.finding.kind')
    WHEN json_extract(e.detail, '$.reason') LIKE '%object missing from the store%' THEN 'missing'
    WHEN json_extract(e.detail, '$.reason') LIKE '%object intact (SHA-256 matches)%' THEN 'catalog'
    WHEN json_extract(e.detail, '$.reason') LIKE '%: unreadable: %' THEN 'unreadable'
    ELSE 'altered'
  END,
  e.seq
FROM custody_events e JOIN items i ON i.sha256 = e.item
WHERE e.seq IN (SELECT max(seq) FROM custody_events WHERE type = 'fixity check' AND item IS NOT NULL GROUP BY item);
`;
