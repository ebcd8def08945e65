// CSV cells that a spreadsheet will not run. Our CSVs (evidence/items.csv, the victims register,
// the places export) carry text that came from outside — file names off a seized card, names typed
// by others — and Excel, LibreOffice and Google Sheets treat a cell beginning with "=", "+", "-"
// or "@" as a formula: "=HYPERLINK(...)" would become a live link in the recipient's spreadsheet.
import { stringify } from 'csv-stringify/sync';

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"): = + - @ TAB CR. */
const FORMULA_START = /^[=+\-@\t\r]/u;

/** A plain decimal number ("-12.5", "+3", "1e-5") is data, not a formula, and must stay a number. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/u;

/**
 * `value` made safe to open in a spreadsheet: a cell beginning with "=", "+", "-", "@", TAB or CR
 * gets a leading single quote ("=1+1" → "'=1+1"), except a plain decimal number such as "-12.5"
 * (a coordinate), which no spreadsheet runs. Everything else is returned unchanged. The quote is
 * what the OWASP "CSV Injection" guidance prescribes; spreadsheets show it as a text marker.
 */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * Reverses spreadsheetSafe for a cell read back from one of our CSVs: "'=1+1" → "=1+1"; a cell
 * whose quote is not followed by a formula character is returned unchanged ("'Ali" stays).
 */
export function fromSpreadsheetSafe(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/**
 * RFC 4180 CSV text of `rows` (arrays of cells in `columns` order) with a header row, every cell
 * passed through spreadsheetSafe (header names are ours and left alone). `bom` prepends U+FEFF so
 * spreadsheet programs read the file as UTF-8; `recordDelimiter` defaults to csv-stringify's "\n".
 */
export function toSafeCsv(columns: readonly string[], rows: readonly (readonly string[])[], opts: { bom?: boolean; recordDelimiter?: string } = {}): string {
  return stringify(rows.map((r) => r.map(spreadsheetSafe)), {
    header: true, columns: [...columns], bom: opts.bom ?? false, ...(opts.recordDelimiter ? { record_delimiter: opts.recordDelimiter } : {}),
  });
}
