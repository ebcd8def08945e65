// The identity of a source path is its bytes (issue 11). Versions before this one kept only a
// text form of it, in which a name holding the byte 0xFF and one holding the four characters
// "\xFF" read alike, and the resume lookup compared that text. From this version on each sighting
// also keeps the path's exact bytes, and a resumed ingest recognises a file by them.
// The data step (006_sighting_path_bytes_data.ts) fills the bytes in for the sightings already
// recorded, wherever the recorded text says which they were.
export const sql = `
ALTER TABLE sightings ADD COLUMN path_bytes BLOB;
CREATE INDEX sightings_path_bytes ON sightings(path_bytes, bytes, mtime_ns);
`;
