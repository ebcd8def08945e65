// The English words core reports and custody events use for what a history does not vouch for
// (read.ts generationTrusted) and for a history that contradicts itself (read.ts HistoryChange).
import type { ChainCheck, HistoryChange, UntrustedRecord } from './read.ts';

/** Why the chain does not vouch for a generation file, after its name ("0002_….mhl is not listed in ascmhl_chain.xml"). */
export function chainWords(status: ChainCheck['status']): string {
  switch (status) {
    case 'unlisted': return 'is not listed in ascmhl_chain.xml';
    case 'mismatch': return 'was changed after it was chained (its C4 ID does not match ascmhl_chain.xml)';
    case 'missing': return 'is listed in ascmhl_chain.xml but not in the ascmhl folder';
    case 'no-chain': return 'has no ascmhl_chain.xml to vouch for it';
    default: return 'is vouched for by ascmhl_chain.xml';
  }
}

/** "not trusted: generation 0002_….mhl is not listed in ascmhl_chain.xml (it records md5 …)" for each record. */
export function untrustedReason(records: readonly UntrustedRecord[]): string {
  return records.map((r) => {
    const values = Object.entries(r.hashes).map(([f, v]) => `${f} ${v}`).join(', ');
    return `not trusted: generation ${r.fileName} ${chainWords(r.status)}${values ? ` (it records ${values})` : ''}`;
  }).join('; ');
}

/** "the hash list contradicts itself: generation 1 recorded md5 A, generation 2 md5 B (…)". */
export function changesReason(changes: readonly HistoryChange[]): string {
  const each = changes.map((c) => `generation ${c.earlier.generation} recorded ${c.format} ${c.earlier.value}, generation ${c.later.generation} ${c.format} ${c.later.value}`);
  return `the hash list contradicts itself: ${each.join('; ')} without recording a failed verification (the file changed between offloads)`;
}
