// A person's role on an item covers what documenters record (issue 15 §4): besides depicts,
// testimony of (the interviewee), medical record of and property of, now victim, witness,
// recorded by (who filmed or photographed it) and mentioned. The roles are checked by a CHECK
// constraint, which SQLite cannot alter, so item_people is rebuilt with the wider one (SQLite
// "ALTER TABLE" §7, the generalized procedure: nothing refers to item_people, so foreign keys can
// stay on). Every existing row keeps its value: the old roles are all still valid.
export const sql = `
CREATE TABLE item_people_v8 (
  item_id INTEGER NOT NULL REFERENCES items(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  role TEXT NOT NULL CHECK (role IN ('depicts','victim','witness','testimony of','recorded by','mentioned','medical record of','property of')),
  PRIMARY KEY (item_id, person_id, role)
) WITHOUT ROWID;
INSERT INTO item_people_v8 (item_id, person_id, role) SELECT item_id, person_id, role FROM item_people;
DROP TABLE item_people;
ALTER TABLE item_people_v8 RENAME TO item_people;
CREATE INDEX IF NOT EXISTS item_people_person ON item_people(person_id, role, item_id);
`;
