// The Map screen (issue 16 §3) shows the items with GPS in the visible box, binned into cells of
// about 40 screen pixels. Binning a million positions at each pan took a second, so positions are
// also kept pre-binned: map_cells holds, for square cells of 1°, 0.1°, 0.01° and 0.001°
// (map_levels), the count and the sums of latitude and longitude of the positioned items in each,
// kept by triggers on items (insert, GPS change, delete) and filled here from the items there are.
// A view re-bins the few thousand cells of the level just finer than it asks for
// (catalog/map-query.ts). items_gps indexes the positions themselves for the finest views, the
// Library's "items in this box" filter and single-item look-ups; it holds only positioned items.
// floor() is one of SQLite's math functions, which better-sqlite3 compiles in.
const cellOf = (row: 'NEW' | 'OLD') => `CAST(floor(${row}.gps_lat / l.size) AS INTEGER), CAST(floor(${row}.gps_lon / l.size) AS INTEGER)`;
const remove = `UPDATE map_cells SET n = n - 1, sum_lat = sum_lat - OLD.gps_lat, sum_lon = sum_lon - OLD.gps_lon
    WHERE (level, gy, gx) IN (SELECT l.level, ${cellOf('OLD')} FROM map_levels l);
  DELETE FROM map_cells WHERE n <= 0;`;
const add = `INSERT INTO map_cells (level, gy, gx, n, sum_lat, sum_lon) SELECT l.level, ${cellOf('NEW')}, 1, NEW.gps_lat, NEW.gps_lon FROM map_levels l WHERE true
    ON CONFLICT (level, gy, gx) DO UPDATE SET n = n + 1, sum_lat = sum_lat + excluded.sum_lat, sum_lon = sum_lon + excluded.sum_lon;`;

export const sql = `
CREATE INDEX items_gps ON items(gps_lat, gps_lon) WHERE has_gps = 1;

CREATE TABLE map_levels (level INTEGER PRIMARY KEY, size REAL NOT NULL);
INSERT INTO map_levels (level, size) VALUES (0, 1), (1, 0.1), (2, 0.01), (3, 0.001);
CREATE TABLE map_cells (
  level INTEGER NOT NULL,
  gy INTEGER NOT NULL,          -- floor(latitude / size)
  gx INTEGER NOT NULL,          -- floor(longitude / size)
  n INTEGER NOT NULL,
  sum_lat REAL NOT NULL,
  sum_lon REAL NOT NULL,
  PRIMARY KEY (level, gy, gx)
) WITHOUT ROWID;
INSERT INTO map_cells (level, gy, gx, n, sum_lat, sum_lon)
  SELECT l.level, CAST(floor(i.gps_lat / l.size) AS INTEGER), CAST(floor(i.gps_lon / l.size) AS INTEGER), count(*), sum(i.gps_lat), sum(i.gps_lon)
  FROM items i, map_levels l WHERE i.has_gps = 1 AND i.gps_lat IS NOT NULL AND i.gps_lon IS NOT NULL GROUP BY 1, 2, 3;

CREATE TRIGGER items_map_insert AFTER INSERT ON items WHEN NEW.has_gps = 1 AND NEW.gps_lat IS NOT NULL AND NEW.gps_lon IS NOT NULL BEGIN
  ${add}
END;
CREATE TRIGGER items_map_move_from AFTER UPDATE OF gps_lat, gps_lon, has_gps ON items WHEN OLD.has_gps = 1 AND OLD.gps_lat IS NOT NULL AND OLD.gps_lon IS NOT NULL BEGIN
  ${remove}
END;
CREATE TRIGGER items_map_move_to AFTER UPDATE OF gps_lat, gps_lon, has_gps ON items WHEN NEW.has_gps = 1 AND NEW.gps_lat IS NOT NULL AND NEW.gps_lon IS NOT NULL BEGIN
  ${add}
END;
CREATE TRIGGER items_map_delete AFTER DELETE ON items WHEN OLD.has_gps = 1 AND OLD.gps_lat IS NOT NULL AND OLD.gps_lon IS NOT NULL BEGIN
  ${remove}
END;
`;
