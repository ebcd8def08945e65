import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { incidentInputSchema, type Incident, type IncidentInput } from '../../common/catalog.ts';
import { resolveOperator } from '../../core/archive.ts';
import { addIncident, deleteIncident, editIncident, findSameIncident, listIncidents, resolveIncident } from '../../core/catalog/incidents.ts';
import { resolveOnePlace } from '../../core/catalog/places.ts';
import { formatZodError } from '../../core/catalog/validation.ts';
import type { Db } from '../../core/db/open.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { clearable, collect, subcommand, usage, writeOut } from './catalog-shared.ts';
import { withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';
import { t } from '../i18n/index.ts';

const GROUP = 'incident';
const DESC = 'incidents: shelling, gunfire, arson, looting, hostage-taking, …';

interface IncidentOpts {
  archive?: string;
  json?: boolean;
  title?: string;
  type?: string;
  start?: string;
  end?: string;
  place?: string[];
  description?: string;
}

function fieldOptions(cmd: Command): Command {
  return cmd
    .option('--start <datetime>', 'start, ISO 8601 date or date-time (with offset when known, e.g. 2021-04-29T10:00+06:00)')
    .option('--end <datetime>', 'end, ISO 8601')
    .option('--place <place>', 'place of the incident, id or unambiguous name (repeatable; in edit, replaces the list)', collect)
    .option('--description <text>', 'what happened');
}

// Places given by id or name (resolveOnePlace: an ambiguous name is refused with its candidates).
const fields = (o: IncidentOpts, db: Db): Partial<IncidentInput> => ({
  title: o.title, type: o.type as IncidentInput['type'], startedAt: clearable(o.start), endedAt: clearable(o.end),
  placeIds: o.place?.map((ref) => resolveOnePlace(db, ref).id), description: clearable(o.description),
});

function printIncident(io: Io, i: Incident): void {
  outLine(io, `${String(i.id).padStart(5)}  ${(i.startedAt ?? '—').padEnd(25)} ${i.type.padEnd(16)} ${i.title}${i.placeIds.length ? `  [${i.placeIds.join(', ')}]` : ''}`);
}

const add: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'add').argument('<title>', 'short title').requiredOption('--type <type>', 'shelling, gunfire, arson, looting, hostage-taking, drone strike, killing, injury, destruction of property, displacement, other'))
    .description('add an incident; prints it as JSON'),
  async run([title, opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts;
    return withArchive(o, { write: true }, async (a) => {
      printJson(io, usage(() => addIncident(a.db, { ...fields(o, a.db), title: title as string } as IncidentInput)));
      return 0;
    });
  },
};

const edit: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'edit').argument('<id>', 'incident id').option('--title <title>', 'new title').option('--type <type>', 'new type'))
    .description('change fields of an incident ("none" clears a field)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts;
    return withArchive(o, { write: true }, async (a) => {
      const it = usage(() => editIncident(a.db, resolveIncident(a.db, ref as string).id, fields(o, a.db)));
      if (o.json) printJson(io, it);
      else printIncident(io, it);
      return 0;
    });
  },
};

const del: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'delete').argument('<id>', 'incident id').option('--operator <name>', 'who deletes (custody log)')
    .description('delete an incident no item is linked to (the deletion is a custody event)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts & { operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      const it = usage(() => deleteIncident(a.db, resolveIncident(a.db, ref as string).id, resolveOperator(o.operator)));
      if (o.json) printJson(io, { deleted: it });
      else outLine(io, t('catalog:incidentDeleted', { id: it.id, title: it.title }));
      return 0;
    });
  },
};

const list: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'list').option('--search <text>', 'title, type, description, place names').description('list incidents'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts & { search?: string };
    return withArchive(o, {}, async (a) => {
      const all = listIncidents(a.db, { search: o.search });
      if (o.json) printJson(io, all);
      else {
        for (const i of all) printIncident(io, i);
        outLine(io, t('n.incident', { count: all.length }));
      }
      return 0;
    });
  },
};

const show: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'show').argument('<id>', 'incident id').description('an incident and its items'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts;
    return withArchive(o, {}, async (a) => {
      const it = usage(() => resolveIncident(a.db, ref as string));
      const items = (a.db.prepare('SELECT item_id FROM item_incidents WHERE incident_id = ? ORDER BY item_id').all(it.id) as { item_id: number }[]).map((r) => r.item_id);
      if (o.json) printJson(io, { ...it, items });
      else {
        printIncident(io, it);
        if (it.description) outLine(io, `  ${it.description}`);
        outLine(io, `  ${t('catalog:items')}: ${items.length ? items.join(', ') : t('common:none')}`);
      }
      return 0;
    });
  },
};

const importCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'import').argument('<file>', 'JSON array of incidents as `incident export` writes them').description('import incidents; invalid entries are reported, the rest imported'),
  async run([file, opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts;
    let entries: unknown[];
    try {
      entries = z.array(z.unknown()).parse(JSON.parse(readFileSync(file as string, 'utf8')));
    } catch (e) {
      throw new UsageError(printable(`${file as string}: not a JSON array of incidents (${(e as Error).message.split('\n')[0]})`));
    }
    return withArchive(o, { write: true }, async (a) => {
      const imported: number[] = [];
      // Entries the catalog already holds field for field (an export imported again): not added twice.
      const alreadyPresent: { row: number; id: number }[] = [];
      const errors: { row: number; reason: string }[] = [];
      a.db.transaction(() => entries.forEach((e, i) => {
        try {
          const parsed = incidentInputSchema.safeParse(e);
          if (!parsed.success) throw new Error(formatZodError(parsed.error));
          const same = findSameIncident(a.db, parsed.data);
          if (same) alreadyPresent.push({ row: i + 1, id: same.id });
          else imported.push(a.db.transaction(() => addIncident(a.db, parsed.data))().id);
        } catch (err) {
          errors.push({ row: i + 1, reason: (err as Error).message });
        }
      }))();
      if (o.json) printJson(io, { file, rows: entries.length, imported, alreadyPresent, errors });
      else outLine(io, `${t('catalog:imported', { imported: imported.length, of: t('n.incident', { count: entries.length }) })}${alreadyPresent.length ? t('catalog:alreadyPresent', { count: alreadyPresent.length }) : ''}`);
      for (const e of errors) errLine(io, t('catalog:badEntry', { file: file as string, row: e.row, reason: e.reason }));
      return errors.length ? 1 : 0;
    });
  },
};

const exportCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'export').option('--out <file>', 'write to a file (default: stdout)').description('export incidents as JSON'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as IncidentOpts & { out?: string };
    return withArchive(o, {}, async (a) => {
      const all = listIncidents(a.db).map((i) => ({ title: i.title, type: i.type, startedAt: i.startedAt, endedAt: i.endedAt, placeIds: i.placeIds, description: i.description }));
      writeOut(io, JSON.stringify(all, null, 2) + '\n', o.out);
      return 0;
    });
  },
};

/** `evidence incident add|edit|delete|list|show|import|export`. */
export const incidentCommands: CliCommand[] = [add, edit, del, list, show, importCmd, exportCmd];
