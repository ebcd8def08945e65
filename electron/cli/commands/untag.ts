import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { parsePersonRef, tagItem, type TagChange } from '../../core/catalog/tagging.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { collect, usage } from './catalog-shared.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';

interface UntagOpts {
  archive?: string;
  json?: boolean;
  operator?: string;
  place?: string[];
  person?: string[];
  incident?: string[];
  case?: string[];
  tag?: string[];
  description?: boolean;
  notes?: boolean;
}

/** `evidence untag <item> …`: removes links, tags, description or notes (each change is a custody event). */
export const untag: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('untag').argument('<item>', 'catalog id or SHA-256 prefix'))
      .option('--place <place>', 'unlink a place (repeatable)', collect)
      .option('--person <id[:role]>', 'unlink a person (in one role, or every role) (repeatable)', collect)
      .option('--incident <id>', 'unlink an incident (repeatable)', collect)
      .option('--case <id|number>', 'unlink a case reference (repeatable)', collect)
      .option('--tag <tag>', 'remove a free tag (repeatable)', collect)
      .option('--description', 'clear the description')
      .option('--notes', 'clear the notes')
      .option('--operator <name>', 'who untags (custody log)')
      .option('--json', 'print the result as JSON')
      .description('remove links, tags, description or notes from an item'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as UntagOpts;
    const change: TagChange = {
      removePlaces: o.place, removeIncidents: o.incident, removeCases: o.case, removeTags: o.tag,
      removePeople: o.person?.map((t) => usage(() => parsePersonRef(t, false))),
      description: o.description ? null : undefined, notes: o.notes ? null : undefined,
    };
    const given = Object.values(change).some((v) => v !== undefined);
    // The item is looked up first, as in `tag`: "no such item" says more than any complaint about the options.
    return withArchive(o, { write: given }, async (a) => {
      const item = usage(() => resolveItemRef(a.db, ref as string));
      if (!given) throw new UsageError(t('tag:nothingToRemove'));
      const r = usage(() => tagItem(a.db, item.id, change, { actor: resolveOperator(o.operator) }));
      if (o.json) printJson(io, { itemId: r.itemId, sha256: r.sha256, changed: r.changed, tags: r.after, custodySeq: r.event?.seq ?? null });
      else outLine(io, r.changed ? t('tag:untagged', { item: r.itemId, seq: r.event!.seq }) : t('tag:unchanged', { item: r.itemId }));
      return 0;
    });
  },
};
