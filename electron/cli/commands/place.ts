import type { Command } from 'commander';
import type { Place, PlaceInput } from '../../common/catalog.ts';
import { resolveOperator } from '../../core/archive.ts';
import { filterItemIds } from '../../core/catalog/filters.ts';
import { mergePlaces } from '../../core/catalog/place-merge.ts';
import { addPlace, editPlace, listPlaces, placeLabel, resolveOnePlace, resolvePlaceForWrite } from '../../core/catalog/places.ts';
import { exportPlaces, importPlaces } from '../../core/catalog/places-io.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { clearable, collect, num, subcommand, usage, writeOut } from './catalog-shared.ts';
import { withArchive, type CliCommand } from './shared.ts';
import { degrees, errLine, outLine } from './text.ts';
import { t } from '../i18n/index.ts';

const GROUP = 'place';
const DESC = 'places of the gazetteer: villages, hamlets, streets, schools';

interface PlaceOpts {
  archive?: string;
  json?: boolean;
  id?: string;
  nameEn?: string;
  nameKy?: string;
  nameRu?: string;
  alt?: string[];
  country?: string;
  district?: string;
  aymak?: string;
  kind?: string;
  parent?: string;
  lat?: string;
  lon?: string;
  coordSource?: string;
  coordLicence?: string;
  coordAttribution?: string;
  notes?: string;
}

function fieldOptions(cmd: Command): Command {
  return cmd
    .option('--name-ky <name>', 'name in Kyrgyz')
    .option('--name-ru <name>', 'name in Russian')
    .option('--alt <name>', 'another spelling or former name (repeatable)', collect)
    .option('--country <code>', 'ISO 3166-1 alpha-2 country code (default KG)')
    .option('--district <name>', 'district (rayon)')
    .option('--aymak <name>', 'ayil aymak (rural district)')
    .option('--kind <kind>', 'village, hamlet, town, street, building, school, …')
    .option('--parent <place>', 'the place this one lies in (id or name)')
    .option('--lat <deg>', 'latitude, decimal degrees WGS84')
    .option('--lon <deg>', 'longitude, decimal degrees WGS84')
    .option('--coord-source <text>', 'where the coordinate comes from (survey, GPS of a visit, a map and its record id)')
    .option('--coord-licence <spdx>', 'licence of the coordinate (e.g. CC-BY-4.0, own survey: CC0-1.0)')
    .option('--coord-attribution <text>', 'attribution the licence requires')
    .option('--notes <text>', 'notes');
}

function fields(o: PlaceOpts): Partial<PlaceInput> {
  return {
    nameEn: o.nameEn, nameKy: clearable(o.nameKy), nameRu: clearable(o.nameRu), altNames: o.alt, country: o.country?.toUpperCase(),
    district: clearable(o.district), ayilAymak: clearable(o.aymak), kind: o.kind, parentId: clearable(o.parent), lat: num(o.lat, '--lat'), lon: num(o.lon, '--lon'),
    coordSource: clearable(o.coordSource), coordLicence: clearable(o.coordLicence), coordAttribution: clearable(o.coordAttribution), notes: clearable(o.notes),
  };
}

function printPlace(io: Io, p: Place): void {
  outLine(io, `${p.id.padEnd(26)} ${placeLabel(p)}${p.lat !== null && p.lon !== null ? `  ${degrees(p.lat)}, ${degrees(p.lon)}` : `  (${t('catalog:noCoordinate')})`}${p.kind !== 'village' ? `  [${p.kind}]` : ''}`);
}

const add: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'add').argument('<name>', 'name in English/Latin transliteration').option('--id <slug>', 'id (default: a slug of the name)'))
    .description('add a place; prints it as JSON'),
  async run([name, opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts;
    return withArchive(o, { write: true }, async (a) => {
      const place = usage(() => {
        const f = fields(o);
        if (f.parentId) f.parentId = resolveOnePlace(a.db, f.parentId).id;
        return addPlace(a.db, { ...f, id: o.id, nameEn: name as string } as PlaceInput);
      });
      printJson(io, place);
      return 0;
    });
  },
};

const edit: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'edit').argument('<place>', 'place id').option('--name-en <name>', 'rename (English/Latin)'))
    .description('change fields of a place ("none" clears a field)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts;
    return withArchive(o, { write: true }, async (a) => {
      const place = usage(() => {
        const f = fields(o);
        if (f.parentId) f.parentId = resolveOnePlace(a.db, f.parentId).id;
        return editPlace(a.db, resolvePlaceForWrite(a.db, ref as string).id, f);
      });
      if (o.json) printJson(io, place);
      else printPlace(io, place);
      return 0;
    });
  },
};

