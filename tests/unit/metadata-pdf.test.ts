// PDF Info reading on structures the corpus PDFs (classic xref tables) do not cover:
// xref streams with PNG predictors, object streams, incremental updates, UTF-16 strings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractMetadata } from '../../electron/core/metadata/index.ts';
import { pdfStringIn } from '../../electron/core/metadata/pdf.ts';

const dir = mkdtempSync(join(tmpdir(), 'evidence-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Accumulates PDF bytes and remembers where each object starts. */
class PdfWriter {
  parts: Buffer[] = [];
  pos = 0;
  offsets = new Map<number, number>();
  push(s: string | Buffer): void {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    this.parts.push(b);
    this.pos += b.length;
  }
  obj(num: number, body: string): void {
    this.offsets.set(num, this.pos);
    this.push(`${num} 0 obj\n${body}\nendobj\n`);
  }
  save(name: string): string {
    const path = join(dir, name);
    writeFileSync(path, Buffer.concat(this.parts));
    return path;
  }
}

function xrefStreamPdf(): string {
  const w = new PdfWriter();
  w.push('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n');
  w.obj(1, '<< /Type /Catalog /Pages 5 0 R >>');
  const info = "<< /CreationDate (D:20210504101500+06'00') /ModDate (D:20210505) /Producer (scanner \\(v2\\)) >>";
  const header = '2 0 ';
  const packed = deflateSync(Buffer.from(header + info, 'latin1'));
  w.offsets.set(3, w.pos);
  w.push(`3 0 obj\n<< /Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`);
  w.push(packed);
  w.push('\nendstream\nendobj\n');
  const xrefAt = w.pos;
  // Rows of /W [1 2 1]: type, field 2, field 3 — encoded with the PNG "Up" predictor (12).
  const rows = [[0, 0, 0], [1, w.offsets.get(1)!, 0], [2, 3, 0], [1, w.offsets.get(3)!, 0], [1, xrefAt, 0]];
  const raw = rows.map(([t, f2, f3]) => Buffer.from([t!, (f2! >> 8) & 0xff, f2! & 0xff, f3!]));
  const predicted = raw.map((row, i) => Buffer.concat([Buffer.from([2]), Buffer.from(row.map((b, j) => (b - (i > 0 ? raw[i - 1]![j]! : 0)) & 0xff))]));
  const data = deflateSync(Buffer.concat(predicted));
  w.push(`4 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Root 1 0 R /Info 2 0 R /Filter /FlateDecode /DecodeParms << /Columns 4 /Predictor 12 >> /Length ${data.length} >>\nstream\n`);
  w.push(data);
  w.push(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`);
  return w.save('xref-stream.pdf');
}

function incrementalPdf(): string {
  const w = new PdfWriter();
  const table = (entries: [number, number][], trailer: string): void => {
    const at = w.pos;
    w.push('xref\n');
    for (const [num, off] of entries) w.push(`${num} 1\n${String(off).padStart(10, '0')} 00000 n \n`);
    w.push(`trailer\n${trailer}\nstartxref\n${at}\n%%EOF\n`);
  };
  w.push('%PDF-1.4\n');
  w.obj(1, '<< /Type /Catalog >>');
  w.obj(2, '<< /CreationDate (D:20160119123847Z) /ModDate (D:20160119123847Z) >>');
  const firstXref = w.pos;
  table([[1, w.offsets.get(1)!], [2, w.offsets.get(2)!]], '<< /Size 3 /Root 1 0 R /Info 2 0 R >>');
  // An editor's incremental update: a new Info object 2 and a second xref section with /Prev.
  w.obj(2, "<< /CreationDate (D:20160119123847Z) /ModDate (D:20161107122451-08'00') /Creator <FEFF0045006400690074006F0072> >>");
  table([[2, w.offsets.get(2)!]], `<< /Size 3 /Root 1 0 R /Info 2 0 R /Prev ${firstXref} >>`);
  return w.save('incremental.pdf');
}

describe('PDF Info dictionary', () => {
  it('follows an xref stream (PNG Up predictor) into an object stream', async () => {
    const r = await extractMetadata(xrefStreamPdf(), 'application/pdf', 'document');
    expect(r.error).toBeNull();
    expect(r.fields).toMatchObject({ capturedAt: '2021-05-04T10:15:00+06:00', capturedAtSource: 'PDF Info CreationDate', capturedAtHasZone: true });
    expect(r.fields.otherDates).toEqual([{ tag: 'PDF Info ModDate', value: '2021-05-05' }]);
    expect((r.raw['pdf'] as { producer: string }).producer).toBe('scanner (v2)');
  });

  it('uses the newest Info object of an incrementally updated file', async () => {
    const r = await extractMetadata(incrementalPdf(), 'application/pdf', 'document');
    expect(r.fields.capturedAt).toBe('2016-01-19T12:38:47Z');
    expect(r.fields.otherDates).toEqual([{ tag: 'PDF Info ModDate', value: '2016-11-07T12:24:51-08:00' }]);
    expect((r.raw['pdf'] as { creator: string }).creator).toBe('Editor');
  });

  it('decodes literal-string escapes and hex strings', () => {
    expect(pdfStringIn('<< /Title (a\\(b\\)c\\\\d\\101) >>', 'Title')).toBe('a(b)c\\dA');
    expect(pdfStringIn('<< /Title (nested (parens) ok) >>', 'Title')).toBe('nested (parens) ok');
    expect(pdfStringIn('<< /Title <48 65 6C 6C 6F> >>', 'Title')).toBe('Hello');
    expect(pdfStringIn('<< /Other (x) >>', 'Title')).toBeNull();
  });
});
