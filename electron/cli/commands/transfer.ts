import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { recordTransfer } from '../../core/custody/transfer.ts';
import { printJson, type Io } from '../io.ts';
import { usage } from './catalog-shared.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';

/** `evidence transfer --to NAME --export ID`: records a transfer of custody of an exported set. */
export const transferCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('transfer'))
      .requiredOption('--to <recipient>', 'who received the set, e.g. "Office of the Ombudsman"')
      .requiredOption('--export <id>', 'export id printed by `evidence export`')
      .option('--note <text>', 'how it was handed over (in person, courier, …)')
      .option('--operator <name>', 'who handed it over (custody log)')
      .option('--json', 'print as JSON')
      .description('record a transfer of custody: who received which evidence set, with its tag-manifest SHA-256'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; to: string; export: string; note?: string; operator?: string; json?: boolean };
    return withArchive(o, { write: true }, async (a) => {
      const r = usage(() => recordTransfer(a.db, { exportId: o.export, recipient: o.to, actor: resolveOperator(o.operator), note: o.note }));
      if (o.json) printJson(io, { exportId: r.exportId, recipient: r.recipient, tagManifestSha256: r.tagManifestSha256, bagChecked: r.bagChecked, items: r.items, event: r.event });
      else io.out(`Transfer of ${r.exportId} (${r.items} items, tag manifest ${r.tagManifestSha256}) to ${r.recipient} recorded as custody event #${r.event.seq}${r.bagChecked ? '' : ' (bag not on disk: not re-checked)'}\n`);
      return 0;
    });
  },
};
