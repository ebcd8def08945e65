// evidence/items.csv checked against evidence/items.json. The tag manifest only says the CSV is
// the file the bag was sealed with, and whoever edits a bag can re-seal it; items.json is pinned
// further by the custody excerpt, the CSV by nothing. Yet the CSV is what a prosecutor opens in a
// spreadsheet, so it must say exactly what items.json says, cell for cell.
//
// The columns and the rule that turns a value into a cell are stated here, apart from the
// exporter's code (export/evidence-set.ts itemsCsv, whose own are private), as for the rest of
// verify-bag: one bug should not both write and bless a bad bag. Only the spreadsheet quoting is
// shared (export/csv.ts spreadsheetSafe), so that a cell is compared as it is written, quote and all.

import { parse } from 'csv-parse/sync';
import { capturedAtForReaders } from '../../common/captured-at.ts';
import { spreadsheetSafe } from '../export/csv.ts';
import type { SaidParams } from '../../common/said.ts';

/** The columns the exporter writes first, in its order; `sourcePath` only where items.json gives source paths. */
const ITEMS_CSV_BASE_COLUMNS = [
  'id', 'path', 'sha256', 'bytes', 'mime', 'kind', 'make', 'model', 'serial', 'serialSource', 'capturedAt', 'capturedAtSource',
  'gpsLat', 'gpsLon', 'gpsAlt', 'orientation', 'width', 'height', 'durationSec', 'originalName', 'sourcePath',
] as const;

/** Keys of an items.json item that get no column: nested data, or said by another column (gps, sources). */
const NO_COLUMN = new Set(['gps', 'sources', 'digests', 'otherDates', 'capturedAtHasZone', 'codec', 'credentials']);
const BASE = new Set<string>(ITEMS_CSV_BASE_COLUMNS);
const BOM = '\ufeff';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The header row the exporter writes for `items` (the parsed evidence/items.json array; entries
 * that are not objects are skipped): ITEMS_CSV_BASE_COLUMNS, then every other key of the items in
 * the order first met, except the nested ones (gps, sources, digests, otherDates) and
 * capturedAtHasZone and codec. `sourcePath` is left out when no item's first source has a path:
 * the exporter drops the column and the paths in items.json together (withoutSourcePaths, which
 * only the `--redact-people` export sets, catalog/export-extras.ts). Throws nothing.
 */
export function itemsCsvHeader(items: readonly unknown[]): string[] {
  const extra = new Set<string>();
  let sourcePaths = false;
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (firstSourcePath(item) !== undefined) sourcePaths = true;
    for (const k of Object.keys(item)) if (!BASE.has(k) && !NO_COLUMN.has(k)) extra.add(k);
  }
  return [...ITEMS_CSV_BASE_COLUMNS.filter((c) => sourcePaths || c !== 'sourcePath'), ...extra];
}

function firstSourcePath(item: Record<string, unknown>): unknown {
  return Array.isArray(item.sources) && isRecord(item.sources[0]) ? item.sources[0].path : undefined;
}

/**
 * The tag files a set carries beside items.json (evidence/people.json, places.json,
 * incidents.json, cases.json), parsed; a file absent or not an array of objects as []. Given to
 * itemsCsvProblems when bag-info.txt declares Evidence-Items-CSV: the CSV then names what these
 * records give.
 */
export interface ItemsCsvNames {
  people: unknown[];
  places: unknown[];
  incidents: unknown[];
  cases: unknown[];
}

