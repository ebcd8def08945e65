// Which file on the card an entry of a hash list names when no file has its exact name: the same
// name in another Unicode normalisation form (macOS tools write NFD, most cards hold NFC:
// Unicode Standard Annex #15) or in another letter case (a FAT card mounted with
// shortname=lower, a list written on a case-insensitive volume). The exact name always comes
// first; a name is used only when exactly one file on the card fits it, else the entry stays
// unmatched and the report says which files fit.

/** How a card's file name differs from the entry that names it. */
export interface CardNameMatch {
  how: 'unicode-normalization' | 'letter-case';
  /** The file's path on the card, relative to the history's folder, "/" separated. */
  cardName: string;
}

/** The outcome of looking an entry up among a card's names: one file, several (ambiguous), or none. */
export type CardNameLookup = { match: CardNameMatch } | { ambiguous: { how: CardNameMatch['how']; names: string[] } } | null;

const nfc = (s: string) => s.normalize('NFC');
/** Case folding close to Unicode's full folding (ß and SS alike) without a table: upper, then lower. */
const fold = (s: string) => nfc(nfc(s).toUpperCase().toLowerCase());

/** The names of the files on one card (relative paths, "/" separated), indexed for lookEntryUp. */
export class CardNames {
  private readonly byNfc = new Map<string, string[]>();
  private readonly byFold = new Map<string, string[]>();

  constructor(names: Iterable<string>) {
    for (const n of names) {
      this.byNfc.set(nfc(n), [...(this.byNfc.get(nfc(n)) ?? []), n]);
      this.byFold.set(fold(n), [...(this.byFold.get(fold(n)) ?? []), n]);
    }
  }

  /**
   * The card file entry `rel` ("/" separated, no file of that exact name on the card) names:
   * the one file whose name is the same under NFC, else the one whose name is the same under NFC
   * and case folding; `taken` names (claimed exactly by other entries) are left out. Several
   * fitting files give `ambiguous` with their names, sorted; none gives null.
   */
  lookUp(rel: string, taken: ReadonlySet<string>): CardNameLookup {
    const levels: [CardNameMatch['how'], string[]][] = [
      ['unicode-normalization', this.byNfc.get(nfc(rel)) ?? []],
      ['letter-case', this.byFold.get(fold(rel)) ?? []],
    ];
    for (const [how, all] of levels) {
      const fit = all.filter((n) => n !== rel && !taken.has(n)).sort();
      if (fit.length === 1) return { match: { how, cardName: fit[0]! } };
      if (fit.length > 1) return { ambiguous: { how, names: fit } };
    }
    return null;
  }
}
