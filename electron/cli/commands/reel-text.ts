// How reels read in the CLI's human output: the ingest report's reel lines, a card's identity.
import { shiftText, type ReelRunReport, type ReelWhy } from '../../core/reels/assign.ts';
import { cliLanguage, t } from '../i18n/index.ts';
import { CATALOGS } from '../i18n/catalogs.ts';

/** "DCF camera card, Canon (DCIM/100CANON, MISC)", or "—" for no card identity. */
export function cardText(card: { kind: string; maker: string | null; folders: string[] } | null): string {
  if (!card) return '—';
  // The kind is the catalog's English name (core/reels/card.ts); said in the user's language when known.
  const kind = (CATALOGS.fix15?.[cliLanguage()] as { cardKind?: Record<string, string> } | undefined)?.cardKind?.[card.kind] ?? card.kind;
  return `${kind}${card.maker && !card.kind.includes(card.maker) ? `, ${card.maker}` : ''}${card.folders.length ? ` (${card.folders.join(', ')})` : ''}`;
}

/** "EOS_DIGITAL / 3A4F-1B2C", "—" when the volume gave neither. */
export function volumeText(label: string | null, uuid: string | null): string {
  return [label, uuid].filter(Boolean).join(' / ') || '—';
}

/** The note of a reel choice, in the CLI's language. */
export function whyText(name: string, why: ReelWhy | null): string | null {
  if (!why) return null;
  switch (why.code) {
    case 'renamed': return t('reels:note_renamed', { name, other: why.clashesWith, matched: why.matched, conflicting: why.conflicting });
    case 'same-card': return why.shiftSeconds
      ? t('reels:note_same_card_shifted', { name, matched: why.matched, shift: shiftText(why.shiftSeconds) })
      : t('reels:note_same_card', { name, matched: why.matched });
    case 'same-uuid': return t('reels:note_same_uuid', { name, uuid: why.uuid });
    case 'split-after-read': return t('reels:note_split', { name, from: why.from, differs: why.contentDiffers });
  }
}

/** One line per reel of an ingest run, each followed by its note (indented) when there is one. */
export function reelLines(reels: readonly ReelRunReport[]): string[] {
  const out: string[] = [];
  for (const r of reels) {
    const card = r.card ? `; ${cardText(r.card)}` : '';
    const volume = r.volumeLabel || r.volumeUuid ? `; ${volumeText(r.volumeLabel, r.volumeUuid)}` : '';
    out.push(t(r.created ? 'reels:ingest_reel_new' : 'reels:ingest_reel_existing', { name: r.name, card, volume }) + `, ${t('files', { count: r.files })}`);
    const note = whyText(r.name, r.why);
    if (note) out.push(`  ${note}`);
  }
  return out;
}
