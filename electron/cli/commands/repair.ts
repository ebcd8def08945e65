// `evidence repair ITEM [--from REPLICA|FILE]` (issue 15 §3): restores a damaged or missing object
// from a copy whose SHA-256 matches the catalog's, and records the repair (core/replica/repair.ts).
import type { Command } from 'commander';
import type { FixityFinding } from '../../common/fixity.ts';
import { resolveOperator } from '../../core/archive.ts';
import { originalNames } from '../../core/custody/readable.ts';
import { acknowledgeItem, repairDamaged, repairItem, unansweredFailure, unrecordedChangeItems, type RepairCandidate, type RepairResult, type RepairSource } from '../../core/replica/repair.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { replicaErrorsAsUsage } from './replica.ts';
import { errnoWords, itemRefWords, replicaErrorWords } from './core-words.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

const fromWords = (s: RepairSource) => (s.kind === 'replica' ? t('replicas:fromReplica', { name: s.replica })
  : s.resolvedPath ? t('fixity9:repair.fromLink', { path: printable(s.path), real: printable(s.resolvedPath) }) : t('replicas:fromFile', { path: s.path }));

function stateWords(c: Pick<RepairCandidate, 'state' | 'found' | 'reason'> & { source?: RepairSource }): string {
  switch (c.state) {
    case 'missing': return t('replicas:stateMissing');
    // A file named by --from is not "altered": it is another file than the item's original.
    case 'altered': return c.source?.kind === 'file' ? t('f15b:replica.otherFile', { found: c.found }) : t('replicas:stateAltered', { found: c.found });
    case 'unreadable': return t('replicas:stateUnreadable', { error: errnoWords({ message: c.reason ?? '' }) ?? c.reason });
    case 'unreachable': return t('replicas:stateUnreachable', { reason: replicaErrorWords(c.reason ?? '') });
    default: return c.state;
  }
}

/** What was wrong with the archive's copy; for something other than a file at its place, what stood there (fixity9 §4), never only "missing". */
const findingWords = (f: FixityFinding) => f.notAFile === 'symbolic link' ? t('fixity9:repair.symlink', { target: printable(f.linkTarget ?? '?') })
  : f.notAFile ? t(`fixity9:repair.notAFile.${f.notAFile.replace(' ', '-')}`)
    : stateWords(f.kind === 'altered' ? { state: 'altered', found: f.found?.sha256 } : f.kind === 'unreadable' ? { state: 'unreadable', reason: f.error } : { state: 'missing' });

/** The lines of one item's repair, as `repair ITEM` prints them; returns whether it ended well (repaired or intact). */
function repairLines(io: Io, r: RepairResult): boolean {
  const v = { file: r.fileName ?? r.sha256.slice(0, 12), id: r.itemId };
  if (r.status === 'intact') {
    outLine(io, t('replicas:repairIntact', v));
    return true;
  }
  if (r.status === 'error') {
    outLine(io, t('fix15:repair.itemError', { ...v, error: r.error ?? '' }));
    return false;
  }
  outLine(io, t('replicas:repairWas', { ...v, what: findingWords(r.finding!) }));
  for (const c of r.tried) if (c.state !== 'good') outLine(io, t('replicas:repairRefused', { from: fromWords(c.source), state: stateWords(c) }));
  if (r.status === 'repaired') {
    outLine(io, t('replicas:repairDone', { from: fromWords(r.restoredFrom!), seq: r.custodySeq }));
    return true;
  }
  outLine(io, t('replicas:repairNoGood', { sha: r.sha256 }));
  return false;
}

export const repair: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('repair').argument('[item]', 'catalog id or SHA-256 prefix'))
      .option('--from <replica-or-file>', 'a replica\'s name, or a file holding the original (the card\'s); default: the first replica with a good copy')
      .option('--all-damaged', 'repair every item whose last fixity check found it missing, altered or unreadable (from the replicas; one custody event per item)')
      .option('--acknowledge', 'record that an intact copy put back outside the archive after a failed check is accepted (answers an "unrecorded change")')
      .option('--operator <name>', 'who repairs (custody log)')
      .option('--json', 'print the result as JSON')
      .description('restore a damaged or missing object from a copy whose SHA-256 matches the catalog, and record the repair in the custody log'),
  async run([item, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; from?: string; operator?: string; json?: boolean; allDamaged?: boolean; acknowledge?: boolean };
    if (o.allDamaged && item !== undefined) throw new UsageError(t('fix15:repair.allAndItem'));
    if (!o.allDamaged && item === undefined) throw new UsageError(t('fix15:repair.noItem'));
    if (o.acknowledge && (o.allDamaged || o.from !== undefined)) throw new UsageError(t('fix15:repair.acknowledgeAlone'));
    return withArchive(o, { write: true }, (a) => replicaErrorsAsUsage(async () => {
      const actor = resolveOperator(o.operator);
      if (o.allDamaged) {
        const all = await repairDamaged(a, { actor, signal: io.signal, ...(o.from !== undefined ? { from: o.from } : {}), ...(o.json ? {} : { onItem: (r) => repairLines(io, r) }) });
        const count = (s: RepairResult['status']) => all.filter((r) => r.status === s).length;
        // Put back by hand after a failed check: nothing to copy, but their last check FAILED and waits for an answer (fixity9 §6).
        const nameOf = originalNames(a.db);
        const unrecorded = unrecordedChangeItems(a.db).map((x) => ({ itemId: x.id, sha256: x.sha256, fileName: nameOf(x.sha256), status: 'unrecorded-change' as const }));
        if (o.json) printJson(io, [...all, ...unrecorded]);
        else {
          if (all.length) outLine(io, t('fix15:repair.allSummary', { count: all.length, repaired: count('repaired'), intact: count('intact'), failed: count('no-good-copy') + count('error') }));
          for (const u of unrecorded) outLine(io, t('fixity9:repair.unrecorded', { file: printable(u.fileName ?? u.sha256.slice(0, 12)), id: u.itemId }));
          if (!all.length && !unrecorded.length) outLine(io, t('fix15:repair.noneDamaged'));
        }
        return count('no-good-copy') + count('error') + unrecorded.length ? 1 : 0;
      }
      let r: RepairResult;
      try {
        if (o.acknowledge) {
          const k = acknowledgeItem(a, item as string, { actor });
          if (o.json) printJson(io, k);
          else {
            const v = { file: printable(k.fileName ?? k.sha256.slice(0, 12)), id: k.itemId };
            if (k.status === 'acknowledged') outLine(io, t('fix15:repair.acknowledged', { ...v, previous: k.previous!.outcome, at: k.previous!.checkedAt, seq: k.custodySeq }));
            else if (k.status === 'damaged') outLine(io, t('fix15:repair.ackDamaged', { ...v, what: findingWords(k.finding!) }));
            else outLine(io, t('fix15:repair.ackNothing', v));
          }
          return k.status === 'damaged' ? 1 : 0;
        }
        r = await repairItem(a, item as string, { actor, ...(o.from !== undefined ? { from: o.from } : {}) });
      } catch (e) {
        const words = itemRefWords((e as Error).message);
        if (words) throw new UsageError(printable(words));
        throw e;
      }
      if (o.json) {
        printJson(io, r);
        return r.status === 'no-good-copy' ? 1 : 0;
      }
      const ok = repairLines(io, r);
      // Intact now, but a failed check waits for an answer: the copy was put back by hand.
      if (r.status === 'intact' && unansweredFailure(a, r.itemId, r.sha256)) outLine(io, t('fix15:repair.intactButFailed', { id: r.itemId }));
      return ok ? 0 : 1;
    }));
  },
};
