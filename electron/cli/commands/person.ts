import type { Command } from 'commander';
import type { Person, PersonInput } from '../../common/catalog.ts';
import { addPerson, editPerson, listPeople, resolvePerson } from '../../core/catalog/people.ts';
import { importPeople } from '../../core/catalog/people-import.ts';
import { resolveOnePlace } from '../../core/catalog/places.ts';
import { registerCsv, registerRecords } from '../../core/catalog/register.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { clearable, collect, num, subcommand, usage, writeOut } from './catalog-shared.ts';
import { withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';
import { t } from '../i18n/index.ts';

const GROUP = 'person';
const DESC = 'victims and witnesses (the victims register)';

interface PersonOpts {
  archive?: string;
  json?: boolean;
  name?: string;
  latin?: string;
  sex?: string;
  birthDate?: string;
  age?: string;
  residence?: string;
  status?: string[];
  harmDate?: string;
  description?: string;
  consent?: string;
  sensitive?: boolean;
  externalId?: string;
}

function fieldOptions(cmd: Command): Command {
  return cmd
    .option('--latin <name>', 'Latin transliteration of the name')
    .option('--sex <sex>', 'female, male or unknown')
    .option('--birth-date <date>', 'YYYY-MM-DD, YYYY-MM or YYYY')
    .option('--age <years>', 'age at the time of harm, when the birth date is unknown')
    .option('--residence <place>', 'place of residence (id or unambiguous name)')
    .option('--status <status>', 'killed, injured, missing, held captive, displaced, property destroyed (repeatable)', collect)
    .option('--harm-date <date>', 'date of harm (YYYY-MM-DD, YYYY-MM or YYYY)')
    .option('--description <text>', 'what happened to the person')
    .option('--consent <consent>', 'consent to publication: given, refused or unknown (the default); only "given" appears in redacted registers')
    .option('--sensitive', 'flag as sensitive: left out of redacted registers, withheld from evidence sets')
    .option('--no-sensitive', 'clear the sensitive flag')
    .option('--external-id <id>', 'identifier in the NGO spreadsheet or another register');
}

function fields(o: PersonOpts, db: Parameters<typeof resolveOnePlace>[0], sensitiveGiven: boolean): Partial<PersonInput> {
  const residence = clearable(o.residence);
  return {
    nameLatin: clearable(o.latin), sex: clearable(o.sex) as PersonInput['sex'], birthDate: clearable(o.birthDate),
    ageAtHarm: num(o.age, '--age'), residencePlaceId: residence ? resolveOnePlace(db, residence).id : residence,
    statuses: o.status as PersonInput['statuses'], harmDate: clearable(o.harmDate), description: clearable(o.description),
    consent: o.consent as PersonInput['consent'], sensitive: sensitiveGiven ? o.sensitive : undefined, externalId: clearable(o.externalId),
  };
}

/** True when --sensitive or --no-sensitive was on the command line (commander defaults the pair to true). */
const sensitiveGiven = (cmd: unknown) => (cmd as Command).getOptionValueSource?.('sensitive') === 'cli';

function printPerson(io: Io, p: Person): void {
  outLine(io, `${String(p.id).padStart(5)}  ${p.name}${p.nameLatin ? ` (${p.nameLatin})` : ''}  ${p.statuses.join(', ') || '—'}${p.residencePlaceId ? `  ${p.residencePlaceId}` : ''}${p.sensitive ? `  [${t('catalog:sensitive')}]` : ''}`);
}

const add: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'add').argument('<name>', 'name as written (Cyrillic)')).description('add a person; prints the record as JSON'),
  async run([name, opts, cmd]: unknown[], io: Io) {
    const o = opts as PersonOpts;
    return withArchive(o, { write: true }, async (a) => {
      const person = usage(() => addPerson(a.db, { ...fields(o, a.db, sensitiveGiven(cmd)), name: name as string }));
      printJson(io, person);
      return 0;
    });
  },
};