const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * The readable cell of a catalog column (places, people, incidents, cases, tags) holding an
 * array, as an exporter declaring Evidence-Items-CSV writes it, stated here apart from its code
 * (catalog/csv-names.ts): entries joined by "; "; a person {id, role} as "<name> (#<id>, <role>)"
 * with the name people.json gives for that numeric id, "#<id> (<role>)" without one, and
 * "<pseudonym> (<role>)" for a string id; a place as "<nameEn> (<id>)", or the id without a name;
 * an incident as "<title or type> (#<id>)", or "#<id>"; a case as "<authority> No. <caseNumber>
 * (#<id>)" (either part alone when the other is missing), or "#<id>"; a tag as it is; any entry
 * of another shape as its JSON. Null for another column or a value that is not an array.
 */
function readableCell(column: string, value: unknown, names: ItemsCsvNames): string | null {
  if (!Array.isArray(value)) return null;
  const find = (list: unknown[], key: string, id: unknown) => list.find((r): r is Record<string, unknown> => isRecord(r) && r[key] === id);
  let one: (v: unknown) => string;
  switch (column) {
    case 'people':
      one = (v) => {
        if (!isRecord(v) || typeof v.role !== 'string') return JSON.stringify(v);
        if (typeof v.id === 'string') return `${v.id} (${v.role})`;
        if (typeof v.id !== 'number') return JSON.stringify(v);
        const name = nonEmpty(find(names.people, 'id', v.id)?.name);
        return name === null ? `#${v.id} (${v.role})` : `${name} (#${v.id}, ${v.role})`;
      };
      break;
    case 'places':
      one = (v) => {
        if (typeof v !== 'string') return JSON.stringify(v);
        const name = nonEmpty(find(names.places, 'id', v)?.nameEn);
        return name === null ? v : `${name} (${v})`;
      };
      break;
    case 'incidents':
      one = (v) => {
        if (typeof v !== 'number') return JSON.stringify(v);
        const r = find(names.incidents, 'id', v);
        const label = nonEmpty(r?.title) ?? nonEmpty(r?.type);
        return label === null ? `#${v}` : `${label} (#${v})`;
      };
      break;
    case 'cases':
      one = (v) => {
        if (typeof v !== 'number') return JSON.stringify(v);
        const r = find(names.cases, 'id', v);
        const parts = [nonEmpty(r?.authority), nonEmpty(r?.caseNumber) === null ? null : `No. ${String(r!.caseNumber)}`].filter((x) => x !== null);
        return parts.length ? `${parts.join(' ')} (#${v})` : `#${v}`;
      };
      break;
    case 'tags':
      one = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
      break;
    default:
      return null;
  }
  return value.map(one).join('; ');
}

/**
 * The cells of `item` as the exporter writes them, by column: gpsLat/gpsLon/gpsAlt from `gps`,
 * sourcePath from the first source's path; with `names` (a set declaring Evidence-Items-CSV), the
 * catalog columns as readableCell gives them; else null or absent as an empty cell, an object or
 * array as its JSON (as every set written before issue 15 has them), anything else as
 * String(value); then through spreadsheetSafe ("=…" becomes "'=…").
 */
function expectedCells(item: Record<string, unknown>, names: ItemsCsvNames | null, wallClock: boolean): (column: string) => string {
  const gps = isRecord(item.gps) ? item.gps : null;
  const capturedAt = wallClock && typeof item.capturedAt === 'string' ? capturedAtForReaders(item.capturedAt, item.capturedAtHasZone === true) : item.capturedAt;
  const flat: Record<string, unknown> = { ...item, capturedAt, gpsLat: gps?.lat ?? '', gpsLon: gps?.lon ?? '', gpsAlt: gps?.alt ?? '', sourcePath: firstSourcePath(item) ?? '' };
  return (column) => {
    const v = flat[column];
    const readable = names !== null && !BASE.has(column) ? readableCell(column, v, names) : null;
    if (readable !== null) return spreadsheetSafe(readable);
    return spreadsheetSafe(v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  };
}

/** How `actual` differs from `expected`, in words, for a header problem. */
function headerDifference(actual: string[], expected: string[]): string {
  const missing = expected.filter((c) => !actual.includes(c));
  const unknown = actual.filter((c) => !expected.includes(c));
  const repeated = [...new Set(actual.filter((c, i) => actual.indexOf(c) !== i))];
  const parts = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unknown.length ? `not written by the exporter: ${unknown.join(', ')}` : '',
    repeated.length ? `repeated: ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'the same columns in another order';
}

/**
 * Problems of evidence/items.csv (`text`, as read, BOM included) against `items`, the parsed
 * evidence/items.json array, of a full set or of a public release alike (whose reduced CSV,
 * without sourcePath, description and notes, follows from its reduced items.json; whether the
 * bag may be reduced is for the custody checks to judge, not repeated here). Each problem is a
 * sentence naming the CSV line, the item's sha256 and payload path, and for a cell the column and
 * both values (as CSV cells, quoted as written):
 * - the text must begin with U+FEFF, which the exporter writes so spreadsheets read it as UTF-8;
 * - it must parse as CSV (RFC 4180, via csv-parse) with every row as long as the header; if not,
 *   one problem and nothing more;
 * - the header must be itemsCsvHeader(items);
 * - one row per item that has string sha256 and path, matched by the sha256 cell; no row for a
 *   sha256 items.json lacks, none twice;
 * - in each matched row, every column the header shares with itemsCsvHeader holds the cell the
 *   exporter writes for the item's value (its rule, with its spreadsheetSafe: like with like):
 *   with `names` (bag-info.txt declares Evidence-Items-CSV), people, places, incidents, cases and
 *   tags as names with their ids (readableCell); without (every set written before), as JSON.
 * - with `wallClock` (bag-info.txt declares Evidence-Capture-Times), the capturedAt cell of an
 *   item whose capturedAtHasZone is not true is its wall-clock time, zone designator dropped
 *   (common/captured-at.ts wallClockTime); in sets written before, the value as items.json has it.
 * Row order is not checked: see below. Throws nothing; a CSV that cannot be read is a problem.
 */
/** One finding about items.csv: the English sentence and its stable code with the values it names. */
export interface CsvProblem {
  reason: string;
  code: string;
  params: SaidParams;
}

export function itemsCsvProblems(text: string, items: readonly unknown[], names: ItemsCsvNames | null = null, wallClock = false): CsvProblem[] {
  const out: CsvProblem[] = [];
  if (!text.startsWith(BOM)) {
    out.push({ code: 'csv.no-bom', params: {}, reason: 'does not begin with the UTF-8 byte-order mark the exporter writes, so a spreadsheet may read it in another encoding and show other text than evidence/items.json holds' });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (e) {
    out.push({ code: 'csv.unparsable', params: { error: (e as Error).message }, reason: `cannot be parsed as CSV, so it cannot be compared with evidence/items.json: ${(e as Error).message}` });
    return out;
  }
  const expectedHeader = itemsCsvHeader(items);
  const header = records[0]?.record;
  if (!header) {
    out.push({ code: 'csv.no-header', params: {}, reason: 'has no header row: the exporter writes one, then a row per item of evidence/items.json' });
    return out;
  }
  if (header.length !== expectedHeader.length || header.some((c, i) => c !== expectedHeader[i])) {
    out.push({ code: 'csv.header', params: { header: JSON.stringify(header.join(',')), expected: JSON.stringify(expectedHeader.join(',')) }, reason: `header is ${JSON.stringify(header.join(','))}, but the exporter writes ${JSON.stringify(expectedHeader.join(','))} for this bag (${headerDifference(header, expectedHeader)})` });
  }
  const shaCol = header.indexOf('sha256');
  if (shaCol < 0) {
    out.push({ code: 'csv.no-sha256', params: {}, reason: 'has no sha256 column, so its rows cannot be matched with the items of evidence/items.json' });
    return out;
  }
  const known = new Set(expectedHeader);
  const byCell = new Map<string, { label: string; sha: string; path: string; cell: (c: string) => string }>();
  for (const item of items) {
    if (!isRecord(item) || typeof item.sha256 !== 'string' || typeof item.path !== 'string') continue; // reported by the items.json check
    const cell = expectedCells(item, names, wallClock);
    byCell.set(cell('sha256'), { label: `item ${item.sha256} (${item.path})`, sha: item.sha256, path: item.path, cell });
  }
  // Matched by sha256, not by position: every row names its item, a spreadsheet's reader sorts
  // rows at will, and no value a reader sees depends on where a row stands. Requiring the
  // exporter's order would fail a bag over something that misleads no one.
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const sha = record[shaCol]!;
    const entry = byCell.get(sha);
    const pathCell = header.includes('path') ? record[header.indexOf('path')] : undefined;
    if (!entry) {
      out.push({ code: 'csv.stranger-row', params: { line: info.lines, sha }, reason: `line ${info.lines}: a row for item ${sha}${pathCell !== undefined ? ` (${pathCell})` : ''}, which evidence/items.json does not list` });
      continue;
    }
    const first = seen.get(sha);
    if (first !== undefined) {
      out.push({ code: 'csv.second-row', params: { line: info.lines, sha: entry.sha, path: entry.path, first }, reason: `line ${info.lines}: a second row for ${entry.label}; the first is on line ${first}` });
      continue;
    }
    seen.set(sha, info.lines);
    header.forEach((column, i) => {
      if (!known.has(column)) return; // reported with the header
      const want = entry.cell(column);
      if (record[i] !== want) {
        out.push({ code: 'csv.cell', params: { line: info.lines, sha: entry.sha, path: entry.path, column, found: JSON.stringify(record[i]), expected: JSON.stringify(want) }, reason: `line ${info.lines}, ${entry.label}: column ${column} is ${JSON.stringify(record[i])}, but evidence/items.json gives ${JSON.stringify(want)}` });
      }
    });
  }
  for (const [sha, entry] of byCell) {
    if (!seen.has(sha)) out.push({ code: 'csv.no-row', params: { sha: entry.sha, path: entry.path }, reason: `${entry.label} of evidence/items.json has no row` });
  }
  return out;
}
