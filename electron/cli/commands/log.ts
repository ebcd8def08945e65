import type { Command } from 'commander';
import { collect } from './options.ts';
import { chainHead } from '../../core/custody/log.ts';
import { logBound, queryCustodyEvents, resolveEventTypes, type CustodyFilter } from '../../core/custody/query.ts';
import { custodyLine, originalNames } from '../../core/custody/readable.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';
import { cliLanguage } from '../i18n/index.ts';
import { custodyLineWords } from '../i18n/custody-words.ts';


interface LogOptions {
  archive?: string;
  item?: string;
  type?: string[];
  actor?: string;
  from?: string;
  to?: string;
  failed?: boolean;
  json?: boolean;
}

/** The options as a CustodyFilter; throws UsageError naming the option and the reason for a bad value. */
function filterOf(o: LogOptions): Omit<CustodyFilter, 'item'> {
  try {
    const types = o.type?.flatMap((t) => t.split(',')).filter((t) => t.trim() !== '').flatMap(resolveEventTypes);
    return {
      ...(types?.length ? { types: [...new Set(types)] } : {}),
      ...(o.actor !== undefined ? { actor: o.actor } : {}),
      ...(o.from !== undefined ? { from: logBound('--from', o.from) } : {}),
      ...(o.to !== undefined ? { to: logBound('--to', o.to) } : {}),
      ...(o.failed ? { failed: true } : {}),
    };
  } catch (e) {
    throw new UsageError(printable((e as Error).message));
  }
}

export const log: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('log'))
      .option('--item <item>', 'only events of this item (id or SHA-256 prefix), with the fixity check runs it passed in')
      .option('--type <type>', 'only events of this PREMIS type, or of every type starting so ("metadata", "fixity"): ingestion, "message digest calculation", replication, "fixity check", "metadata extraction", "metadata modification", dissemination, transfer, "digital signature generation" (repeatable, or comma-separated)', collect)
      .option('--actor <name>', 'only events recorded by this operator (exact name, ASCII case ignored)')
      .option('--from <when>', 'only events at or after: a UTC date (YYYY-MM-DD, from its start) or an ISO 8601 time (UTC unless it gives an offset)')
      .option('--to <when>', 'only events before: a UTC date (YYYY-MM-DD, the whole day included) or an ISO 8601 time (UTC unless it gives an offset)')
      .option('--failed', 'only events whose outcome is a failure (failed fixity checks, unreadable metadata, abandoned exports)')
      .option('--json', 'print as JSON: {chainHead, events}, every event verbatim with its hashes')
      .description('print the custody log, one readable line per event: when, who, what, on which file, outcome'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as LogOptions;
    const filter = filterOf(o);
    return withArchive(o, {}, async (a) => {
      let sha: string | undefined;
      if (o.item) {
        try {
          sha = resolveItemRef(a.db, o.item).record.sha256;
        } catch (e) {
          throw new UsageError(printable((e as Error).message));
        }
      }
      const events = queryCustodyEvents(a.db, { ...filter, ...(sha ? { item: sha } : {}) });
      if (o.json) {
        // chainHead is the whole log's, filtered or not: what a reader checks the chain against.
        printJson(io, { chainHead: chainHead(a.db), events: [...events] });
        return 0;
      }
      const nameOf = originalNames(a.db);
      const words = custodyLineWords(cliLanguage());
      // File names go in their display form (displayName), the rest through printable with the line.
      // In one item's log a run event is that item's pass in the run: it is named by the item's file.
      for (const ev of events) outLine(io, custodyLine(ev, sha ? nameOf(sha) : ev.item === null ? null : nameOf(ev.item), { words, forItem: sha !== undefined }));
      return 0;
    });
  },
};
