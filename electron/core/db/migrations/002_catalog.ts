// The case model of issue #3: places (gazetteer), people, incidents, case references, the links
// of items to them, free tags, descriptions and notes, and full-text search. Link tables are
// keyed (item_id, x) for "what is this item tagged with" and indexed (x, item_id) for "which items
// concern x": both directions are filters at 10^5 items. Its data step is in 002_catalog_data.ts.

// unicode61 folds case for Cyrillic (and other scripts with case) and `remove_diacritics 2`
// makes "Kök" match "kok"; verified by tests/unit/catalog-fts.test.ts.
const TOKENIZE = `tokenize = "unicode61 remove_diacritics 2"`;

export const sql = `
CREATE TABLE places (
  id TEXT PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND id NOT GLOB '*[^a-z0-9-]*'),
  name_en TEXT NOT NULL,
  name_ky TEXT,
  name_ru TEXT,
  alt_names TEXT NOT NULL DEFAULT '[]',          -- JSON array of strings
  country TEXT NOT NULL DEFAULT 'KG' CHECK (length(country) = 2),
  district TEXT,
  ayil_aymak TEXT,
  kind TEXT NOT NULL DEFAULT 'village',
  parent_id TEXT REFERENCES places(id),
  lat REAL CHECK (lat IS NULL OR (lat BETWEEN -90 AND 90)),
  lon REAL CHECK (lon IS NULL OR (lon BETWEEN -180 AND 180)),
  coord_source TEXT,
  coord_licence TEXT,
  coord_attribution TEXT,
  notes TEXT,
  extra TEXT NOT NULL DEFAULT '{}',              -- JSON object of source-specific text fields
  origin TEXT NOT NULL DEFAULT 'user' CHECK (origin IN ('seed','user','import')),
  merged_into TEXT REFERENCES places(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX places_latlon ON places(lat, lon) WHERE lat IS NOT NULL;
CREATE INDEX places_merged ON places(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX places_parent ON places(parent_id) WHERE parent_id IS NOT NULL;

-- Normalized, transliteration-folded keys of every name of a place (see catalog/keys.ts).
CREATE TABLE place_keys (
  key TEXT NOT NULL,
  place_id TEXT NOT NULL REFERENCES places(id) ON DELETE CASCADE,
  PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
CREATE INDEX place_keys_place ON place_keys(place_id);

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_latin TEXT,
  sex TEXT CHECK (sex IN ('female','male','unknown')),
  birth_date TEXT,                               -- ISO 8601, possibly YYYY or YYYY-MM
  age_at_harm INTEGER CHECK (age_at_harm IS NULL OR age_at_harm BETWEEN 0 AND 130),
  residence_place_id TEXT REFERENCES places(id),
  statuses TEXT NOT NULL DEFAULT '[]',           -- JSON array
  harm_date TEXT,
  description TEXT,
  consent TEXT NOT NULL DEFAULT 'unknown' CHECK (consent IN ('given','refused','unknown')),
  sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0,1)),
  external_id TEXT UNIQUE,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX people_residence ON people(residence_place_id);

CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  type TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  description TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX incidents_started ON incidents(started_at);
CREATE TABLE incident_places (
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  place_id TEXT NOT NULL REFERENCES places(id),
  PRIMARY KEY (incident_id, place_id)
) WITHOUT ROWID;
CREATE INDEX incident_places_place ON incident_places(place_id);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  authority TEXT NOT NULL,
  case_number TEXT NOT NULL,
  articles TEXT NOT NULL DEFAULT '[]',           -- JSON array
  opened_on TEXT,
  description TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (authority, case_number)
);

-- Item links. ord keeps the order a person gave (the first place names the export folder).
CREATE TABLE item_places (
  item_id INTEGER NOT NULL REFERENCES items(id),
  place_id TEXT NOT NULL REFERENCES places(id),
  ord INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id, place_id)
) WITHOUT ROWID;
CREATE INDEX item_places_place ON item_places(place_id, item_id);

CREATE TABLE item_people (
  item_id INTEGER NOT NULL REFERENCES items(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  role TEXT NOT NULL CHECK (role IN ('depicts','testimony of','medical record of','property of')),
  PRIMARY KEY (item_id, person_id, role)
) WITHOUT ROWID;
CREATE INDEX item_people_person ON item_people(person_id, role, item_id);

CREATE TABLE item_incidents (
  item_id INTEGER NOT NULL REFERENCES items(id),
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  PRIMARY KEY (item_id, incident_id)
) WITHOUT ROWID;
CREATE INDEX item_incidents_incident ON item_incidents(incident_id, item_id);

CREATE TABLE item_cases (
  item_id INTEGER NOT NULL REFERENCES items(id),
  case_id INTEGER NOT NULL REFERENCES cases(id),
  PRIMARY KEY (item_id, case_id)
) WITHOUT ROWID;
CREATE INDEX item_cases_case ON item_cases(case_id, item_id);

CREATE TABLE item_tags (
  item_id INTEGER NOT NULL REFERENCES items(id),
  tag TEXT NOT NULL,                             -- NFC, trimmed, lower case
  PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;
CREATE INDEX item_tags_tag ON item_tags(tag, item_id);

CREATE TABLE item_notes (
  item_id INTEGER PRIMARY KEY REFERENCES items(id),
  description TEXT,
  notes TEXT,
  updated_at TEXT NOT NULL
);

-- Full-text search over what a person wrote or linked (rowid = items.id). Maintained by
-- catalog/fts.ts after every tagging change; the camera column is filled by the trigger below
-- so items ingested by any code path are findable by camera at once.
CREATE VIRTUAL TABLE items_fts USING fts5(camera, description, notes, tags, places, people, events, ${TOKENIZE});
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
  INSERT INTO items_fts (rowid, camera) VALUES (new.id, trim(coalesce(new.make, '') || ' ' || coalesce(new.model, '')));
END;
INSERT INTO items_fts (rowid, camera) SELECT id, trim(coalesce(make, '') || ' ' || coalesce(model, '')) FROM items;

-- Catalog records (places, people, incidents, cases) for list --search; ref is the record id as text.
CREATE VIRTUAL TABLE catalog_fts USING fts5(kind UNINDEXED, ref UNINDEXED, body, ${TOKENIZE});
`;
