// Which items a public release leaves out (issue 11 §3): an item linked to a person flagged
// sensitive, or to one whose consent to publication is not `given`, is withheld from the set —
// its file, not only its links — unless the exporter opts in for that very item. The choice is
// made before the bag is written (the export then sees only the items to send) and is recorded in
// the export's `selection`, which the set's dissemination custody event carries.
import { WITHHOLD_REASONS, WITHHOLD_REASON_TEXT, type WithheldMedia, type WithholdReason } from '../../common/public-release.ts';
import type { Db } from '../db/open.ts';

/** A public release that cannot be made as asked: nothing was written. The message says why. */
export class PublicReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublicReleaseError';
  }
}

interface LinkRow {
  item_id: number;
  sha256: string;
  consent: string;
  sensitive: number;
}

/**
 * The items of `itemIds` a public release withholds, by id ascending, each with its file name
 * (first sighting's) and reasons (WithheldMedia): linked, in any role, to a person flagged
 * sensitive ("sensitive"), or whose consent is "refused" or "unknown". Items with no such person
 * are not listed. Unknown ids are ignored. Reads only.
 */
export function withheldFromPublicRelease(db: Db, itemIds: readonly number[]): WithheldMedia[] {
  const wanted = new Set(itemIds);
  if (!wanted.size) return [];
  const rows = db.prepare(`SELECT ip.item_id, i.sha256, p.consent, p.sensitive FROM item_people ip
    JOIN people p ON p.id = ip.person_id JOIN items i ON i.id = ip.item_id
    WHERE p.sensitive = 1 OR p.consent <> 'given' ORDER BY ip.item_id`).all() as LinkRow[];
  const reasons = new Map<number, { sha256: string; set: Set<WithholdReason> }>();
  for (const r of rows) {
    if (!wanted.has(r.item_id)) continue;
    const entry = reasons.get(r.item_id) ?? { sha256: r.sha256, set: new Set<WithholdReason>() };
    if (r.sensitive) entry.set.add('sensitive');
    if (r.consent === 'refused') entry.set.add('consent-refused');
    // Any other value than given is no yes; the schema allows only "unknown" besides.
    else if (r.consent !== 'given') entry.set.add('consent-unknown');
    reasons.set(r.item_id, entry);
  }
  const nameOf = db.prepare('SELECT file_name name FROM sightings WHERE item_id = ? ORDER BY id LIMIT 1');
  return [...reasons].map(([id, { sha256, set }]) => {
    const list = WITHHOLD_REASONS.filter((r) => set.has(r));
    const name = (nameOf.get(id) as { name: string } | undefined)?.name ?? sha256;
    return { id, sha256, fileName: name, reasons: list, reasonText: list.map((r) => WITHHOLD_REASON_TEXT[r]).join('; ') };
  });
}

/** What a public release of a selection sends and leaves out. */
export interface PublicReleasePlan {
  /** The items to export, in the order given: the selection minus `withheld`. */
  ids: number[];
  /** Items left out, by id. */
  withheld: WithheldMedia[];
  /** Items that would have been left out, sent because the exporter asked for each (`includeIds`). */
  included: WithheldMedia[];
}

/**
 * Splits the selection `itemIds` of a public release into what it sends and what it withholds
 * (withheldFromPublicRelease), sending a withheld item only when its id is in `includeIds` (the
 * exporter's explicit, per-item opt-in: `--include-withheld-media`, the Export screen's choice).
 * Throws PublicReleaseError when an id of `includeIds` is not in the selection, or when every
 * item of a non-empty selection would be withheld (a set of nothing is refused, and saying so is
 * clearer than an empty bag). Ids of `includeIds` that are not withheld are ignored.
 */
export function planPublicRelease(db: Db, itemIds: readonly number[], includeIds: readonly number[] = []): PublicReleasePlan {
  const chosen = new Set(itemIds);
  for (const id of includeIds) {
    if (!chosen.has(id)) throw new PublicReleaseError(`item ${id} is not among the items chosen for this set`);
  }
  const optIn = new Set(includeIds);
  const all = withheldFromPublicRelease(db, itemIds);
  const withheld = all.filter((w) => !optIn.has(w.id));
  const included = all.filter((w) => optIn.has(w.id));
  const out = new Set(withheld.map((w) => w.id));
  const ids = [...new Set(itemIds)].filter((id) => !out.has(id));
  if (!ids.length && withheld.length) {
    const which = withheld.length === 1 ? 'the only item chosen is' : `all ${withheld.length} items chosen are`;
    throw new PublicReleaseError(`${which} withheld from a public release; nothing was exported`);
  }
  return { ids, withheld, included };
}

/**
 * The record of a plan that the export's `selection` carries (and with it the set's dissemination
 * custody event and the exports row): each item left out and each sent on request, by SHA-256,
 * with its reason codes. No file names: the custody log identifies items by digest.
 */
export function publicReleaseRecord(plan: PublicReleasePlan): { withheld: { item: string; reasons: WithholdReason[] }[]; includedOnRequest: { item: string; reasons: WithholdReason[] }[] } {
  const rec = (w: WithheldMedia) => ({ item: w.sha256, reasons: w.reasons });
  return { withheld: plan.withheld.map(rec), includedOnRequest: plan.included.map(rec) };
}

/**
 * The bag-info.txt element (RFC 8493 §2.2.2, a reserved-free name of ours) telling the recipient
 * of a public set that items were left out: how many, and how many for each reason — never which.
 * A file name ("Aigul_statement.mp4", or "IMG_0412.JPG" beside the same name in a set an authority
 * holds) or an item id could itself point at the person withheld, and the recipient of a public set
 * is anyone. Empty when nothing was withheld. Items sent on request are not mentioned: saying a
 * published item concerns a person flagged sensitive would single it out.
 */
export function withheldBagInfo(withheld: readonly WithheldMedia[]): Record<string, string> {
  if (!withheld.length) return {};
  const counts = WITHHOLD_REASONS.map((r) => [r, withheld.filter((w) => w.reasons.includes(r)).length] as const).filter(([, n]) => n > 0);
  const n = withheld.length;
  return {
    // Counted per reason, and an item can have several: the counts need not add up to n.
    'Evidence-Withheld-Items': `${n} item${n === 1 ? '' : 's'} chosen for this set ${n === 1 ? 'was' : 'were'} left out of it. Reasons ` +
      `(an item can have several): ${counts.map(([r, k]) => `${WITHHOLD_REASON_TEXT[r]}: ${k} item${k === 1 ? '' : 's'}`).join('; ')}. ` +
      'Which items, and why, is recorded in the source archive.',
  };
}