const edit: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'edit').argument('<id>', 'person id').option('--name <name>', 'name as written'))
    .description('change fields of a person ("none" clears a field)'),
  async run([ref, opts, cmd]: unknown[], io: Io) {
    const o = opts as PersonOpts;
    return withArchive(o, { write: true }, async (a) => {
      const person = usage(() => editPerson(a.db, resolvePerson(a.db, ref as string).id, { ...fields(o, a.db, sensitiveGiven(cmd)), name: o.name }));
      if (o.json) printJson(io, person);
      else printPerson(io, person);
      return 0;
    });
  },
};

const list: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'list').option('--search <text>', 'names in any script, description (case-insensitive)').description('list people'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as PersonOpts & { search?: string };
    return withArchive(o, {}, async (a) => {
      const people = listPeople(a.db, { search: o.search });
      if (o.json) printJson(io, people);
      else {
        for (const p of people) printPerson(io, p);
        outLine(io, t('n.person', { count: people.length }));
      }
      return 0;
    });
  },
};

const show: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'show').argument('<id>', 'person id').description('a person and the items concerning them'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as PersonOpts;
    return withArchive(o, {}, async (a) => {
      const person = usage(() => resolvePerson(a.db, ref as string));
      const items = a.db.prepare('SELECT item_id itemId, role FROM item_people WHERE person_id = ? ORDER BY item_id, role').all(person.id) as { itemId: number; role: string }[];
      if (o.json) printJson(io, { ...person, items });
      else {
        printPerson(io, person);
        for (const [k, v] of Object.entries(person)) if (v !== null && !['id', 'name'].includes(k)) outLine(io, `  ${k.padEnd(18)} ${Array.isArray(v) ? v.join(', ') : String(v)}`);
        outLine(io, `  ${t('catalog:items')}: ${items.length ? items.map((i) => `${i.itemId} (${i.role})`).join(', ') : t('common:none')}`);
      }
      return 0;
    });
  },
};

const importCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'import').argument('<file>', '.csv or .xlsx with a header row (English, Russian or Kyrgyz column names)')
    .description('import people; unreadable rows are reported, the rest imported'),
  async run([file, opts]: unknown[], io: Io) {
    const o = opts as PersonOpts;
    return withArchive(o, { write: true }, async (a) => {
      let r;
      try {
        r = await importPeople(a.db, file as string);
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      if (o.json) printJson(io, r);
      else {
        const present = r.alreadyPresent.length ? t('catalog:alreadyPresent', { count: r.alreadyPresent.length }) : '';
        outLine(io, `${t('catalog:importedFrom', { imported: r.imported.length, of: t('n.row', { count: r.rows }), file: r.file })}${present}`);
      }
      for (const e of r.errors) errLine(io, t('catalog:badRow', { file: r.file, row: e.row, reason: e.reason }));
      return r.errors.length ? 1 : 0;
    });
  },
};

const exportCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'export').option('--format <format>', 'csv or json', 'json').option('--redact', 'for public release: pseudonyms, birth year only, coordinates rounded, a residence the user added given by rounded coordinates only (no id or name); only people whose consent is "given" (sensitive ones, and consent refused or unknown, are left out)')
    .option('--out <file>', 'write to a file (default: stdout)').description('export the victims register'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as PersonOpts & { format: string; redact?: boolean; out?: string };
    if (o.format !== 'csv' && o.format !== 'json') throw new UsageError(t('catalog:formatCsvJson', { format: o.format }));
    if (o.json && o.format !== 'json') throw new UsageError(`--json: person export writes --format ${o.format}; for JSON use --format json`);
    return withArchive(o, {}, async (a) => {
      const records = registerRecords(a.db, { redact: o.redact });
      writeOut(io, o.format === 'csv' ? registerCsv(records, Boolean(o.redact)) : JSON.stringify(records, null, 2) + '\n', o.out);
      if (o.redact) {
        const left = listPeople(a.db).length - records.length;
        if (left) errLine(io, t('catalog:leftOutRegister', { people: t('n.person', { count: left }) }));
      }
      return 0;
    });
  },
};

/** `evidence person add|edit|list|show|import|export`. */
export const personCommands: CliCommand[] = [add, edit, list, show, importCmd, exportCmd];
