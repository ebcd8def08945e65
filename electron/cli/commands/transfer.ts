import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { BagInvalidError, recordTransfer } from '../../core/custody/transfer.ts';
import { recoverInterruptedExports } from '../../core/export/recovery.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { reportRecoveries } from './export.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';
import { t } from '../i18n/index.ts';

/**
 * `evidence transfer --to NAME --export ID`: records a transfer of custody of an exported set,
 * after verifying the bag in full when it is still on disk. Exit 1 (nothing recorded) when that bag
 * fails verification, naming every problem; exit 2 for an unknown export or an empty recipient.
 */
export const transferCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('transfer'))
      .requiredOption('--to <recipient>', 'who received the set, e.g. "Office of the Ombudsman"')
      .requiredOption('--export <id>', 'export id printed by `evidence export`')
      .option('--note <text>', 'how it was handed over (in person, courier, …)')
      .option('--operator <name>', 'who handed it over (custody log)')
      .option('--json', 'print as JSON')
      .description('record a transfer of custody: who received which evidence set, with its tag-manifest SHA-256; ' +
        'a bag still on disk is verified in full first (like verify-bag) and refused if it changed'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; to: string; export: string; note?: string; operator?: string; json?: boolean };
    return withArchive(o, { write: true }, async (a) => {
      // An export killed after it was recorded is finished here, so that it can be handed over.
      reportRecoveries(io, await recoverInterruptedExports(a, { actor: resolveOperator(o.operator) }));
      let r;
      try {
        r = await recordTransfer(a.db, { exportId: o.export, recipient: o.to, actor: resolveOperator(o.operator), note: o.note });
      } catch (e) {
        if (e instanceof BagInvalidError) {
          for (const p of e.problems) errLine(io, `FAIL ${[p.file, p.seq !== undefined ? `custody row ${p.seq}` : undefined].filter(Boolean).join(' ')}: ${p.reason}`);
          errLine(io, `evidence: ${t('transfer:refused', { exportId: e.exportId, bag: e.bagDir, problems: t('n.problem', { count: e.problems.length }) })}`);
          return 1;
        }
        throw new UsageError(printable((e as Error).message));
      }
      if (o.json) printJson(io, { exportId: r.exportId, recipient: r.recipient, tagManifestSha256: r.tagManifestSha256, bagVerified: r.bagVerified, ...(r.reason ? { reason: r.reason } : {}), items: r.items, event: r.event });
      else outLine(io, t('transfer:recorded', { exportId: r.exportId, items: t('n.item', { count: r.items }), sha: r.tagManifestSha256, recipient: r.recipient, seq: r.event.seq }) +
        (r.bagVerified ? t('transfer:verified') : t('transfer:notVerified', { reason: r.reason })));
      return 0;
    });
  },
};
