// Sidecars (issue 14 §1): the small files cameras write beside a clip (Sony XML, AVCHD CLIPINF and
// PLAYLIST, THM thumbnails, GoPro LRV proxies, XMP) stay items of their own, because every original
// is evidence, and are linked here to the item they describe. A playlist lists several clips, so a
// sidecar may be linked to more than one item. `detail` is JSON (core/sidecars/link.ts
// SidecarLinkDetail): what the sidecar says, what of it the item took, where the two disagree.
// Each link is also recorded by a `metadata extraction` custody event on the item.
export const sql = `
CREATE TABLE item_sidecars (
  item_id INTEGER NOT NULL REFERENCES items(id),
  sidecar_id INTEGER NOT NULL REFERENCES items(id),
  kind TEXT NOT NULL CHECK (kind IN ('sony-xml','avchd-clipinf','avchd-playlist','thm','lrv','xmp')),
  linked_at TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (item_id, sidecar_id),
  CHECK (item_id <> sidecar_id)
) WITHOUT ROWID;
CREATE INDEX item_sidecars_sidecar ON item_sidecars(sidecar_id);
`;
