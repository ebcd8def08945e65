// The victims register (issue #3): the people of the archive as a table for the mission's
// database, in full for internal use, or redacted for public release.
import { createHmac } from 'node:crypto';
import type { Person } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { toSafeCsv } from '../export/csv.ts';
import { shippedSeedPlaces } from './gazetteer.ts';
import { listPeople } from './people.ts';
import { getPlace } from './places.ts';

// The secret is read in db/ (custody/ needs it too and must not import catalog/).
import { pseudonymKey } from '../db/settings.ts';

export { pseudonymKey };

/**
 * Stable pseudonym of a person: "V-" + the first 12 hex digits (48 bits) of
 * HMAC-SHA256(archive secret, "person:<id>"), upper case. The same person gets the same pseudonym
 * in every release from this archive, and without the secret it cannot be linked back to the id.
 */
export function pseudonymOf(key: string, personId: number): string {
  return `V-${createHmac('sha256', Buffer.from(key, 'hex')).update(`person:${personId}`).digest('hex').slice(0, 12).toUpperCase()}`;
}

/**
 * Stable public id of a place users added (origin not 'seed') in a set for public release: "P-" +
 * the first 12 hex digits (48 bits) of HMAC-SHA256(archive secret, "place:<place id>"), upper case.
 * A user-added place's id is a slug of its name ("tashieva-yard"), which can name the family that
 * lives there; the pseudonym is the same in every public set from this archive (so sets can be
 * compared) and cannot be linked back to the id without the secret. Seed villages keep their ids.
 */
export function placePseudonymOf(key: string, placeId: string): string {
  return `P-${createHmac('sha256', Buffer.from(key, 'hex')).update(`place:${placeId}`).digest('hex').slice(0, 12).toUpperCase()}`;
}

/**
 * A residence as released: village-level, coordinates rounded to 0.1° (about 11 km) when redacted.
 * Redacted, a place the user added (not a seed gazetteer village) has no id, name or district, and
 * a seed village is given with its shipped id, name, district and (rounded) coordinates, never
 * users' edits of them (a seed id missing from the shipped gazetteer counts as user-added).
 */
export interface RegisterResidence {
  placeId: string | null;
  name: string | null;
  district: string | null;
  country: string;
  lat: number | null;
  lon: number | null;
}

export interface RegisterRecord {
  id?: number;
  pseudonym: string;
  name?: string;
  nameLatin?: string | null;
  sex: string | null;
  birthDate?: string | null;
  birthYear: number | null;
  ageAtHarm: number | null;
  residence: RegisterResidence | null;
  statuses: string[];
  harmDate: string | null;
  description?: string | null;
  consent: string;
  sensitive?: boolean;
  externalId?: string | null;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/**
 * Register records of every person (or `ids`). With `redact` (public release): only people who
 * gave consent to publication are kept — those flagged sensitive, who refused, or whose consent is
 * "unknown" are left out, since publishing needs a yes, not the absence of a no; the name, Latin name, description, catalog id
 * and external id are removed; the pseudonym stays; the birth date is reduced to its year;
 * residence coordinates are rounded to one decimal degree, and a residence the user added (not a
 * seed gazetteer village) keeps only those rounded coordinates and its country (see residence).
 * Without `redact`, everything is kept (internal use).
 */
export function registerRecords(db: Db, opts: { redact?: boolean; ids?: number[] } = {}): RegisterRecord[] {
  const key = pseudonymKey(db);
  const people = listPeople(db, opts.ids ? { ids: opts.ids } : {});
  const out: RegisterRecord[] = [];
  for (const p of people) {
    if (opts.redact && (p.sensitive || p.consent !== 'given')) continue;
    out.push(opts.redact ? redacted(db, key, p) : full(db, key, p));
  }
  return out;
}

function residence(db: Db, p: Person, round: boolean): RegisterResidence | null {
  const place = p.residencePlaceId ? getPlace(db, p.residencePlaceId) : null;
  if (!place) return null;
  // A seed place is a public village or town; a user-added or imported one may be a hamlet of one
  // house or be named after its family, so its id, name and free-text district would point at the
  // victim: only the rounded coordinates (and the country code) are released, or nothing.
  // A seed village as shipped: users may have edited its name, district or coordinates (a
  // family's house as "the village"), so a release gives only the shipped gazetteer's values.
  const seed = round && place.origin === 'seed' ? shippedSeedPlaces().get(place.id) : undefined;
  if (seed) return { placeId: seed.id, name: seed.nameEn, district: seed.district, country: seed.country, lat: round1(seed.lat), lon: round1(seed.lon) };
  if (round) {
    if (place.lat === null || place.lon === null) return null;
    return { placeId: null, name: null, district: null, country: place.country, lat: round1(place.lat), lon: round1(place.lon) };
  }
  return {
    placeId: place.id, name: place.nameEn, district: place.district, country: place.country,
    lat: round ? round1(place.lat) : place.lat, lon: round ? round1(place.lon) : place.lon,
  };
}

const birthYear = (d: string | null) => (d ? Number(d.slice(0, 4)) : null);

function full(db: Db, key: string, p: Person): RegisterRecord {
  return {
    id: p.id, pseudonym: pseudonymOf(key, p.id), name: p.name, nameLatin: p.nameLatin, sex: p.sex, birthDate: p.birthDate,
    birthYear: birthYear(p.birthDate), ageAtHarm: p.ageAtHarm, residence: residence(db, p, false), statuses: p.statuses, harmDate: p.harmDate,
    description: p.description, consent: p.consent, sensitive: p.sensitive, externalId: p.externalId,
  };
}

function redacted(db: Db, key: string, p: Person): RegisterRecord {
  return {
    pseudonym: pseudonymOf(key, p.id), sex: p.sex, birthYear: birthYear(p.birthDate), ageAtHarm: p.ageAtHarm,
    residence: residence(db, p, true), statuses: p.statuses, harmDate: p.harmDate, consent: p.consent,
  };
}

/**
 * The register as CSV (RFC 4180, UTF-8 with BOM for spreadsheet programs); residence flattened into
 * columns; cells that a spreadsheet would run as a formula are quoted with "'" (see spreadsheetSafe).
 */
export function registerCsv(records: RegisterRecord[], redact: boolean): string {
  const columns = redact
    ? ['pseudonym', 'sex', 'birthYear', 'ageAtHarm', 'residencePlaceId', 'residenceName', 'residenceDistrict', 'residenceCountry', 'residenceLat', 'residenceLon', 'statuses', 'harmDate', 'consent']
    : ['id', 'pseudonym', 'name', 'nameLatin', 'sex', 'birthDate', 'birthYear', 'ageAtHarm', 'residencePlaceId', 'residenceName', 'residenceDistrict', 'residenceCountry', 'residenceLat', 'residenceLon', 'statuses', 'harmDate', 'description', 'consent', 'sensitive', 'externalId'];
  const rows = records.map((r) => {
    const flat: Record<string, unknown> = {
      ...r, residencePlaceId: r.residence?.placeId, residenceName: r.residence?.name, residenceDistrict: r.residence?.district,
      residenceCountry: r.residence?.country, residenceLat: r.residence?.lat, residenceLon: r.residence?.lon, statuses: r.statuses.join('; '),
    };
    return columns.map((c) => (flat[c] === null || flat[c] === undefined ? '' : String(flat[c])));
  });
  return toSafeCsv(columns, rows, { bom: true });
}
