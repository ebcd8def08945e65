import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { caseInputSchema, type CaseInput, type CaseRef } from '../../common/catalog.ts';
import { resolveOperator } from '../../core/archive.ts';
import { addCase, deleteCase, editCase, findSameCase, listCases, resolveCase } from '../../core/catalog/cases.ts';
import { formatZodError } from '../../core/catalog/validation.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { clearable, collect, subcommand, usage, writeOut } from './catalog-shared.ts';
import { withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';
import { t } from '../i18n/index.ts';

const GROUP = 'case';
const DESC = 'case references: authority, case number, Criminal Code articles';

interface CaseOpts {
  archive?: string;
  json?: boolean;
  authority?: string;
  number?: string;
  article?: string[];
  opened?: string;
  description?: string;
}

function fieldOptions(cmd: Command): Command {
  return cmd
    .option('--article <article>', 'Criminal Code article as cited, e.g. "130 part 2" (repeatable; in edit, replaces the list)', collect)
    .option('--opened <date>', 'date the case was opened (YYYY-MM-DD)')
    .option('--description <text>', 'description');
}

const fields = (o: CaseOpts): Partial<CaseInput> => ({
  authority: o.authority, caseNumber: o.number, articles: o.article, openedOn: clearable(o.opened), description: clearable(o.description),
});

function printCase(io: Io, c: CaseRef): void {
  outLine(io, `${String(c.id).padStart(5)}  ${c.caseNumber.padEnd(16)} ${c.authority}${c.articles.length ? `  (${t('catalog:articles', { articles: c.articles.join(', ') })})` : ''}${c.openedOn ? `  ${t('catalog:opened', { date: c.openedOn })}` : ''}`);
}

const add: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'add').argument('<case-number>', 'case number as the authority writes it').requiredOption('--authority <name>', 'authority that opened the case'))
    .description('add a case reference; prints it as JSON'),
  async run([number, opts]: unknown[], io: Io) {
    const o = opts as CaseOpts;
    return withArchive(o, { write: true }, async (a) => {
      printJson(io, usage(() => addCase(a.db, { ...fields(o), caseNumber: number as string } as CaseInput)));
      return 0;
    });
  },
};

const edit: CliCommand = {
  define: (p) => fieldOptions(subcommand(p, GROUP, DESC, 'edit').argument('<case>', 'case id or number').option('--authority <name>', 'authority').option('--number <number>', 'case number'))
    .description('change fields of a case reference ("none" clears a field)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as CaseOpts;
    return withArchive(o, { write: true }, async (a) => {
      const c = usage(() => editCase(a.db, resolveCase(a.db, ref as string).id, fields(o)));
      if (o.json) printJson(io, c);
      else printCase(io, c);
      return 0;
    });
  },
};

const del: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'delete').argument('<case>', 'case id or number').option('--operator <name>', 'who deletes (custody log)')
    .description('delete a case reference no item is linked to (the deletion is a custody event)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as CaseOpts & { operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      const c = usage(() => deleteCase(a.db, resolveCase(a.db, ref as string).id, resolveOperator(o.operator)));
      if (o.json) printJson(io, { deleted: c });
      else outLine(io, t('catalog:caseDeleted', { id: c.id, number: c.caseNumber, authority: c.authority }));
      return 0;
    });
  },
};

const list: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'list').option('--search <text>', 'authority, number, articles, description').description('list case references'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as CaseOpts & { search?: string };
    return withArchive(o, {}, async (a) => {
      const all = listCases(a.db, { search: o.search });
      if (o.json) printJson(io, all);
      else {
        for (const c of all) printCase(io, c);
        outLine(io, t('n.case', { count: all.length }));
      }
      return 0;
    });
  },
};

const show: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'show').argument('<case>', 'case id or number').description('a case reference and its items'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as CaseOpts;
    return withArchive(o, {}, async (a) => {
      const c = usage(() => resolveCase(a.db, ref as string));
      const items = (a.db.prepare('SELECT item_id FROM item_cases WHERE case_id = ? ORDER BY item_id').all(c.id) as { item_id: number }[]).map((r) => r.item_id);
      if (o.json) printJson(io, { ...c, items });
      else {
        printCase(io, c);
        if (c.description) outLine(io, `  ${c.description}`);
        outLine(io, `  ${t('catalog:items')}: ${items.length ? items.join(', ') : t('common:none')}`);
      }
      return 0;
    });
  },
};

const importCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'import').argument('<file>', 'JSON array of case references as `case export` writes them').description('import case references; invalid entries are reported, the rest imported'),
  async run([file, opts]: unknown[], io: Io) {
    const o = opts as CaseOpts;
    let entries: unknown[];
    try {
      entries = z.array(z.unknown()).parse(JSON.parse(readFileSync(file as string, 'utf8')));
    } catch (e) {
      throw new UsageError(printable(`${file as string}: not a JSON array of case references (${(e as Error).message.split('\n')[0]})`));
    }
    return withArchive(o, { write: true }, async (a) => {
      const imported: number[] = [];
      // Entries the catalog already holds field for field (an export imported again): not added twice.
      const alreadyPresent: { row: number; id: number }[] = [];
      const errors: { row: number; reason: string }[] = [];
      a.db.transaction(() => entries.forEach((e, i) => {
        try {
          const parsed = caseInputSchema.safeParse(e);
          if (!parsed.success) throw new Error(formatZodError(parsed.error));
          const same = findSameCase(a.db, parsed.data);
          if (same) alreadyPresent.push({ row: i + 1, id: same.id });
          else imported.push(a.db.transaction(() => addCase(a.db, parsed.data))().id);
        } catch (err) {
          errors.push({ row: i + 1, reason: (err as Error).message });
        }
      }))();
      if (o.json) printJson(io, { file, rows: entries.length, imported, alreadyPresent, errors });
      else outLine(io, `${t('catalog:imported', { imported: imported.length, of: t('n.case', { count: entries.length }) })}${alreadyPresent.length ? t('catalog:alreadyPresent', { count: alreadyPresent.length }) : ''}`);
      for (const e of errors) errLine(io, t('catalog:badEntry', { file: file as string, row: e.row, reason: e.reason }));
      return errors.length ? 1 : 0;
    });
  },
};

const exportCmd: CliCommand = {
  define: (p) => subcommand(p, GROUP, DESC, 'export').option('--out <file>', 'write to a file (default: stdout)').description('export case references as JSON'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as CaseOpts & { out?: string };
    return withArchive(o, {}, async (a) => {
      const all = listCases(a.db).map((c) => ({ authority: c.authority, caseNumber: c.caseNumber, articles: c.articles, openedOn: c.openedOn, description: c.description }));
      writeOut(io, JSON.stringify(all, null, 2) + '\n', o.out);
      return 0;
    });
  },
};

/** `evidence case add|edit|delete|list|show|import|export`. */
export const caseCommands: CliCommand[] = [add, edit, del, list, show, importCmd, exportCmd];
