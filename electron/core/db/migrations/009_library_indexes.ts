// The Library at a million items (issue 15 §1): it pages through the catalog in the order the user
// picked and offers the cameras in use, so each order and the camera list need an index; without
// one, every page of 100 rows sorted all the items, and the camera list read every item.
// The camera index is on the expressions the queries use (service/items-query.ts): a missing make
// or model as '' so that both columns order and compare without NULL.
export const sql = `
CREATE INDEX items_camera ON items(coalesce(make, ''), coalesce(model, ''));
CREATE INDEX items_ingested_at ON items(ingested_at);
CREATE INDEX items_bytes ON items(bytes);
`;
