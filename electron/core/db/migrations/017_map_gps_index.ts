// The Map screen (issue 16 §3) bins the items with a GPS position that lie in the visible box into
// a grid (catalog/map-query.ts). Without an index that reads the items table, records and all;
// this partial index on (lat, lon) holds only positioned items and covers the binning query (the
// rowid rides along), so a million positions group from the index alone, and a zoomed-in view
// reads only its latitude band.
export const sql = `
CREATE INDEX items_gps ON items(gps_lat, gps_lon) WHERE has_gps = 1;
`;
