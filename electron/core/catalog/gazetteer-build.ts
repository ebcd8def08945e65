// Builds the shipped gazetteer seed (resources/gazetteer/places.csv) from the research file
// shared/data/gazetteer-batken.csv. Only coordinates whose source allows redistribution are
// shipped (shared/data/gazetteer-batken.md, "Sources used"): GeoNames points read through Who's
// On First (GeoNames CC BY 4.0; WOF's own work CC0) and Wikipedia (CC BY-SA 4.0). Bellingcat's
// Yandex map centres carry no licence and Yandex's terms restrict reuse, so those places ship
// without a coordinate and say why.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Columns of resources/gazetteer/places.csv, in order. */
export const SEED_COLUMNS = [
  'id', 'country', 'kind', 'name_en', 'name_ky', 'name_ru', 'alt_names', 'district', 'ayil_aymak', 'lat', 'lon',
  'coord_source', 'coord_licence', 'coord_attribution', 'notes', 'affected_2021', 'affected_2022', 'affected_source',
] as const;
export type SeedRow = Record<(typeof SEED_COLUMNS)[number], string>;

const WITHHELD = 'Coordinate withheld: its only source (Bellingcat vis-tj-kg-map-2022, a Yandex Maps map centre) has no licence allowing redistribution.';

/** Licence and attribution of a coordinate, from the research file's coord_source text; null = not redistributable. */
export function coordinateLicence(coordSource: string): { licence: string; attribution: string } | null {
  const wof = /Who's On First (\d+)/.exec(coordSource);
  if (wof) {
    const gn = /GeoNames(?: concordance)? (\d+)/.exec(coordSource);
    return {
      licence: 'CC-BY-4.0',
      attribution: `GeoNames${gn ? ` feature ${gn[1]}` : ''} (geonames.org, CC BY 4.0), read through Who's On First record ${wof[1]} (Data from Who's On First, https://whosonfirst.org/docs/licenses/)`,
    };
  }
  if (/wikipedia|perceptio/i.test(coordSource)) {
    const art = /'([^']+)'/.exec(coordSource);
    return { licence: 'CC-BY-SA-4.0', attribution: `Wikipedia contributors${art ? `, "${art[1]}"` : ''} (ru.wikipedia.org, CC BY-SA 4.0)` };
  }
  return null;
}

/**
 * Tajik villages across the border (issue #3), so a photo taken there is not named after a Kyrgyz
 * neighbour. Coordinates are Wikipedia infobox values (CC BY-SA 4.0), read through the mirror
 * pages named in coord_source; Lakkon had none in any redistributable source found.
 */
