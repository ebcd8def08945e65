// A resumed ingest recognises a file it already finished by its source path, size and mtime.
// mtime can be set back by anyone (`touch -r`), so the inode number and the status-change time,
// which no user call can set, join the key: a file rewritten in place is read again.
export const sql = `
ALTER TABLE sightings ADD COLUMN ino TEXT;
ALTER TABLE sightings ADD COLUMN ctime_ns TEXT;
`;
