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
import { failureLines, noteLine, progressLine, scopeText } from './verify-lines.ts';
import { archiveOption, formatBytes, type CliCommand } from './shared.ts';
import { outLine, count, printable } from './text.ts';

/** Why a check added nothing to the custody log (FixityReport.unrecordedBecause), as the summary says it. */
const UNRECORDED = { 'read-only': 'the archive is open read-only', 'disk-full': 'the disk is full', unknown: 'not recorded' } as const;

/**
 * What the check did to and with the custody log, in two lines: the chain it recomputed (the log
 * as it stood before the check) and the `fixity check` events the check then appended itself, so
 * that the head after the check is not read as the size of the chain that was checked.
 */
function custodyLines(r: FixityReport): string[] {
  const chainProblems = r.problems.filter((p) => p.kind === 'custody').length;
  const before = r.chainHeadBefore ? `head #${r.chainHeadBefore.seq} before this check` : 'the log was empty before this check';
  const head = r.chainHead ? `#${r.chainHead.seq} ${r.chainHead.hash}` : 'none';
  let added: string;
  if (r.custodyEventsAdded > 0) added = t('verify-scale:run.recorded', { count: r.custodyEventsAdded, head });
  else if (r.interrupted && !r.unrecordedBecause) added = t('verify-scale:run.notRecordedYet', { run: r.run.id });
  else added = `this check added no event to the custody log (${UNRECORDED[r.unrecordedBecause ?? 'unknown']}); head ${head}`;
  return [
    `custody chain: ${count(r.custodyRowsChecked, 'row')} recomputed, ${chainProblems ? count(chainProblems, 'problem') : r.custodyRowsChecked === 1 ? 'it holds' : 'all hold'} (${before})`,
    added,
  ];
}