const list: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'list').option('--search <text>', 'any name in any script, transliteration-tolerant ("Koktash", "Көк-Таш")')
    .description('list places'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts & { search?: string };
    return withArchive(o, {}, async (a) => {
      const places = listPlaces(a.db, { search: o.search });
      if (o.json) printJson(io, places);
      else {
        for (const p of places) printPlace(io, p);
        outLine(io, t('n.place', { count: places.length }));
      }
      return 0;
    });
  },
};

const show: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'show').argument('<place>', 'place id or name')
    .description('a place with its names, coordinate source and items: those within it, sub-places included (as `list --place` selects them), and those tagged to it itself'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts;
    return withArchive(o, {}, async (a) => {
      const place = usage(() => resolveOnePlace(a.db, ref as string));
      // items: what `list --place` and `export --place` select (sub-places included); taggedHere: linked to this place itself.
      const items = filterItemIds(a.db, { places: [place.id] });
      const taggedHere = (a.db.prepare('SELECT item_id FROM item_places WHERE place_id = ? ORDER BY item_id').all(place.id) as { item_id: number }[]).map((r) => r.item_id);
      if (o.json) printJson(io, { ...place, items, taggedHere });
      else {
        printPlace(io, place);
        if (place.altNames.length) outLine(io, `  ${t('catalog:also')}: ${place.altNames.join(', ')}`);
        if (place.coordSource) outLine(io, `  ${t('catalog:coordinate')}: ${place.coordSource} (${place.coordLicence ?? t('catalog:licenceUnknown')}) ${place.coordAttribution ?? ''}`);
        if (place.notes) outLine(io, `  ${t('catalog:notes')}: ${place.notes}`);
        outLine(io, `  ${t('catalog:itemsWithin')}: ${items.length ? items.join(', ') : t('common:none')}`);
        if (taggedHere.length !== items.length) outLine(io, `  ${t('catalog:taggedHere')}: ${taggedHere.length ? taggedHere.join(', ') : t('common:none')}`);
      }
      return 0;
    });
  },
};

const importCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'import').argument('<file>', '.csv (columns as `place export`) or .geojson').description('import places; unreadable rows are reported, the rest imported'),
  async run([file, opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts;
    return withArchive(o, { write: true }, async (a) => {
      const r = usage(() => importPlaces(a.db, file as string));
      if (o.json) printJson(io, r);
      else outLine(io, t('catalog:importedFrom', { imported: r.imported.length, of: t('n.place', { count: r.rows }), file: r.file }));
      for (const e of r.errors) errLine(io, t('catalog:badRow', { file: r.file, row: e.row, reason: e.reason }));
      return r.errors.length ? 1 : 0;
    });
  },
};

const exportCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'export').option('--format <format>', 'csv or geojson', 'csv').option('--out <file>', 'write to a file (default: stdout)')
    .description('export every place with coordinate sources and licences'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts & { format: string; out?: string };
    if (o.format !== 'csv' && o.format !== 'geojson') throw new UsageError(t('catalog:formatCsvGeojson', { format: o.format }));
    // --format chooses the output; a --json that would still print CSV is refused rather than ignored.
    if (o.json && o.format !== 'geojson') throw new UsageError(`--json: place export writes --format ${o.format}; for JSON use --format geojson`);
    return withArchive(o, {}, async (a) => {
      writeOut(io, exportPlaces(a.db, o.format as 'csv' | 'geojson'), o.out);
      return 0;
    });
  },
};

const merge: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'merge').argument('<from>', 'place to merge away').argument('<into>', 'place that remains')
    .option('--operator <name>', 'who merges (custody log)').description('merge two places: items, incidents and residents move; re-links are logged'),
  async run([from, into, opts]: unknown[], io: Io) {
    const o = opts as PlaceOpts & { operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      const r = usage(() => mergePlaces(a.db, from as string, into as string, resolveOperator(o.operator)));
      if (o.json) printJson(io, { from: r.from, into: r.into, items: r.items.map((i) => i.itemId) });
      else outLine(io, t('catalog:merged', { from: r.from, into: r.into.id, items: t('n.item', { count: r.items.length }) }));
      return 0;
    });
  },
};

/** `evidence place add|edit|list|show|import|export|merge`. */
export const placeCommands: CliCommand[] = [add, edit, list, show, importCmd, exportCmd, merge];
