import type { Command } from 'commander';
import { PERSON_ROLES } from '../../common/catalog.ts';
import { resolveOperator } from '../../core/archive.ts';
import { acceptSuggestions } from '../../core/catalog/suggest.ts';
import { parsePersonRef, tagItem, type TagChange } from '../../core/catalog/tagging.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { collect, num, usage } from './catalog-shared.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';

interface TagOpts {
  archive?: string;
  json?: boolean;
  operator?: string;
  place?: string[];
  person?: string[];
  incident?: string[];
  case?: string[];
  tag?: string[];
  description?: string;
  notes?: string;
  acceptSuggestions?: boolean;
  radius?: string;
  item?: string[];
}

/** `evidence tag <item> …` and `evidence tag --accept-suggestions`. */
export const tag: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('tag').argument('[item]', 'catalog id or SHA-256 prefix'))
      .option('--place <place>', 'link a place (id or unambiguous name; repeatable; the first names the export folder)', collect)
      .option('--person <id:role>', `link a person in a role: ${PERSON_ROLES.join(', ')} ("recorded by": who filmed or photographed it; "testimony of": the interviewee) (repeatable)`, collect)
      .option('--incident <id>', 'link an incident (repeatable)', collect)
      .option('--case <id|number>', 'link a case reference (repeatable)', collect)
      .option('--tag <tag>', 'add a free tag (repeatable)', collect)
      .option('--description <text>', 'set the description')
      .option('--notes <text>', 'set the notes')
      .option('--accept-suggestions', 'accept the nearest GPS place suggestion of every item without a place (or of --item)')
      .option('--radius <metres>', 'suggestion radius in metres (with --accept-suggestions)', '5000')
      .option('--item <item>', 'with --accept-suggestions: only this item (repeatable)', collect)
      .option('--operator <name>', 'who tags (custody log; default $EVIDENCE_OPERATOR or the OS user)')
      .option('--json', 'print the result as JSON')
      .description('link an item to places, people, incidents, cases; tags, description, notes (each change is a custody event)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as TagOpts;
    const actor = resolveOperator(o.operator);
    if (o.acceptSuggestions) {
      if (ref) throw new UsageError(t('tag:itemsWithOption'));
      const radiusM = num(o.radius, '--radius')!;
      return withArchive(o, { write: true }, async (a) => {
        const itemIds = o.item?.map((r) => usage(() => resolveItemRef(a.db, r).id));
        const out = usage(() => acceptSuggestions(a.db, { actor, radiusM, itemIds }));
        if (o.json) printJson(io, out.map(({ result, ...rest }) => ({ ...rest, custodySeq: result?.event?.seq ?? null })));
        else {
          for (const r of out) outLine(io, `${String(r.itemId).padStart(5)}  ${t(`tag:status.${r.status}`, { defaultValue: r.status })}${r.placeId ? `: ${t('tag:at', { place: r.placeId, m: r.distanceM })}` : ''}`);
          outLine(io, t('tag:accepted', { suggestions: t('n.suggestion', { count: out.filter((r) => r.status === 'accepted').length }), actor }));
        }
        return 0;
      });
    }
    if (!ref) throw new UsageError(t('tag:giveItem'));
    const given = [o.place, o.person, o.incident, o.case, o.tag, o.description, o.notes].some((v) => v !== undefined);
    // The item is looked up first: "no such item" says more than any complaint about the options.
    return withArchive(o, { write: given }, async (a) => {
      const item = usage(() => resolveItemRef(a.db, ref as string));
      if (!given) throw new UsageError(t('tag:nothing'));
      const change: TagChange = {
        addPlaces: o.place, addIncidents: o.incident, addCases: o.case, addTags: o.tag, description: o.description, notes: o.notes,
        addPeople: o.person?.map((t) => {
          const r = usage(() => parsePersonRef(t));
          return { id: r.id, role: r.role! };
        }),
      };
      const r = usage(() => tagItem(a.db, item.id, change, { actor }));
      if (o.json) printJson(io, { itemId: r.itemId, sha256: r.sha256, changed: r.changed, tags: r.after, custodySeq: r.event?.seq ?? null });
      else outLine(io, r.changed ? t('tag:tagged', { item: r.itemId, seq: r.event!.seq }) : t('tag:unchanged', { item: r.itemId }));
      return 0;
    });
  },
};
