import type { Command } from 'commander';
import { chainHead, listCustodyEvents } from '../../core/custody/log.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

export const log: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('log')).option('--item <item>', 'only events of this item (id or SHA-256 prefix)').option('--json', 'print as JSON')
      .description('print the custody log'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; item?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      let sha: string | undefined;
      if (o.item) {
        try {
          sha = resolveItemRef(a.db, o.item).record.sha256;
        } catch (e) {
          throw new UsageError(printable((e as Error).message));
        }
      }
      const events = listCustodyEvents(a.db, sha ? { item: sha } : {});
      if (o.json) {
        printJson(io, { chainHead: chainHead(a.db), events });
        return 0;
      }
      for (const ev of events) {
        // JSON.stringify escapes C0 controls but not C1, U+2028/2029 or bidi controls: the whole line goes through printable.
        outLine(io, `#${ev.seq}  ${ev.at}  ${ev.type.padEnd(26)} ${ev.actor}  ${ev.item ? ev.item.slice(0, 12) : '(archive)'}  ${JSON.stringify(ev.detail)}`);
        outLine(io, `      hash ${ev.hash}  prev ${ev.prevHash}`);
      }
      return 0;
    });
  },
};
