// The media hash list part of `evidence ingest`'s human output (core/mhl/ingest-check.ts).
import type { MhlIngestReport } from '../../core/mhl/ingest-check.ts';
import { t } from '../i18n/index.ts';
import type { Io } from '../io.ts';
import { errLine, outLine, printable } from './text.ts';

/** The message for each way the chain fails to vouch for a generation file (core/mhl/read.ts ChainCheck). */
const CHAIN_KEYS: Record<string, string> = {
  unlisted: 'mhl:chainUnlisted', mismatch: 'mhl:chainMismatch', missing: 'mhl:chainMissing', 'no-chain': 'mhl:chainNone',
};

/** Lines printed per kind of verdict (changed, missing, …); the rest are counted. */
const LINES_PER_STATUS = 50;

/** One line per hash list found, then one per file that is not verified (changed, missing, not listed, not checked) and per invalid entry. */
export function printMhlReport(io: Io, r: MhlIngestReport): void {
  for (const h of r.histories) {
    const g = h.latest;
    const c = g?.creator;
    outLine(io, printable(t('mhl:history', {
      folder: h.folder, kind: h.kind === 'asc-mhl' ? 'ASC MHL' : 'MHL 1.1', sequence: g?.sequence ?? 0, generations: h.generations,
      tool: [c?.tool, c?.toolVersion].filter(Boolean).join(' ') || t('mhl:unknown'), host: c?.hostName ?? t('mhl:unknown'),
      date: c?.creationDate ?? t('mhl:unknown'), author: c?.authors.map((a) => a.name).join(', ') || t('mhl:nobody'),
      verified: h.counts.verified, mismatch: h.counts.mismatch, missing: h.counts.missing, notListed: h.counts.notListed, invalid: h.counts.invalid,
    })));
    for (const ch of h.chain) if (ch.status !== 'ok') errLine(io, printable(t(CHAIN_KEYS[ch.status] ?? 'mhl:chain', { folder: h.folderName, path: ch.path, status: ch.status })));
    for (const d of h.duplicates ?? []) errLine(io, printable(t('mhl:duplicateSequence', { folder: h.folderName, sequence: d.sequence, files: d.files.join(', ') })));
    for (const p of h.problems) errLine(io, printable(t('mhl:problem', { problem: p })));
  }
  for (const p of r.problems ?? []) errLine(io, printable(t('mhl:problem', { problem: p })));
  for (const f of (r.nameMatches ?? []).slice(0, LINES_PER_STATUS)) {
    outLine(io, printable(t(f.nameMatch === 'letter-case' ? 'mhl:nameCase' : 'mhl:nameNormalization', { entry: f.entry, card: f.cardName ?? '', history: f.history })));
  }
  // A list naming a million files that are not on the card: the first of each kind, then a count.
  const shown = new Map<string, number>();
  for (const f of r.files) {
    const n = (shown.get(f.status) ?? 0) + 1;
    shown.set(f.status, n);
    if (n > LINES_PER_STATUS) continue;
    if (f.status === 'mismatch') outLine(io, printable(t('mhl:mismatch', { path: f.path, history: f.history, reason: f.reason ?? '' })));
    else if (f.status === 'missing') outLine(io, printable(t('mhl:missing', { path: f.path, history: f.history })));
    else if (f.status === 'not-listed') outLine(io, printable(t('mhl:notListed', { path: f.path })));
    else if (f.status === 'not-checked') outLine(io, printable(t('mhl:notChecked', { path: f.path, reason: f.reason ?? '' })));
    else if (f.status === 'invalid') outLine(io, printable(t('mhl:invalid', { history: f.history, entry: f.entry === '' ? '""' : f.entry, reason: f.reason ?? '' })));
  }
  for (const [status, n] of shown) if (n > LINES_PER_STATUS) outLine(io, t('fix14:mhlMore', { count: n - LINES_PER_STATUS, what: t(`fix14:status.${status}`) }));
}
