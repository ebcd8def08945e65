// Importing people from the spreadsheets NGOs keep (CSV or XLSX). Headers may be English,
// Russian or Kyrgyz; values as people type them (dates as 29.04.2021, sex as "ж"). A row that
// cannot be read is reported with its row number and reason; the other rows are imported.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import type { PersonInput, PersonStatus, Sex } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { fromSpreadsheetSafe } from '../export/csv.ts';
import { addPerson, findSamePerson } from './people.ts';
import { resolveOnePlace } from './places.ts';

/** A sheet row as read: its 1-based row number in the file (header = 1) and cells by normalized header. */
export interface SheetRow {
  row: number;
  cells: Record<string, string | Date | number | boolean | null>;
  /** Set when the row could not be read at all (broken CSV quoting); `cells` is then empty. */
  error?: string;
}

const FIELD_ALIASES: Record<string, string[]> = {
  name: ['name', 'full name', 'фио', 'ф.и.о.', 'ф и о', 'имя', 'аты-жөнү', 'аты жөнү', 'аты'],
  nameLatin: ['name latin', 'latin name', 'name (latin)', 'transliteration', 'латиница', 'транслитерация'],
  sex: ['sex', 'gender', 'пол', 'жынысы'],
  birthDate: ['birth date', 'date of birth', 'dob', 'birthdate', 'дата рождения', 'туулган күнү', 'год рождения', 'birth year', 'туулган жылы'],
  ageAtHarm: ['age', 'age at harm', 'возраст', 'жашы'],
  residence: ['residence', 'village', 'place', 'residence place', 'село', 'айыл', 'место жительства', 'населенный пункт', 'населённый пункт'],
  statuses: ['status', 'statuses', 'статус', 'абалы'],
  harmDate: ['harm date', 'date of harm', 'дата', 'дата происшествия', 'дата события', 'датасы'],
  description: ['description', 'notes', 'описание', 'примечание', 'сүрөттөмө'],
  consent: ['consent', 'consent to publication', 'согласие', 'макулдук'],
  sensitive: ['sensitive', 'конфиденциально', 'чувствительно'],
  externalId: ['id', 'external id', 'no', 'no.', '№', 'номер'],
};

const normHeader = (h: string) => h.normalize('NFC').trim().toLowerCase().replace(/[_\s]+/g, ' ');
const HEADER_TO_FIELD = new Map(Object.entries(FIELD_ALIASES).flatMap(([f, names]) => names.map((n) => [normHeader(n), f] as const)));

const SEX: Record<string, Sex | null> = {
  f: 'female', female: 'female', woman: 'female', girl: 'female', ж: 'female', жен: 'female', 'жен.': 'female', женский: 'female', аял: 'female', кыз: 'female',
  m: 'male', male: 'male', man: 'male', boy: 'male', м: 'male', муж: 'male', 'муж.': 'male', мужской: 'male', эркек: 'male',
  unknown: 'unknown', '?': 'unknown', 'не известно': 'unknown', неизвестно: 'unknown',
};

const STATUS: [RegExp, PersonStatus][] = [
  [/^(killed|dead|убит[аы]?|погиб(ла|ли)?|каза болгон|өлтүрүлгөн)$/u, 'killed'],
  [/^(injured|wounded|ранен[аы]?|жарадар)$/u, 'injured'],
  [/^(missing|пропал[аи]? без вести|дайынсыз)$/u, 'missing'],
  [/^(held captive|captive|hostage|в плену|заложни(к|ца)|туткун|барымтага алынган)$/u, 'held captive'],
  [/^(displaced|evacuated|перемещ[её]н(н?ая|ные)?|эвакуирован[аы]?|которулган)$/u, 'displaced'],
  [/^(property destroyed|house destroyed|имущество уничтожено|дом разрушен|дом сожж[её]н|мүлкү жок болгон)$/u, 'property destroyed'],
];

const CONSENT: Record<string, PersonInput['consent']> = {
  given: 'given', yes: 'given', y: 'given', да: 'given', ооба: 'given', true: 'given',
  refused: 'refused', no: 'refused', n: 'refused', нет: 'refused', жок: 'refused', false: 'refused',
  unknown: 'unknown', '': 'unknown', '?': 'unknown',
};

