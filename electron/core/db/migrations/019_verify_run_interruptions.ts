// A fixity check run resumed after an interruption (kill -9, Ctrl-C, power loss) covers several
// sittings; the run's custody event must say so, so that its Merkle root is read as "these items
// were found so over this span", not "at this moment" (fixity9 §1). `interruptions` holds the
// run's interruptions as a JSON array of {stoppedAt, resumedAt} (ISO 8601 UTC): stoppedAt is the
// last time the interrupted sitting saved progress, resumedAt when the next sitting started.
export const sql = `
ALTER TABLE verify_runs ADD COLUMN interruptions TEXT NOT NULL DEFAULT '[]';
`;
