// `evidence replica add|list|sync` (issue 15 §3): second copies of the object store on another
// drive or a NAS folder (core/replica/), and the lines `verify --replicas` prints.
import type { Command } from 'commander';
import { resolveOperator, type Archive } from '../../core/archive.ts';
import { originalNames } from '../../core/custody/readable.ts';
import { archiveId } from '../../core/db/settings.ts';
import { addReplica, getReplica, removeReplica, listReplicas, reachability, replicaCounts, ReplicaError, type Replica } from '../../core/replica/store.ts';
import { syncReplica, type SyncReport } from '../../core/replica/sync.ts';
import type { ReplicasReport } from '../../core/replica/verify.ts';
import { formatUtc } from '../../core/report/words.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable } from './text.ts';
import { replicaErrorWords, syncReasonWords } from './core-words.ts';

const GROUP = 'replica';

function sub(program: Command, name: string): Command {
  const parent = program.commands.find((c) => c.name() === GROUP) ??
    program.command(GROUP).description('replicas: second copies of the object store (another drive, a NAS folder) that repair can restore from');
  return parent.command(name);
}

/** Runs `fn`, turning a ReplicaError (wrong folder, unknown name) into a usage error: exit 2 with its message. */
export async function replicaErrorsAsUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ReplicaError) throw new UsageError(printable(replicaErrorWords(e.message)));
    throw e;
  }
}

const add: CliCommand = {
  define: (p) => archiveOption(sub(p, 'add').argument('<dir>', 'an empty folder (on another drive, a NAS share), or one that already is this archive\'s replica'))
    .option('--name <name>', 'the replica\'s name (default: the folder\'s name)')
    .option('--json', 'print the replica as JSON')
    .description('add a folder as a replica of the object store (same content addresses); `replica sync` fills it'),
  async run([dir, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; name?: string; json?: boolean };
    return withArchive(o, { write: true }, (a) => replicaErrorsAsUsage(async () => {
      const r = await addReplica(a, dir as string, o.name);
      if (o.json) printJson(io, { ...r, archiveId: archiveId(a.db) });
      else {
        outLine(io, t('replicas:addDone', { name: r.name, path: r.path, archiveId: archiveId(a.db) }));
        outLine(io, t('replicas:addNext', { name: r.name }));
      }
      return 0;
    }));
  },
};