function text(v: SheetRow['cells'][string] | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

/** YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY or a spreadsheet date → ISO 8601 (partial kept partial). Throws Error for an impossible date. */
export function parseLooseDate(v: SheetRow['cells'][string] | undefined, field: string): string | null {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Error(`${field}: not a date`);
    return v.toISOString().slice(0, 10);
  }
  const t = text(v);
  if (!t) return null;
  let m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(t);
  let y: number, mo: number | undefined, d: number | undefined;
  if (m) {
    y = Number(m[1]);
    mo = m[2] ? Number(m[2]) : undefined;
    d = m[3] ? Number(m[3]) : undefined;
  } else if ((m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(t))) {
    d = Number(m[1]);
    mo = Number(m[2]);
    y = Number(m[3]);
  } else {
    throw new Error(`${field} "${t}": not a date (use YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY)`);
  }
  if (y < 1880 || y > 2100) throw new Error(`${field} "${t}": year ${y} out of range`);
  if (mo !== undefined && (mo < 1 || mo > 12)) throw new Error(`${field} "${t}": month ${mo} does not exist`);
  if (d !== undefined) {
    const dt = new Date(Date.UTC(y, mo! - 1, d));
    if (dt.getUTCMonth() !== mo! - 1 || dt.getUTCDate() !== d) throw new Error(`${field} "${t}": day ${d} does not exist in that month`);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${y}${mo !== undefined ? `-${pad(mo)}` : ''}${d !== undefined ? `-${pad(d)}` : ''}`;
}

/**
 * Maps one sheet row to a person. Throws Error naming the column and value that cannot be read
 * (unknown sex, status or consent word, impossible date, unknown or ambiguous residence place).
 */
export function rowToPerson(db: Db, cells: SheetRow['cells']): PersonInput {
  const f: Record<string, SheetRow['cells'][string]> = {};
  for (const [h, v] of Object.entries(cells)) {
    const field = HEADER_TO_FIELD.get(normHeader(h));
    if (field && (f[field] === undefined || text(f[field]) === '')) f[field] = v;
  }
  const name = text(f.name);
  if (!name) throw new Error('name: empty');
  const sexText = text(f.sex).toLowerCase();
  if (sexText && !(sexText in SEX)) throw new Error(`sex "${text(f.sex)}": not understood (use female/male/unknown, ж/м)`);
  const statuses = text(f.statuses).split(/[;,|/]+/u).map((s) => s.trim().toLowerCase()).filter(Boolean).map((s) => {
    const hit = STATUS.find(([re]) => re.test(s));
    if (!hit) throw new Error(`status "${s}": not one of killed, injured, missing, held captive, displaced, property destroyed`);
    return hit[1];
  });
  const consentText = text(f.consent).toLowerCase();
  if (!(consentText in CONSENT)) throw new Error(`consent "${text(f.consent)}": use given, refused or unknown`);
  const ageText = text(f.ageAtHarm);
  const age = ageText ? Number(ageText) : null;
  if (age !== null && (!Number.isInteger(age) || age < 0 || age > 130)) throw new Error(`age "${ageText}": not a whole number of years`);
  const residenceText = text(f.residence);
  const sensitiveText = text(f.sensitive).toLowerCase();
  return {
    name,
    nameLatin: text(f.nameLatin) || null,
    sex: sexText ? SEX[sexText] : null,
    birthDate: parseLooseDate(f.birthDate ?? null, 'birth date'),
    ageAtHarm: age,
    residencePlaceId: residenceText ? resolveOnePlace(db, residenceText).id : null,
    statuses: [...new Set(statuses)],
    harmDate: parseLooseDate(f.harmDate ?? null, 'harm date'),
    description: text(f.description) || null,
    consent: CONSENT[consentText],
    sensitive: ['yes', 'y', 'true', '1', 'да', 'ооба', 'x'].includes(sensitiveText),
    externalId: text(f.externalId) || null,
  };
}

/**
 * Reads the rows of a CSV (RFC 4180, header row, UTF-8 with or without BOM; `,` or `;` separated).
 * A "'" that our own CSV exports put before a formula character is removed (see spreadsheetSafe).
 * A row that is not valid CSV — typically a quote that is opened and never closed, which would
 * otherwise swallow every row after it — comes back as `{ row, cells: {}, error }` and reading
 * resumes on the next line, so one typo costs one row. Row numbers are 1-based lines of the file
 * (header = 1; a record spanning lines is numbered by its last line, as csv-parse counts).
 * Throws Error when the file cannot be read or its header row is not valid CSV.
 */
export function readCsvRows(file: string): SheetRow[] {
  const textContent = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const firstLine = textContent.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records = parseCsvRecovering(textContent, delimiter);
  const [head, ...rest] = records;
  if (!head) return [];
  if (head.error !== undefined) throw new Error(`header row: ${head.error}`);
  const headers = head.record.map((h) => h.trim());
  return rest.map((r) => (r.error !== undefined
    ? { row: r.line, cells: {}, error: r.error }
    : { row: r.line, cells: Object.fromEntries(headers.map((h, i) => [h, r.record[i] === undefined ? null : fromSpreadsheetSafe(r.record[i]!)])) }));
}

interface CsvRecord {
  record: string[];
  /** 1-based line of the file on which the record ends. */
  line: number;
  error?: string;
}

/**
 * Parses CSV text strictly; when that fails, again chunk by chunk: a chunk is one line, extended
 * over the following lines while its quotes are unbalanced (a quoted field may hold line breaks).
 * A chunk that still does not parse, or whose quote is never closed, is reported by its first line
 * and parsing resumes on the line after it.
 */
function parseCsvRecovering(textContent: string, delimiter: string): CsvRecord[] {
  const opts = { delimiter, relax_column_count: true, skip_empty_lines: true, info: true } as const;
  const parseText = (t: string) => (parse(t, opts) as unknown as { record: string[]; info: { lines: number } }[]);
  try {
    return parseText(textContent).map((r) => ({ record: r.record, line: r.info.lines }));
  } catch {
    // Fall through to the line-by-line recovery below.
  }
  const lines = textContent.split(/(?<=\n)/u);
  const quotes = (l: string) => l.split('"').length - 1;
  const out: CsvRecord[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    let open = 0;
    do open += quotes(lines[j++]!); while (open % 2 === 1 && j < lines.length);
    let reason: string;
    if (open % 2 === 0) {
      try {
        // A balanced chunk is one record (or a blank line), ending on line j; csv-parse's own line
        // count is not used, as it counts a CRLF inside quotes before the record delimiter is known as two.
        for (const r of parseText(lines.slice(i, j).join(''))) out.push({ record: r.record, line: j });
        i = j;
        continue;
      } catch {
        // csv-parse's own message shows bytes, not characters ("got \"Ð\""), so say it plainly.
        reason = 'not readable as CSV: a quote (") in this row does not enclose a whole field (unclosed or stray quote)';
      }
    } else {
      reason = 'not readable as CSV: a quote (") opened in this row is never closed';
    }
    if (lines[i]!.trim() !== '') out.push({ record: [], line: i + 1, error: reason });
    i++;
  }
  return out;
}

function cellValue(v: ExcelJS.CellValue): SheetRow['cells'][string] {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('error' in v) return null;
  }
  return String(v);
}

/** Reads the first worksheet of an XLSX file: row 1 is the header. Throws Error when the file is not a readable workbook. */
export async function readXlsxRows(file: string): Promise<SheetRow[]> {
  // Loaded on first use: exceljs takes ~0.2 s to load, which every other command would pay.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const headers: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => { headers[col] = String(cellValue(cell.value) ?? '').trim(); });
  const out: SheetRow[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const cells: SheetRow['cells'] = {};
    row.eachCell({ includeEmpty: true }, (cell, col) => { if (headers[col]) cells[headers[col]!] = cellValue(cell.value); });
    if (Object.values(cells).some((v) => text(v) !== '')) out.push({ row: n, cells });
  });
  return out;
}

export interface PeopleImportReport {
  file: string;
  rows: number;
  imported: { row: number; id: number; name: string }[];
  /** Rows that say exactly what a person already in the catalog says (findSamePerson): not added again. */
  alreadyPresent: { row: number; id: number; name: string }[];
  errors: { row: number; reason: string }[];
}

/**
 * Imports people from a .csv or .xlsx file. Each row is added in its own savepoint: a row that
 * cannot be read (broken CSV quoting included, see readCsvRows) is reported as `{row, reason}`
 * and skipped, the rest are imported. A row that says exactly what a person already in the
 * catalog says is reported in `alreadyPresent`, not added again (findSamePerson); one whose
 * external id is already in the catalog with other details is an error, not a duplicate. Throws Error only when the
 * file cannot be read at all or has an unsupported extension.
 */
export async function importPeople(db: Db, file: string): Promise<PeopleImportReport> {
  const ext = extname(file).toLowerCase();
  let rows: SheetRow[];
  try {
    if (ext === '.csv' || ext === '.tsv' || ext === '.txt') rows = readCsvRows(file);
    else if (ext === '.xlsx') rows = await readXlsxRows(file);
    else throw new Error(`unsupported file type "${ext}" (use .csv or .xlsx)`);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const report: PeopleImportReport = { file, rows: rows.length, imported: [], alreadyPresent: [], errors: [] };
  db.transaction(() => {
    for (const r of rows) {
      if (r.error !== undefined) {
        report.errors.push({ row: r.row, reason: r.error });
        continue;
      }
      try {
        const input = rowToPerson(db, r.cells);
        const same = findSamePerson(db, input);
        if (same) {
          report.alreadyPresent.push({ row: r.row, id: same.id, name: same.name });
          continue;
        }
        const person = db.transaction(() => addPerson(db, input))();
        report.imported.push({ row: r.row, id: person.id, name: person.name });
      } catch (e) {
        report.errors.push({ row: r.row, reason: (e as Error).message });
      }
    }
  })();
  return report;
}
