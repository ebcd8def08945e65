import type { Command } from 'commander';
import { openArchive, resolveArchiveDir, resolveOperator, type Archive } from '../../core/archive.ts';
import { verifyArchive, type FixityReport } from '../../core/verify/fixity.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, formatBytes, type CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';

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
      ? t('verify:added', { events: t('n.fixityEvent', { count: r.custodyEventsAdded }), head })
      : t('verify:addedNone', { why: t(UNRECORDED[r.unrecordedBecause ?? 'unknown']), head }),
  ];
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
      .option('--json', 'print the report as JSON')
      .description('fixity check: re-hash every object, find missing and unexpected objects, recompute the custody chain, check its seals'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string; expectHead?: string; expectKey?: string[] };
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
      const r = await verifyArchive(a, { actor: resolveOperator(o.operator), signal: io.signal, expectHead, ...(o.expectKey ? { trustedFingerprints: o.expectKey } : {}) });
      if (o.json) printJson(io, r);
      else {
        for (const p of r.problems) outLine(io, `FAIL ${p.kind}: ${p.reason}`);
        for (const f of r.unrecordedCopies) outLine(io, t('verify:unrecordedCopy', { file: f }));
        // A cancelled check verified nothing: "FAILED … 0 problems" would read as a broken archive.
        const verdict = r.interrupted ? t('verify:verdict.interrupted') : r.ok ? t('verify:verdict.ok') : t('verify:verdict.failed');
        outLine(io, t('verify:summary', { verdict, checked: r.itemsChecked, total: t('n.item', { count: r.itemsTotal }), size: formatBytes(r.bytesChecked),
          problems: t('n.problem', { count: r.problems.length }), stop: r.interrupted ? t('verify:beforeStop') : '' }));
        for (const line of custodyLines(r)) outLine(io, line);
        outLine(io, sealLine(r));
        if (r.interrupted) io.err(`${t('verify:interrupted')}\n`);
      }
      // Read-only was said above; a full disk is found only when the check is to be recorded.
      if (a.writable && r.unrecorded) io.err(`${t('verify:notRecorded', { why: r.unrecorded })}\n`);
      return r.ok ? 0 : 1;
    } finally {
      await a.close();
    }
  },
};
