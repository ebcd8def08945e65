import type { Command } from 'commander';
import { openArchive, resolveArchiveDir, resolveOperator, type Archive } from '../../core/archive.ts';
import { verifyArchive, type FixityReport } from '../../core/verify/fixity.ts';
import { verifyReplicas } from '../../core/replica/verify.ts';
import { replicaVerifyLines } from './replica.ts';
import { ScopeError } from '../../core/verify/reels.ts';
import { parseAge, parseSample, parseSince, type ScopeFilters } from '../../core/verify/scope.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { collect } from './options.ts';
import { localMinute, noteLines, otherOpenLine, recheckLines, problemLines, progressLine, scopeText, verifyCommand } from './verify-lines.ts';
import { scopeErrorWords } from './core-words.ts';
import { archiveOption, formatBytes, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

/** Why a check added nothing to the custody log (FixityReport.unrecordedBecause), as the summary says it. */
const UNRECORDED = { 'read-only': 'verify:unrecorded.readOnly', 'disk-full': 'verify:unrecorded.diskFull', unknown: 'verify:unrecorded.unknown' } as const;

/**
 * What the check did to and with the custody log, in two lines: the chain it recomputed (the log
 * as it stood before the check) and the `fixity check` events the check then appended itself, so
 * that the head after the check is not read as the size of the chain that was checked.
 */
function custodyLines(r: FixityReport): string[] {
  const chainProblems = r.problems.filter((p) => p.kind === 'custody').length;
  const before = r.chainHeadBefore ? t('verify:headBefore', { seq: r.chainHeadBefore.seq }) : t('verify:emptyBefore');
  const head = r.chainHead ? `#${r.chainHead.seq} ${r.chainHead.hash}` : t('common:none');
  const state = chainProblems ? t('n.problem', { count: chainProblems }) : r.custodyRowsChecked === 1 ? t('verify:itHolds') : t('verify:allHold');
  return [
    t('verify:chain', { rows: t('n.row', { count: r.custodyRowsChecked }), state, before }),
    r.custodyEventsAdded > 0
      ? t('verify-scale:run.recorded', { count: r.custodyEventsAdded, head })
      : r.interrupted && !r.unrecordedBecause
        ? t('verify-scale:run.notRecordedYet', { run: r.run.id })
        : t('verify:addedNone', { why: t(UNRECORDED[r.unrecordedBecause ?? 'unknown']), head }),
  ];
}

/** The filters of the command line, parsed (ScopeError for a bad value). */
function filtersOf(o: { since?: string; olderThan?: string; sample?: string; item?: string[]; reel?: string[] }): ScopeFilters {
  const items = (o.item ?? []).map((v) => {
    if (!/^\d+$/u.test(v.trim())) throw new ScopeError(t('f15b:scope.itemId', { value: JSON.stringify(v) }));
    return Number(v);
  });
  return {
    ...(o.since !== undefined ? { since: parseSince(o.since) } : {}),
    ...(o.olderThan !== undefined ? { olderThan: (parseAge(o.olderThan), o.olderThan.trim()) } : {}),
    ...(o.sample !== undefined ? { sample: parseSample(o.sample) } : {}),
    ...(items.length ? { items } : {}),
    ...(o.reel?.length ? { reels: o.reel } : {}),
  };
}

/** Catalog bytes of the items the check could not read (missing or unreadable objects): counted in bytesChecked, never read. */
function notReadBytes(a: Archive, r: FixityReport): number {
  const size = a.db.prepare('SELECT bytes FROM items WHERE id = ?');
  let total = 0;
  for (const p of r.problems) {
    if ((p.kind === 'missing' || p.kind === 'unreadable') && p.itemId !== undefined) total += (size.get(p.itemId) as { bytes: number } | undefined)?.bytes ?? 0;
  }
  return total;
}

/** The seals line of the summary: how many, by whom, whether they hold, which root was recomputed. */
function sealLine(r: FixityReport): string {
  const s = r.seals;
  if (!s.latest) return t('verify:sealsNone');
  const who = s.signers.length ? t('verify:signedBy', { signers: s.signers.join(', ') }) : t('verify:noneSigned');
  const state = s.firstBroken !== null ? t('verify:broken', { seq: s.firstBroken }) : `${t('verify:allHold')}${s.rootChecked !== null ? t('verify:rootChecked', { seq: s.rootChecked }) : ''}`;
  const unsigned = s.count - s.signed;
  return t('verify:seals', { seals: t('n.seal', { count: s.count }), who, unsigned: unsigned ? t('verify:unsigned', { count: unsigned }) : '', seq: s.latest.seq, at: s.latest.sealedAt ?? '?', state });
}

export const verify: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('verify')).option('--operator <name>', 'who runs the check (custody log)')
      .option('--expect-head <seq:hash>', 'a chain head noted earlier (e.g. from a bag\'s custody.json): fail if that row is no longer in the log')
      .option('--expect-key <fingerprint>', 'the archive\'s seals must be signed by this key (SHA256:…; repeatable): a seal by another key fails', (v: string, acc: string[] = []) => [...acc, v.trim()])
      .option('--since <date>', 'only items ingested since this date (YYYY-MM-DD) or time (ISO 8601)')
      .option('--older-than <age>', 'only items not checked within this time (90d, 12w, 36h, 1y), or never checked')
      .option('--sample <percent>', 'a random sample of this percentage of the selected items (the seed is recorded)')
      .option('--item <id>', 'only this item (repeatable)', collect)
      .option('--reel <name>', 'only the items of this card or reel (repeatable)', collect)
      .option('--restart', 'do not resume an unfinished run: record what it found and start afresh')
      .option('--recheck-resumed', 'resuming a run: re-hash every item checked before the interruption, not only those whose file changed since')
      .option('--json', 'print the report as JSON')
      .option('--replicas', 'also check every copy in every replica (SHA-256)')
      .description('fixity check: re-hash every object (or those selected), find missing and unexpected objects, recompute the custody chain, check its seals; an interrupted run resumes'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string; expectHead?: string; expectKey?: string[]; since?: string; olderThan?: string; sample?: string; item?: string[]; reel?: string[]; replicas?: boolean; restart?: boolean; recheckResumed?: boolean };
    let filters: ScopeFilters;
    try {
      filters = filtersOf(o);
    } catch (e) {
      if (e instanceof ScopeError) throw new UsageError(printable(scopeErrorWords(e.message)));
      throw e;
    }
    for (const k of o.expectKey ?? []) if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(k)) throw new UsageError(t('verify:badKey', { key: k }));
    let expectHead: { seq: number; hash: string } | undefined;
    if (o.expectHead !== undefined) {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(o.expectHead.trim());
      if (!m) throw new UsageError(t('verify:badHead'));
      expectHead = { seq: Number(m[1]), hash: m[2]! };
    }
    const dir = resolveArchiveDir(o.archive);
    let a: Archive;
    try {
      a = await openArchive(dir, { write: true });
    } catch (e) {
      // Read-only media, a received copy or a full disk: check it all the same, just without recording the check.
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (['ENOSPC', 'EDQUOT'].includes(code)) io.err(`${t('verify:noteDiskFull')}\n`);
      else if (['EACCES', 'EROFS', 'EPERM'].includes(code)) io.err(`${t('verify:noteReadOnly')}\n`);
      else throw e;
      a = await openArchive(dir, { write: false });
    }
    try {
      const bar = io.isTTY && !o.json ? progressLine(io) : null;
      let r: FixityReport;
      try {
        r = await verifyArchive(a, {
          actor: resolveOperator(o.operator), signal: io.signal, expectHead, ...(o.expectKey ? { trustedFingerprints: o.expectKey } : {}),
          filters, ...(o.restart ? { restart: true } : {}), ...(o.recheckResumed ? { recheckResumed: true } : {}), ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
        });
      } catch (e) {
        if (e instanceof ScopeError) throw new UsageError(printable(scopeErrorWords(e.message)));
        throw e;
      } finally {
        bar?.done();
      }
      if (r.abandonedRun) io.err(`${printable(t('verify-scale:abandoned', { run: r.abandonedRun.id, seq: r.abandonedRun.eventSeq ?? '—' }))}\n`);
      for (const other of r.otherOpenRuns ?? []) io.err(`${otherOpenLine(other)}\n`);
      if (r.run.resumed) io.err(`${printable(t('fix15:verify.resuming', { run: r.run.id, startedAt: r.run.startedAt, scope: scopeText(r.run), done: r.run.checkedBefore, total: r.run.itemsSelected, command: verifyCommand(r.run.scope.filters) }))}\n`);
      if (r.addedOnResume) io.err(`${printable(t('fix15:verify.addedOnResume', { count: r.addedOnResume, run: r.run.id }))}\n`);
      const rr = o.replicas ? await verifyReplicas(a, { actor: resolveOperator(o.operator), signal: io.signal }) : null;
      if (o.json) printJson(io, rr ? { ...r, replicas: rr } : r);
      else {
        for (const p of r.problems) {
          const lines = p.integrity ? [t('verify-scale:catalogDamaged', { findings: p.integrity.join('; ') })] : problemLines(p);
          for (const l of lines) outLine(io, l);
        }
        for (const l of noteLines(r.notes, r.itemsChecked)) outLine(io, l);
        for (const f of r.unrecordedCopies) outLine(io, t('verify:unrecordedCopy', { file: f }));
        // A cancelled check verified nothing: "FAILED … 0 problems" would read as a broken archive.
        const verdict = r.interrupted ? t('verify:verdict.interrupted') : r.ok ? t('verify:verdict.ok') : t('verify:verdict.failed');
        const notRead = r.run.failed.missing + r.run.failed.unreadable;
        const summary = { verdict, checked: r.itemsChecked, total: t('fix15:verify.ofItems', { count: r.itemsTotal }), size: formatBytes(r.bytesChecked),
          problems: t('n.problem', { count: r.problems.length }), stop: r.interrupted ? t('verify:beforeStop') : '' };
        // Missing or unreadable objects were not read: the summary says how many were re-hashed and
        // how many could not be read, and the size of what was read (the failures' bytes were not).
        // A resumed run says which outcomes are of this sitting and which stand from before the interruption (fixity9 §1).
        const earlier = !r.interrupted ? r.run.checkedEarlier : undefined;
        const split = earlier ? { now: r.run.hashedNow, before: earlier.items, at: localMinute(earlier.lastCheckedAt) } : null;
        outLine(io, notRead
          ? t('f15b:summary.notRead', { ...summary, read: Math.max(0, r.itemsChecked - notRead), notRead, size: formatBytes(Math.max(0, r.bytesChecked - notReadBytes(a, r))) })
          : split ? t('fixity9:summary.resumed', { ...summary, ...split }) : t('verify:summary', summary));
        if (notRead && split) outLine(io, t('fixity9:summary.split', split));
        if (r.run.recheck && !r.interrupted) for (const l of recheckLines(r.run.recheck)) outLine(io, l);
        const failed = Object.values(r.run.failed).reduce((x, y) => x + y, 0);
        if (r.run.id) outLine(io, t('fix15:verify.runSummary', { run: r.run.id, scope: scopeText(r.run), passed: r.run.passed, failed, root: r.run.merkle.root, count: r.run.merkle.leaves }));
        if (!r.run.wholeArchive) outLine(io, t('verify-scale:run.partial'));
        for (const line of custodyLines(r)) outLine(io, line);
        outLine(io, sealLine(r));
        if (rr) for (const line of replicaVerifyLines(rr)) outLine(io, line);
        if (r.interrupted) {
          io.err(`${printable(r.run.id ? t('fix15:verify.interrupted', {
            run: r.run.id, scope: scopeText(r.run), done: r.itemsChecked, total: r.itemsTotal, what: t(r.run.wholeArchive ? 'fix15:verify.whatArchive' : 'fix15:verify.whatSelection'),
            command: verifyCommand(r.run.scope.filters),
          }) : t('verify:interrupted'))}\n`);
        }
      }
      // Read-only was said above; a full disk is found only when the check is to be recorded.
      if (a.writable && r.unrecorded) io.err(`${t('verify:notRecorded', { why: r.unrecorded })}\n`);
      return r.ok && (rr?.ok ?? true) ? 0 : 1;
    } finally {
      await a.close();
    }
  },
};
