// The two output guards: CSV cells a spreadsheet would run (OWASP "CSV Injection") and terminal
// control characters in human-readable CLI output.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { printable } from '../../electron/cli/commands/text.ts';
import { fromSpreadsheetSafe, spreadsheetSafe, toSafeCsv } from '../../electron/core/export/csv.ts';

describe('spreadsheetSafe', () => {
  it('quotes cells beginning with = + - @ TAB or CR', () => {
    expect(['=HYPERLINK("x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '-', '='].map(spreadsheetSafe))
      .toEqual(["'=HYPERLINK(\"x\",\"y\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "'-", "'="]);
  });

  it('leaves plain numbers (negative coordinates) and other text alone', () => {
    for (const v of ['-12.5', '+3', '-70.25', '1e-5', '-.5', '', 'Көк-Таш', 'a=b', "'quoted", ' =x']) expect(spreadsheetSafe(v)).toBe(v);
  });

  it('is undone by fromSpreadsheetSafe, which keeps other leading quotes', () => {
    for (const v of ['=1+1', '-2+3', '@x', 'plain', '-12.5', "'Ali"]) expect(fromSpreadsheetSafe(spreadsheetSafe(v))).toBe(v);
    expect(fromSpreadsheetSafe("'Ali")).toBe("'Ali");
  });

  it('applies to every cell of toSafeCsv, and the CSV parses back to the quoted values', () => {
    const text = toSafeCsv(['a', 'b'], [['=1+1', '-1'], ['x,y', '@"q"']], { bom: true });
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parse(text, { bom: true })).toEqual([['a', 'b'], ["'=1+1", '-1'], ['x,y', "'@\"q\""]]);
  });
});

describe('printable', () => {
  it('shows C0, DEL, C1, line-separator and bidi controls as \\u escapes and keeps other text', () => {
    expect(printable('a\u001b[31mb\rc\nd\te\u0000f\u007fg\u009bh\u2028i\u202ej')).toBe('a\\u001b[31mb\\u000dc\\u000ad\\u0009e\\u0000f\\u007fg\\u009bh\\u2028i\\u202ej');
    expect(printable('Көк-Таш №2 — 100% ✓ 🙂')).toBe('Көк-Таш №2 — 100% ✓ 🙂');
    expect(printable(null)).toBe('');
    expect(printable(42)).toBe('42');
  });
});
