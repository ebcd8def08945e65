import type { Command } from 'commander';
import { openArchive, resolveArchiveDir, resolveOperator, type Archive } from '../../core/archive.ts';
import { verifyArchive, type FixityReport } from '../../core/verify/fixity.ts';
import { verifyReplicas } from '../../core/replica/verify.ts';
import { replicaVerifyLines } from './replica.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, formatBytes, type CliCommand } from './shared.ts';
import { outLine, count } from './text.ts';

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
  return [
    `custody chain: ${count(r.custodyRowsChecked, 'row')} recomputed, ${chainProblems ? count(chainProblems, 'problem') : r.custodyRowsChecked === 1 ? 'it holds' : 'all hold'} (${before})`,
    r.custodyEventsAdded > 0
      ? `this check added ${count(r.custodyEventsAdded, 'fixity-check event')} to the custody log (1 per item re-hashed + 1 for the archive); head now ${head}`
      : `this check added no event to the custody log (${UNRECORDED[r.unrecordedBecause ?? 'unknown']}); head ${head}`,
  ];
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
      .option('--json', 'print the report as JSON')
      .option('--replicas', 'also check every copy in every replica (SHA-256)')
      .description('fixity check: re-hash every object, find missing and unexpected objects, recompute the custody chain, check its seals'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string; expectHead?: string; expectKey?: string[]; replicas?: boolean };
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
      const r = await verifyArchive(a, { actor: resolveOperator(o.operator), signal: io.signal, expectHead, ...(o.expectKey ? { trustedFingerprints: o.expectKey } : {}) });
      const rr = o.replicas ? await verifyReplicas(a, { actor: resolveOperator(o.operator), signal: io.signal }) : null;
      if (o.json) printJson(io, rr ? { ...r, replicas: rr } : r);
      else {
        for (const p of r.problems) outLine(io, `FAIL ${p.kind}: ${p.reason}`);
        for (const f of r.unrecordedCopies) outLine(io, `NOTE unrecorded copy: ${f}: an intact copy that no item records yet (an interrupted ingest stored it; running that ingest again records it)`);
        // A cancelled check verified nothing: "FAILED … 0 problems" would read as a broken archive.
        const verdict = r.interrupted ? 'INTERRUPTED' : r.ok ? 'OK' : 'FAILED';
        outLine(io, `${verdict}: ${r.itemsChecked} of ${count(r.itemsTotal, 'item')} (${formatBytes(r.bytesChecked)}) re-hashed, ${count(r.problems.length, 'problem')}${r.interrupted ? ' found before the stop' : ''}`);
        for (const line of custodyLines(r)) outLine(io, line);
        outLine(io, sealLine(r));
        if (rr) for (const line of replicaVerifyLines(rr)) outLine(io, line);
        if (r.interrupted) io.err('The fixity check was interrupted before every item was re-hashed: the archive is not verified. Run `evidence verify` again to check it in full.\n');
      }
      // Read-only was said above; a full disk is found only when the check is to be recorded.
      if (a.writable && r.unrecorded) io.err(`note: the fixity check ran but could not be recorded in the archive's custody log: ${r.unrecorded}; free some space and run it again to record it\n`);
      return r.ok && (rr?.ok ?? true) ? 0 : 1;
    } finally {
      await a.close();
    }
  },
};