const list: CliCommand = {
  define: (p) => archiveOption(sub(p, 'list')).option('--json', 'print as JSON')
    .description('list the replicas: folder, whether it is connected, copies present and missing, last sync'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      const id = archiveId(a.db);
      const rows = listReplicas(a.db).map((r) => {
        const re = reachability(r, id);
        return { ...r, reachable: re.ok, ...(re.ok ? {} : { unreachable: re.why, reason: re.reason }), ...replicaCounts(a.db, r.id) };
      });
      if (o.json) {
        printJson(io, rows);
        return 0;
      }
      if (!rows.length) {
        outLine(io, t('replicas:listNone'));
        return 0;
      }
      const table = [[t('replicas:colName'), t('replicas:colPath'), t('replicas:colReachable'), t('replicas:colPresent'), t('replicas:colMissing'), t('replicas:colDamaged'), t('replicas:colLastSync')],
        ...rows.map((r) => [r.name, r.path, r.reachable ? t('replicas:yes') : t(`replicas:${r.unreachable}`), String(r.present), String(r.missing), String(r.damaged), r.lastSyncAt ? formatUtc(r.lastSyncAt) : t('replicas:never')])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
      for (const row of table) outLine(io, row.map((c, i) => (i === row.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  '));
      return 0;
    });
  },
};

/** Copies a human listing names one per line at most; `--json` lists them all. */
export const LINES_COPIES_MAX = 20;

/** `lines` up to LINES_COPIES_MAX, then "… and N more (`command` lists them all)". */
function capped(lines: string[], command: string): string[] {
  if (lines.length <= LINES_COPIES_MAX) return lines;
  return [...lines.slice(0, LINES_COPIES_MAX), t('replicas:moreCopies', { count: lines.length - LINES_COPIES_MAX, command })];
}

/** The human lines of one sync: the counts, then the copies the replica had lost and each failure, by original file name. */
function syncLines(a: Archive, rep: SyncReport): string[] {
  const nameOf = originalNames(a.db);
  const json = `evidence replica sync ${rep.replica} --json`;
  return [
    t('fix15:replica.syncDone', { name: rep.replica, copied: rep.copied, replaced: t('fix15:replica.damagedReplaced', { count: rep.replaced }), adopted: rep.adopted, present: rep.present, failed: rep.failed.length, size: formatBytes(rep.bytesCopied) }),
    ...(rep.vanished ? [t('fix15:replica.vanished', { name: rep.replica, count: rep.vanished })] : []),
    ...capped(rep.vanishedItems.map((c) => t('fix15:replica.vanishedCopy', { file: c.fileName ?? c.sha256.slice(0, 12), id: c.itemId, path: c.path })), json),
    ...capped(rep.failed.flatMap((f) => [
      t('replicas:syncFailed', { file: nameOf(f.sha256) ?? f.sha256.slice(0, 12), id: f.itemId, reason: syncReasonWords(f.reason, f.itemId) }),
      // The archive's copy at fault is a failed fixity check of the item, recorded (fixity9 §2); the replica's lost copy was not written again.
      ...(f.fixityEventSeq !== undefined ? [t('fixity9:sync.recorded', { id: f.itemId, seq: f.fixityEventSeq })] : []),
      ...(f.lostInReplica ? [t('fixity9:sync.lost')] : []),
    ]), json),
  ];
}

const sync: CliCommand = {
  define: (p) => archiveOption(sub(p, 'sync').argument('[name]', 'the replica to fill (default: every replica that is connected)'))
    .option('--operator <name>', 'who runs the sync (custody log)')
    .option('--json', 'print the reports as JSON')
    .description('copy the objects a replica lacks (each written under a temporary name, flushed, re-hashed by SHA-256, then renamed into place)'),
  async run([name, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; operator?: string; json?: boolean };
    return withArchive(o, { write: true }, (a) => replicaErrorsAsUsage(async () => {
      const actor = resolveOperator(o.operator);
      const chosen: Replica[] = name !== undefined ? [getReplica(a.db, name as string)] : listReplicas(a.db);
      if (!chosen.length) {
        outLine(io, t('replicas:listNone'));
        return 0;
      }
      const reports: SyncReport[] = [];
      const skipped: { replica: string; reason: string }[] = [];
      const id = archiveId(a.db);
      for (const r of chosen) {
        const re = reachability(r, id);
        // A replica named on the command line must be there; of all of them, those connected are synced.
        if (!re.ok && name !== undefined) throw new ReplicaError(re.reason);
        if (!re.ok) {
          skipped.push({ replica: r.name, reason: re.reason });
          continue;
        }
        reports.push(await syncReplica(a, r, { actor, signal: io.signal }));
      }
      if (o.json) printJson(io, { reports, skipped });
      else {
        for (const rep of reports) for (const line of syncLines(a, rep)) outLine(io, line);
        for (const s of skipped) errLine(io, t('replicas:syncSkipped', { name: s.replica, reason: replicaErrorWords(s.reason) }));
      }
      return reports.some((r) => r.failed.length || r.vanished || r.derivatives?.failed.length) || skipped.length ? 1 : 0;
    }));
  },
};

const remove: CliCommand = {
  define: (p) => archiveOption(sub(p, 'remove').argument('<name>', 'the replica to forget'))
    .option('--operator <name>', 'who removes it (custody log)')
    .option('--json', 'print the result as JSON')
    .description('forget a replica: it no longer counts as a copy (recorded in the custody log); its folder and files are left as they are'),
  async run([name, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; operator?: string; json?: boolean };
    return withArchive(o, { write: true }, (a) => replicaErrorsAsUsage(async () => {
      const r = removeReplica(a, name as string, { actor: resolveOperator(o.operator) });
      if (o.json) printJson(io, r);
      else outLine(io, t('fix15:replica.removed', { name: r.replica.name, path: r.replica.path, count: r.copies, seq: r.custodySeq }));
      return 0;
    }));
  },
};

export const replicaCommands: CliCommand[] = [add, list, sync, remove];

/**
 * What `verify --replicas` prints after the archive's own check: one line per copy with a problem
 * (by the item's original file name, else its path in the replica; LINES_COPIES_MAX per replica,
 * then how many more), one per replica not reached, a summary per replica.
 */
export function replicaVerifyLines(rep: ReplicasReport): string[] {
  if (!rep.replicas.length) return [t('replicas:verifyNone')];
  const lines: string[] = [];
  for (const c of rep.replicas) {
    if (!c.reachable) {
      lines.push(t('replicas:verifyUnreachable', { reason: c.reason ? replicaErrorWords(c.reason) : c.replica }));
      continue;
    }
    lines.push(...capped(c.problems.map((p) => {
      const v = { name: c.replica, file: p.fileName ?? p.path, id: p.itemId };
      if (p.kind === 'missing') return t('replicas:verifyMissing', v);
      if (p.kind === 'altered') return t('replicas:verifyAltered', { ...v, expected: p.sha256, found: p.found });
      if (p.kind === 'same-file') return t('replicas:verifySameFile', v);
      if (p.kind === 'not-a-file') return p.notAFile === 'symbolic link' ? t('fixity9:replica.symlink', { ...v, target: printable(p.linkTarget ?? '?') }) : t('fixity9:replica.notAFile', { ...v, what: t(`fixity9:what.${(p.notAFile ?? 'device').replace(' ', '-')}`) });
      return t('replicas:verifyUnreadable', { ...v, error: p.error });
    }), 'evidence verify --replicas --json'));
    const v = { name: c.replica, intact: c.intact, checked: c.checked, problems: c.problems.length };
    lines.push(t(c.problems.length ? 'replicas:verifySummaryProblems' : 'replicas:verifySummary', v));
  }
  return lines;
}