/** The filters of the command line, parsed (ScopeError for a bad value). */
function filtersOf(o: { since?: string; olderThan?: string; sample?: string; item?: string[]; reel?: string[] }): ScopeFilters {
  const items = (o.item ?? []).map((v) => {
    if (!/^\d+$/u.test(v.trim())) throw new ScopeError(`--item: ${JSON.stringify(v)} is not an item id (a whole number, as \`evidence list\` shows)`);
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

/** The seals line of the summary: how many, by whom, whether they hold, which root was recomputed. */
function sealLine(r: FixityReport): string {
  const s = r.seals;
  if (!s.latest) return 'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)';
  const who = s.signers.length ? `signed by ${s.signers.join(', ')}` : 'none signed';
  const state = s.firstBroken !== null ? `BROKEN from the seal of row ${s.firstBroken}` : `all hold${s.rootChecked !== null ? `, Merkle root of row ${s.rootChecked} recomputed` : ''}`;
  const unsigned = s.count - s.signed;
  return `seals: ${count(s.count, 'seal')} (${who}${unsigned ? `; ${unsigned} unsigned, which prove nothing against a forger` : ''}), latest of row ${s.latest.seq} at ${s.latest.sealedAt ?? '?'}; ${state}`;
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
      .option('--json', 'print the report as JSON')
      .option('--replicas', 'also check every copy in every replica (SHA-256)')
      .description('fixity check: re-hash every object (or those selected), find missing and unexpected objects, recompute the custody chain, check its seals; an interrupted run resumes'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string; expectHead?: string; expectKey?: string[]; since?: string; olderThan?: string; sample?: string; item?: string[]; reel?: string[]; replicas?: boolean; restart?: boolean };
    let filters: ScopeFilters;
    try {
      filters = filtersOf(o);
    } catch (e) {
      if (e instanceof ScopeError) throw new UsageError(e.message);
      throw e;
    }
    for (const k of o.expectKey ?? []) if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(k)) throw new UsageError(`--expect-key: ${k} is not an OpenSSH fingerprint (SHA256: and 43 base64 characters)`);
    let expectHead: { seq: number; hash: string } | undefined;
    if (o.expectHead !== undefined) {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(o.expectHead.trim());
      if (!m) throw new UsageError('--expect-head: give SEQ:HASH, e.g. 812:3f2a… (64 hex digits)');
      expectHead = { seq: Number(m[1]), hash: m[2]! };
    }
    const dir = resolveArchiveDir(o.archive);
    let a: Archive;
    try {
      a = await openArchive(dir, { write: true });
    } catch (e) {
      // Read-only media, a received copy or a full disk: check it all the same, just without recording the check.
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (['ENOSPC', 'EDQUOT'].includes(code)) io.err('note: the disk is full; the fixity check runs but cannot be recorded in the archive\'s custody log\n');
      else if (['EACCES', 'EROFS', 'EPERM'].includes(code)) io.err('note: the archive is read-only here; the fixity check runs but cannot be recorded in its custody log\n');
      else throw e;
      a = await openArchive(dir, { write: false });
    }
    try {
      const bar = io.isTTY && !o.json ? progressLine(io) : null;
      let r: FixityReport;
      try {
        r = await verifyArchive(a, {
          actor: resolveOperator(o.operator), signal: io.signal, expectHead, ...(o.expectKey ? { trustedFingerprints: o.expectKey } : {}),
          filters, ...(o.restart ? { restart: true } : {}), ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
        });
      } catch (e) {
        if (e instanceof ScopeError) throw new UsageError(e.message);
        throw e;
      } finally {
        bar?.done();
      }
      if (r.abandonedRun) io.err(`${printable(t('verify-scale:abandoned', { run: r.abandonedRun.id, seq: r.abandonedRun.eventSeq ?? '—' }))}\n`);
      if (r.run.resumed) io.err(`${printable(t('verify-scale:resuming', { run: r.run.id, startedAt: r.run.startedAt, scope: scopeText(r.run), done: r.run.checkedBefore, total: r.run.itemsSelected }))}\n`);
      const rr = o.replicas ? await verifyReplicas(a, { actor: resolveOperator(o.operator), signal: io.signal }) : null;
      if (o.json) printJson(io, rr ? { ...r, replicas: rr } : r);
      else {
        for (const p of r.problems) for (const l of failureLines(p) ?? [`FAIL ${p.kind}: ${p.reason}`]) outLine(io, l);
        for (const n of r.notes) outLine(io, noteLine(n));
        for (const f of r.unrecordedCopies) outLine(io, `NOTE unrecorded copy: ${f}: an intact copy that no item records yet (an interrupted ingest stored it; running that ingest again records it)`);
        // A cancelled check verified nothing: "FAILED … 0 problems" would read as a broken archive.
        const verdict = r.interrupted ? 'INTERRUPTED' : r.ok ? 'OK' : 'FAILED';
        outLine(io, `${verdict}: ${r.itemsChecked} of ${count(r.itemsTotal, 'item')} (${formatBytes(r.bytesChecked)}) re-hashed, ${count(r.problems.length, 'problem')}${r.interrupted ? ' found before the stop' : ''}`);
        const failed = Object.values(r.run.failed).reduce((x, y) => x + y, 0);
        if (r.run.id) outLine(io, t('verify-scale:run.summary', { run: r.run.id, scope: scopeText(r.run), passed: r.run.passed, failed, root: r.run.merkle.root, leaves: r.run.merkle.leaves }));
        if (!r.run.wholeArchive) outLine(io, t('verify-scale:run.partial'));
        for (const line of custodyLines(r)) outLine(io, line);
        outLine(io, sealLine(r));
        if (rr) for (const line of replicaVerifyLines(rr)) outLine(io, line);
        if (r.interrupted) io.err(`${printable(r.run.id ? t('verify-scale:run.interrupted', { run: r.run.id, done: r.itemsChecked, total: r.itemsTotal }) : 'The fixity check was interrupted before every item was re-hashed: the archive is not verified. Run `evidence verify` again to check it in full.')}\n`);
      }
      // Read-only was said above; a full disk is found only when the check is to be recorded.
      if (a.writable && r.unrecorded) io.err(`note: the fixity check ran but could not be recorded in the archive's custody log: ${r.unrecorded}; free some space and run it again to record it\n`);
      return r.ok && (rr?.ok ?? true) ? 0 : 1;
    } finally {
      await a.close();
    }
  },
};
