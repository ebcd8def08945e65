// A custody event as one line a person reads: when, who, what (the PREMIS event type), on which
// file by its original name, the outcome, and what happened in a sentence. The sentences are the
// custody report's (report/words.ts describeEvent), so `evidence log` and the report a court
// reads say the same thing; a failed fixity check says FAILED and what was found
// (common/fixity.ts), never reading like a passing one.
import { fixityFinding, fixityFindingLines, isFixityRunEvent, itemRunPass } from '../../common/fixity.ts';
import { isSourceListCheck } from '../../common/hashlist-words.ts';
import type { CustodyEvent } from '../../common/types.ts';
import { sourceOf } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import type { ReportLang } from '../report/model.ts';
import { describeEvent, formatBytes, formatUtc } from '../report/words.ts';
import { isFailedOutcome } from './query.ts';

/**
 * The outcome of an event in one word: FAILED (any outcome beginning with "fail"), "passed"
 * (fixity "pass"), "done" ("success"), "duplicate" (an ingest that found the content already
 * held), else the recorded outcome up to its first ":" ("in progress", "interrupted"); "—" when
 * the event records none.
 */
export function outcomeWord(outcome: unknown): string {
  if (isFailedOutcome(outcome)) return 'FAILED';
  if (typeof outcome !== 'string' || outcome.trim() === '') return '—';
  if (outcome === 'pass') return 'passed';
  if (outcome === 'success') return 'done';
  return outcome.split(':')[0]!.trim();
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A run's filters (verify/scope.ts ScopeFilters) in a few words: "since 2025-03-01T…, 10% sample". */
function filtersText(f: unknown): string {
  if (!f || typeof f !== 'object') return 'selection';
  const x = f as Record<string, unknown>;
  const parts = [
    typeof x.since === 'string' ? `ingested since ${x.since}` : '',
    typeof x.olderThan === 'string' ? `not checked within ${x.olderThan}` : '',
    typeof x.sample === 'number' ? `${x.sample}% sample` : '',
    Array.isArray(x.items) && x.items.length ? `items ${x.items.join(', ')}` : '',
    Array.isArray(x.reels) && x.reels.length ? `reel ${x.reels.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join(', ') || 'selection';
}

/** The counts of an archive-wide fixity check run, as its event records them (absent when it does not). */
export interface FixityRunCounts {
  itemsChecked?: number;
  bytesChecked?: number;
  problems?: number;
  unrecordedCopies?: number;
}

/**
 * The words of a custody line in a language other than English, given by the caller (the CLI's
 * catalogs; core holds no user-interface words): the PREMIS event type and outcome word
 * (outcomeWord's) as the reader says them, the stand-ins for an event of no item and for an item
 * whose name is unknown, and an archive-wide fixity run's counts in a sentence.
 */
export interface CustodyLineWords {
  lang: ReportLang;
  type(premisType: string): string;
  outcome(word: string): string;
  archive: string;
  /** The stand-in for a card's file checked against its hash list, of no item ("(card)"). */
  card?: string;
  item(sha256Prefix: string): string;
  fixityRun(counts: FixityRunCounts): string;
  /** The sentence of an item's pass in a run (itemRunPassSentence), in this language; absent: English. */
  runPass?(run: string, counts: FixityRunCounts & { scope: string | null }): string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * What `e` did, in a sentence of `lang` (English unless asked): describeEvent's, except for a
 * failed fixity check of an item, which gives what was found (in English fixityFindingLines,
 * joined by "; "; in ru and ky the report's words), and an archive-wide fixity check run, which
 * gives its counts (through `words.fixityRun` when given).
 */
export function eventSentence(e: CustodyEvent, lang: ReportLang = 'en', words?: CustodyLineWords): string {
  if (isFixityRunEvent(e)) {
    const x = e.detail;
    if (words) return words.fixityRun({ itemsChecked: num(x.itemsChecked), bytesChecked: num(x.bytesChecked), problems: num(x.problems), unrecordedCopies: num(x.unrecordedCopies) });
    const failed = x.failed && typeof x.failed === 'object' ? Object.entries(x.failed as Record<string, unknown>).filter(([, n]) => typeof n === 'number' && n > 0) : [];
    const chain = x.chain && typeof x.chain === 'object' && (x.chain as { holds?: unknown }).holds === false ? (x.chain as { firstBrokenRow?: unknown }).firstBrokenRow : undefined;
    const parts = [
      typeof x.run === 'number' ? `run ${x.run}${x.scope === 'selection' ? ` (${filtersText(x.filters)})` : ''}:` : '',
      typeof x.itemsChecked === 'number' ? `${plural(x.itemsChecked, 'item')} checked` : 'archive checked',
      typeof x.bytesChecked === 'number' ? `(${formatBytes('en', x.bytesChecked)})` : '',
      typeof x.problems === 'number' && x.problems > 0 ? `— ${plural(x.problems, 'problem')} found` : '',
      typeof x.unrecordedCopies === 'number' && x.unrecordedCopies > 0 ? `— ${plural(x.unrecordedCopies, 'unrecorded change')}` : '',
      failed.length ? `— failed: ${failed.map(([k, n]) => `${String(n)} ${k}`).join(', ')}` : '',
      chain !== undefined ? `— the custody chain was found broken${typeof chain === 'number' ? ` at row ${chain}` : ''}` : '',
      typeof x.itemsSelected === 'number' && typeof x.itemsChecked === 'number' && x.itemsChecked < x.itemsSelected ? `— stopped after ${x.itemsChecked} of ${x.itemsSelected}` : '',
    ];
    return parts.filter(Boolean).join(' ') + '.';
  }
  // A card checked against its own hash list: the report's sentence, which names the card's file and the list.
  if (isSourceListCheck(e)) return describeEvent(lang, e);
  const finding = lang === 'en' ? fixityFinding(e) : null;
  if (finding) return fixityFindingLines(finding).join('; ');
  return describeEvent(lang, e);
}

/** The scope of a run event in a few words: "the whole archive" or its filters. */
const runScopeText = (x: Record<string, unknown>): string => (x.scope === 'selection' ? filtersText(x.filters) : 'the whole archive');

/**
 * What run event `e` says of ONE item that passed in it (common/fixity.ts itemRunPass): "Integrity
 * check: PASSED in fixity check run 3 (the whole archive, 6 items checked)." — with the run's
 * problems, which were other items', when it found any.
 */
export function itemRunPassSentence(e: CustodyEvent): string {
  const x = e.detail;
  const parts = [
    runScopeText(x),
    typeof x.itemsChecked === 'number' ? `${plural(x.itemsChecked, 'item')} checked` : '',
    typeof x.problems === 'number' && x.problems > 0 ? `${plural(x.problems, 'problem')} found in other items or the log` : '',
  ].filter(Boolean);
  return `Integrity check: PASSED in fixity check run ${String(x.run)} (${parts.join(', ')}); this item's outcome is a leaf of the run's Merkle root.`;
}

/** How custodyLine words a line: `words` for a language other than English; `forItem` in one item's timeline. */
export interface CustodyLineOptions {
  words?: CustodyLineWords;
  forItem?: boolean;
}

/**
 * `e` as one line: "#seq  2026-01-02 10:04:05 UTC  actor  type  file  OUTCOME — sentence", where
 * file is `fileName` (the item's original file name; "(archive)" for an event of no item, "(item
 * abcdef012345)" when the name is unknown) and the sentence is eventSentence's; in English, or
 * in the language of `opts.words` when given. With `opts.forItem` (the line is in one item's
 * timeline, query.ts itemCustodyEvents), a fixity run event is that item's pass in the run: it
 * names `fileName`, says "passed" and itemRunPassSentence. The text is not escaped: a terminal
 * caller passes it through cli/commands/text.ts printable.
 */
export function custodyLine(e: CustodyEvent, fileName: string | null, opts: CustodyLineOptions = {}): string {
  const { words, forItem = false } = opts;
  const type = words ? words.type(e.type) : e.type;
  if (forItem && itemRunPass(e) !== null) {
    const passed = words ? words.outcome('passed') : 'passed';
    const x = e.detail;
    const sentence = words?.runPass
      ? words.runPass(String(x.run), { scope: x.scope === 'selection' ? filtersText(x.filters) : null, itemsChecked: num(x.itemsChecked), problems: num(x.problems) })
      : itemRunPassSentence(e);
    return `#${e.seq}  ${formatUtc(e.at)}  ${e.actor}  ${type}  ${fileName ?? '(item)'}  ${passed} — ${sentence}`;
  }
  const file = e.item === null ? (isSourceListCheck(e) ? words?.card ?? '(card)' : words?.archive ?? '(archive)') : fileName ?? (words ? words.item(e.item.slice(0, 12)) : `(item ${e.item.slice(0, 12)})`);
  const outcome = words ? words.outcome(outcomeWord(e.detail.outcome)) : outcomeWord(e.detail.outcome);
  return `#${e.seq}  ${formatUtc(e.at)}  ${e.actor}  ${type}  ${file}  ${outcome} — ${eventSentence(e, words?.lang ?? 'en', words)}`;
}

/**
 * A lookup of items' original file names by SHA-256: the name of the item's first sighting, as
 * the Library shows it, in its display form (db/items.ts sourceOf: a byte outside UTF-8 as \xHH,
 * a backslash as \\), cached so a long log asks once per item. Null for content the catalog does
 * not hold.
 */
export function originalNames(db: Db): (sha256: string) => string | null {
  const st = db.prepare('SELECT s.source_path path, s.file_name name, s.path_bytes pathBytes FROM items i JOIN sightings s ON s.item_id = i.id WHERE i.sha256 = ? ORDER BY s.id LIMIT 1');
  const cache = new Map<string, string | null>();
  return (sha) => {
    let name = cache.get(sha);
    if (name === undefined) {
      const r = st.get(sha) as { path: string; name: string; pathBytes: Buffer | null } | undefined;
      name = r ? sourceOf(r.path, r.name, r.pathBytes).name : null;
      // A log touches few distinct items per screenful; bound the cache for one that touches millions.
      if (cache.size > 100_000) cache.clear();
      cache.set(sha, name);
    }
    return name;
  };
}