export const TAJIK_NEIGHBOURS: SeedRow[] = [
  {
    id: 'vorukh', country: 'TJ', kind: 'village', name_en: 'Vorukh', name_ky: '', name_ru: 'Ворух', alt_names: 'Voruh|Vorux|Woruch|Ворух',
    district: 'Isfara', ayil_aymak: 'Vorukh jamoat (exclave)', lat: '39.85333', lon: '70.57694',
    coord_source: 'en.wikipedia "Vorukh" infobox 39°51′12″N 70°34′37″E, read through the mirror https://uz.wikinlu.ru/wiki/Vorukh',
    coord_licence: 'CC-BY-SA-4.0', coord_attribution: 'Wikipedia contributors, "Vorukh" (en.wikipedia.org, CC BY-SA 4.0)',
    notes: 'Tajik exclave. The point is the jamoat\'s, which lies about 4 km ESE of the village centre Bellingcat mapped; photos in the village itself may be nearer Ak-Sai. Check suggestions here by hand.',
    affected_2021: 'unknown', affected_2022: 'unknown', affected_source: '',
  },
  {
    id: 'chorkuh', country: 'TJ', kind: 'village', name_en: 'Chorkuh', name_ky: '', name_ru: 'Чоркух', alt_names: 'Chorku|Charku|Tschorkuh|Чорку|Чоркӯҳ',
    district: 'Isfara', ayil_aymak: 'Chorkuh jamoat', lat: '39.97389', lon: '70.58222',
    coord_source: 'de.wikipedia "Tschorkuh" infobox 39°58′26″N 70°34′56″E, read through the mirror https://de.zxc.wiki/wiki/Tschorkuh',
    coord_licence: 'CC-BY-SA-4.0', coord_attribution: 'Wikipedia contributors, "Tschorkuh" (de.wikipedia.org, CC BY-SA 4.0)',
    notes: 'Tajik village opposite Kok-Tash and Samarkandek on the Isfara river.',
    affected_2021: 'unknown', affected_2022: 'unknown', affected_source: '',
  },
  {
    id: 'ovchi-kalacha', country: 'TJ', kind: 'village', name_en: 'Ovchi-Kalacha', name_ky: '', name_ru: 'Овчикалача', alt_names: 'Ovchikalacha|Ovchi Kalacha|Kalacha|Овчи-Калача|Овчиқалъача',
    district: 'Ghafurov', ayil_aymak: 'Ovchikalacha jamoat', lat: '40.133', lon: '69.683',
    coord_source: 'en.wikipedia "Ovchi Kalacha" infobox 40°08′N 69°41′E (arc-minute precision, about ±1 km), read through the translated mirror https://arc.ask3.ru/arc/aa/9e/08/9e23af29e5e4aee9deda19cf84a75908__translat.html',
    coord_licence: 'CC-BY-SA-4.0', coord_attribution: 'Wikipedia contributors, "Ovchi Kalacha" (en.wikipedia.org, CC BY-SA 4.0)',
    notes: 'Tajik jamoat across the road from Maksat and Internatsional (Leilek). The coordinate is given to the arc-minute only.',
    affected_2021: 'unknown', affected_2022: 'unknown', affected_source: '',
  },
  {
    id: 'lakkon', country: 'TJ', kind: 'village', name_en: 'Lakkon', name_ky: '', name_ru: 'Лаккон', alt_names: 'Lakkan|Lakon|Лакан',
    district: 'Isfara', ayil_aymak: 'Lakkon jamoat', lat: '', lon: '',
    coord_source: '', coord_licence: '', coord_attribution: '',
    notes: 'Tajik village near Kara-Bak. No coordinate: no redistributable source was found offline (Bellingcat\'s map centre is not redistributable).',
    affected_2021: 'unknown', affected_2022: 'unknown', affected_source: '',
  },
];

/**
 * Seed rows from the research CSV's text (RFC 4180): Kyrgyz places with country KG and kind
 * village (Batken and Isfana towns kind town), coordinates kept only with a redistributable
 * source, then TAJIK_NEIGHBOURS. Throws Error naming the row for a row without an id or name.
 */
export function buildGazetteerSeed(sourceCsv: string): SeedRow[] {
  const rows = parse(sourceCsv, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  const out: SeedRow[] = rows.map((r, i) => {
    if (!r.id || !r.name_en) throw new Error(`gazetteer CSV row ${i + 2}: missing id or name_en`);
    const hasCoord = r.lat && r.lat !== 'null' && r.lon && r.lon !== 'null';
    const lic = hasCoord ? coordinateLicence(r.coord_source ?? '') : null;
    return {
      id: r.id, country: 'KG', kind: /town|city/i.test(r.ayil_aymak ?? '') && ['batken', 'isfana'].includes(r.id) ? 'town' : 'village',
      name_en: r.name_en, name_ky: r.name_ky ?? '', name_ru: r.name_ru ?? '', alt_names: r.alt_names ?? '', district: r.district ?? '',
      ayil_aymak: r.ayil_aymak ?? '',
      lat: lic ? r.lat! : '', lon: lic ? r.lon! : '',
      coord_source: lic ? r.coord_source! : '', coord_licence: lic?.licence ?? '', coord_attribution: lic?.attribution ?? '',
      notes: hasCoord && !lic ? WITHHELD : hasCoord ? '' : 'No coordinate was found in any source.',
      affected_2021: r.affected_2021 ?? '', affected_2022: r.affected_2022 ?? '', affected_source: r.affected_source ?? '',
    };
  });
  return [...out, ...TAJIK_NEIGHBOURS];
}

/** The seed rows as CSV text (RFC 4180, header row, LF line ends). */
export function seedCsv(rows: SeedRow[]): string {
  return stringify(rows.map((r) => SEED_COLUMNS.map((c) => r[c])), { header: true, columns: [...SEED_COLUMNS], record_delimiter: '\n' });
}
