// The custody report as a PDF (A4): pdfkit with the DejaVu fonts of the dejavu-fonts-ttf package
// embedded (subset), so Cyrillic with the Kyrgyz letters ң ө ү prints on any machine and nothing
// is fetched. Pages are buffered so each can be numbered "page X of Y" once the count is known.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dict, fill } from './i18n.ts';
import type { CustodyReportModel, ReportItem } from './model.ts';
import { CONTACT_SHEET_WORD, SHEET_SIZE } from './contact-sheet.ts';
import { coverRows, itemHeading, itemRestRows, itemTopRows, pictureLabel, timelineRows, withheldLine, type Row, type TimelineRow } from './content.ts';
import { verifyBlocks } from './verify-steps.ts';

type Doc = PDFKit.PDFDocument;

/** Paths of the embedded fonts, inside the installed dejavu-fonts-ttf package. */
export function reportFontFiles(): { regular: string; bold: string; mono: string } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf'), mono: join(dir, 'DejaVuSansMono.ttf') };
}

// A4 in points, and the frame of the text.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const M = { top: 56, bottom: 62, left: 50, right: 50 };
const CONTENT_W = PAGE_W - M.left - M.right;
const BOTTOM = PAGE_H - M.bottom;
const GREY = '#555555';
const RULE = '#bbbbbb';
const RED = '#a00000';

// Fonts are named by their file paths, never registered under a short name: pdfkit 0.17 caches a
// registered font under its name only when no font of the same PostScript name is loaded yet, so
// the document's default font made every later doc.font('R') parse the TTF again (0.4 s an item).
const FONT_FILES = reportFontFiles();
const R = FONT_FILES.regular;
const B = FONT_FILES.bold;
const MONO = FONT_FILES.mono;

// pdfkit cannot draw C0 control characters (a file name may hold them): show them as \xNN.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Starts a new page unless `h` points still fit below the current position. */
function ensure(doc: Doc, h: number): void {
  if (doc.y + h > BOTTOM) doc.addPage();
}

function lineHeight(doc: Doc, font: string, size: number, s: string, width: number): number {
  return doc.font(font).fontSize(size).heightOfString(clean(s), { width, lineGap: 1 });
}

interface RowStyle {
  labelW: number;
  size: number;
}

function rowHeight(doc: Doc, r: Row, x: number, w: number, st: RowStyle): number {
  const vw = w - st.labelW - 8;
  const lh = lineHeight(doc, B, st.size - 0.8, r.label, st.labelW);
  const vh = r.lines.reduce((s, l, i) => s + lineHeight(doc, r.mono && i === 0 ? MONO : r.strong ? B : R, r.mono && i === 0 ? st.size - 0.6 : st.size, l, vw) + (i ? 1.5 : 0), 0);
  void x;
  return Math.max(lh, vh) + 6;
}

/** Draws labelled rows at `x`, `w` wide, from the current y; breaks pages between rows. */
function drawRows(doc: Doc, rows: Row[], x: number, w: number, st: RowStyle): void {
  const vw = w - st.labelW - 8;
  for (const r of rows) {
    const h = rowHeight(doc, r, x, w, st);
    // A row taller than a page flows over pages whatever is done: start it here if a few lines fit.
    ensure(doc, Math.min(h, 48));
    if (h <= BOTTOM - M.top) ensure(doc, h);
    const y0 = doc.y;
    const pages = doc.bufferedPageRange().count;
    doc.font(B).fontSize(st.size - 0.8).fillColor(GREY).text(clean(r.label), x, y0 + 3, { width: st.labelW, lineGap: 1 });
    let y = y0 + 3;
    r.lines.forEach((l, i) => {
      const mono = r.mono && i === 0;
      const font = mono ? MONO : r.strong ? B : R;
      const size = mono ? st.size - 0.6 : st.size;
      doc.font(font).fontSize(size).fillColor(i > 0 && r.mono ? GREY : '#111111').text(clean(l), x + st.labelW + 8, y, { width: vw, lineGap: 1 });
      y = doc.y + 1.5;
    });
    doc.x = x;
    if (doc.bufferedPageRange().count !== pages) {
      // A value longer than a page (a long description) flowed on: go on below where it ended.
      doc.y = y + 4;
      continue;
    }
    doc.moveTo(x, y0 + h).lineTo(x + w, y0 + h).lineWidth(0.3).strokeColor(RULE).stroke();
    doc.y = y0 + h;
  }
}

function rowsHeight(doc: Doc, rows: Row[], w: number, st: RowStyle): number {
  return rows.reduce((s, r) => s + rowHeight(doc, r, 0, w, st), 0);
}

const PIC = 132;

/** Draws the thumbnail (or the label standing for it) at (x, y); returns its height. */
function drawPicture(doc: Doc, m: CustodyReportModel, it: ReportItem, x: number, y: number): number {
  const label = pictureLabel(m, it);
  if (it.thumbnail) {
    try {
      const img = (doc as unknown as { openImage(b: Buffer): { width: number; height: number } }).openImage(it.thumbnail);
      const k = Math.min(PIC / img.width, PIC / img.height, 1);
      const w = img.width * k;
      const h = img.height * k;
      const ix = x + (PIC - w) / 2;
      doc.image(it.thumbnail, ix, y, { width: w, height: h });
      doc.rect(ix, y, w, h).lineWidth(0.5).strokeColor('#999999').stroke();
      let bottom = y + h;
      if (label) {
        doc.font(R).fontSize(7.5).fillColor(GREY).text(label, x, bottom + 3, { width: PIC, align: 'center' });
        bottom = doc.y;
      }
      return bottom - y;
    } catch {
      // A JPEG pdfkit cannot read: the label instead, as for a file without a picture.
    }
  }
  const h = 80;
  doc.rect(x, y, PIC, h).lineWidth(0.5).dash(3, { space: 2 }).strokeColor('#999999').stroke().undash();
  const text = label || dict(m.lang).pictureOther;
  const th = doc.font(R).fontSize(8.5).heightOfString(text, { width: PIC - 12, align: 'center' });
  doc.fillColor(GREY).text(text, x + 6, y + (h - th) / 2, { width: PIC - 12, align: 'center' });
  return h;
}

const COLS = { seq: 28, at: 90, actor: 96 };

function timelineHeader(doc: Doc, m: CustodyReportModel): void {
  const d = dict(m.lang);
  const x = M.left;
  const y = doc.y;
  const cells: [string, number, number][] = [
    [d.colSeq, x, COLS.seq - 4],
    [d.colAt, x + COLS.seq, COLS.at - 4],
    [d.colActor, x + COLS.seq + COLS.at, COLS.actor - 4],
    [d.colEvent, x + COLS.seq + COLS.at + COLS.actor, CONTENT_W - COLS.seq - COLS.at - COLS.actor],
  ];
  doc.font(B).fontSize(7.8).fillColor('#111111');
  const h = Math.max(...cells.map(([t, , w]) => doc.heightOfString(t, { width: w }))) + 2;
  for (const [t, cx, w] of cells) doc.text(t, cx, y, { width: w });
  doc.moveTo(x, y + h).lineTo(x + CONTENT_W, y + h).lineWidth(0.8).strokeColor('#111111').stroke();
  doc.x = x;
  doc.y = y + h + 2;
}

function timelineRowHeight(doc: Doc, r: TimelineRow): number {
  const ew = CONTENT_W - COLS.seq - COLS.at - COLS.actor;
  const f = r.failed ? B : R;
  return Math.max(lineHeight(doc, f, 8, r.text, ew), lineHeight(doc, f, 8, r.actor, COLS.actor - 4), lineHeight(doc, f, 8, r.at, COLS.at - 4)) + 5;
}

function drawTimeline(doc: Doc, m: CustodyReportModel, rows: TimelineRow[]): void {
  const x = M.left;
  const ew = CONTENT_W - COLS.seq - COLS.at - COLS.actor;
  ensure(doc, 16 + (rows[0] ? timelineRowHeight(doc, rows[0]) : 0));
  timelineHeader(doc, m);
  for (const r of rows) {
    const h = timelineRowHeight(doc, r);
    if (doc.y + h > BOTTOM) {
      doc.addPage();
      timelineHeader(doc, m);
    }
    const y = doc.y;
    doc.font(r.failed ? B : R).fontSize(8).fillColor(r.failed ? RED : '#111111');
    doc.text(r.seq, x, y + 2, { width: COLS.seq - 4 });
    doc.text(r.at, x + COLS.seq, y + 2, { width: COLS.at - 4 });
    doc.text(clean(r.actor), x + COLS.seq + COLS.at, y + 2, { width: COLS.actor - 4, lineGap: 1 });
    doc.text(clean(r.text), x + COLS.seq + COLS.at + COLS.actor, y + 2, { width: ew, lineGap: 1 });
    doc.moveTo(x, y + h).lineTo(x + CONTENT_W, y + h).lineWidth(0.3).strokeColor(RULE).stroke();
    doc.x = x;
    doc.y = y + h;
  }
}

function drawItem(doc: Doc, m: CustodyReportModel, it: ReportItem, n: number): void {
  const d = dict(m.lang);
  const top = itemTopRows(m, it);
  const topX = M.left + PIC + 14;
  const topW = CONTENT_W - PIC - 14;
  const topSt = { labelW: 112, size: 8.6 };
  const headH = 34;
  const rest = itemRestRows(m, it);
  const restSt = { labelW: 130, size: 8.6 };
  const tl = timelineRows(m, it);
  const topH = Math.max(rowsHeight(doc, top, topW, topSt), it.thumbnail ? PIC + 12 : 80);
  // An item starts on a new page unless it fits whole, or at least its facts and the start of its
  // history do, so a file's facts are never split from its picture by a page turn.
  const firstEvents = tl.slice(0, 3).reduce((s, r) => s + timelineRowHeight(doc, r), 0);
  // An item taller than a page anyway (a very long description) starts here if its top block fits.
  const need = headH + topH + rowsHeight(doc, rest, CONTENT_W, restSt) + 40 + firstEvents;
  if (doc.y + need > BOTTOM && (need <= BOTTOM - M.top || doc.y + headH + topH > BOTTOM)) doc.addPage();
  else doc.moveDown(0.8);
  const y0 = doc.y;
  doc.moveTo(M.left, y0).lineTo(M.left + CONTENT_W, y0).lineWidth(1.2).strokeColor('#111111').stroke();
  doc.font(R).fontSize(8.5).fillColor(GREY).text(itemHeading(m, n), M.left, y0 + 5, { width: CONTENT_W });
  doc.font(B).fontSize(12).fillColor('#111111').text(clean(it.originalName), M.left, doc.y + 1, { width: CONTENT_W });
  doc.outline.addItem(`${n}. ${clean(it.originalName)}`);
  const yTop = doc.y + 6;
  const picH = drawPicture(doc, m, it, M.left, yTop);
  doc.x = topX;
  doc.y = yTop;
  drawRows(doc, top, topX, topW, topSt);
  // drawRows may have broken the page only if the block did not fit a whole page; else below both.
  doc.y = Math.max(doc.y, yTop + picH) + 6;
  doc.x = M.left;
  drawRows(doc, rest, M.left, CONTENT_W, restSt);
  if (it.contactSheet) {
    const h = (CONTENT_W * SHEET_SIZE.height) / SHEET_SIZE.width;
    doc.moveDown(0.4);
    ensure(doc, h + 16);
    doc.font(R).fontSize(8).fillColor(GREY).text(CONTACT_SHEET_WORD[m.lang], M.left, doc.y, { width: CONTENT_W });
    const y = doc.y + 2;
    try {
      doc.image(it.contactSheet, M.left, y, { width: CONTENT_W });
      doc.y = y + h;
    } catch {
      // a JPEG pdfkit cannot read: the heading alone
    }
    doc.x = M.left;
  }
  doc.moveDown(0.6);
  ensure(doc, 40);
  doc.font(B).fontSize(9.5).fillColor('#111111').text(d.timeline, M.left, doc.y, { width: CONTENT_W });
  doc.moveDown(0.3);
  if (tl.length) drawTimeline(doc, m, tl);
  else doc.font(R).fontSize(8.5).fillColor(GREY).text(d.noEvents, M.left, doc.y, { width: CONTENT_W });
  const withheld = withheldLine(m, it);
  if (withheld) {
    doc.moveDown(0.3);
    ensure(doc, 14);
    doc.font(R).fontSize(8).fillColor(GREY).text(withheld, M.left, doc.y, { width: CONTENT_W });
  }
}

function drawCover(doc: Doc, m: CustodyReportModel): void {
  const d = dict(m.lang);
  doc.font(B).fontSize(18).fillColor('#111111').text(d.docTitle, M.left, M.top, { width: CONTENT_W });
  doc.moveDown(0.2);
  doc.font(MONO).fontSize(11).fillColor(GREY).text(m.set.exportId, { width: CONTENT_W });
  doc.moveDown(0.8);
  doc.font(R).fontSize(9.5).fillColor('#111111').text(d.coverIntro, { width: CONTENT_W, lineGap: 1.5 });
  doc.moveDown(0.8);
  if (m.set.redacted) {
    const pad = 7;
    const body = `${d.redactedTitle}. ${d.redactedNotice}`;
    const h = doc.font(R).fontSize(8.8).heightOfString(body, { width: CONTENT_W - 2 * pad, lineGap: 1 }) + 2 * pad;
    const y = doc.y;
    doc.rect(M.left, y, CONTENT_W, h).fillAndStroke('#fff8e1', '#9a6700');
    doc.font(B).fontSize(8.8).fillColor('#111111').text(`${d.redactedTitle}. `, M.left + pad, y + pad, { width: CONTENT_W - 2 * pad, lineGap: 1, continued: true })
      .font(R).text(d.redactedNotice);
    doc.x = M.left;
    doc.y = y + h + 10;
  }
  drawRows(doc, coverRows(m), M.left, CONTENT_W, { labelW: 150, size: 9.2 });
}

/**
 * A command broken at spaces to fit `width` in the code font, continuation lines indented, so a
 * reader sees one command rather than two (pdfkit would start the next line at the margin).
 */
function wrapCommand(doc: Doc, line: string, width: number): string {
  doc.font(MONO).fontSize(7.8);
  const out: string[] = [];
  let cur = '';
  for (const w of line.split(' ')) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && doc.widthOfString(next) > width) {
      out.push(cur);
      cur = `    ${w}`;
    } else {
      cur = next;
    }
  }
  out.push(cur);
  return out.join('\n');
}

function drawVerify(doc: Doc, m: CustodyReportModel): void {
  const d = dict(m.lang);
  doc.addPage();
  doc.outline.addItem(d.verifyTitle);
  doc.font(B).fontSize(15).fillColor('#111111').text(d.verifyTitle, M.left, M.top, { width: CONTENT_W });
  doc.moveDown(0.4);
  // Sized to fit one page in every language: it is the page a clerk prints and follows.
  for (const b of verifyBlocks(m)) {
    if (b.kind === 'heading') {
      ensure(doc, 60);
      doc.moveDown(0.35);
      doc.font(B).fontSize(10).fillColor('#111111').text(b.text, M.left, doc.y, { width: CONTENT_W });
      doc.moveDown(0.2);
    } else if (b.kind === 'text') {
      const h = lineHeight(doc, R, 8.6, b.text, CONTENT_W);
      ensure(doc, h + 24);
      doc.font(R).fontSize(8.6).fillColor('#111111').text(b.text, M.left, doc.y, { width: CONTENT_W, lineGap: 0.6 });
      doc.moveDown(0.25);
    } else {
      const pad = 4;
      const body = b.lines.map((l) => wrapCommand(doc, l, CONTENT_W - 2 * pad)).join('\n');
      const h = doc.font(MONO).fontSize(7.8).heightOfString(body, { width: CONTENT_W - 2 * pad, lineGap: 1 }) + 2 * pad;
      ensure(doc, h);
      const y = doc.y;
      doc.rect(M.left, y, CONTENT_W, h).fillAndStroke('#f3f3f3', '#bbbbbb');
      doc.font(MONO).fontSize(7.8).fillColor('#111111').text(body, M.left + pad, y + pad, { width: CONTENT_W - 2 * pad, lineGap: 1 });
      doc.x = M.left;
      doc.y = y + h + 5;
    }
  }
}

/** Running header (set id) on every page but the cover, and "Page X of Y" at the foot of every page. */
function numberPages(doc: Doc, m: CustodyReportModel): void {
  const d = dict(m.lang);
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the margins must not start new pages.
    const saved = { ...doc.page.margins };
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    if (i > range.start) {
      doc.font(R).fontSize(7.5).fillColor(GREY).text(`${d.docTitle} · ${m.set.exportId}`, M.left, 28, { width: CONTENT_W, lineBreak: false, ellipsis: true });
      doc.moveTo(M.left, 40).lineTo(M.left + CONTENT_W, 40).lineWidth(0.3).strokeColor(RULE).stroke();
    }
    doc.font(R).fontSize(8).fillColor(GREY).text(fill(d.pageOf, { x: i - range.start + 1, y: range.count }), M.left, PAGE_H - 38, { width: CONTENT_W, align: 'center', lineBreak: false });
    doc.page.margins = saved;
  }
}

/**
 * The custody report of `model` as a PDF (A4, PDF 1.7): cover, one entry per item (thumbnail or
 * poster, file facts, custody history in plain words; a failed fixity check in bold red, saying
 * FAILED), "How to verify this set" last, a bookmark per item, "Page X of Y" on every page. Only
 * the DejaVu Sans, Sans Bold and Sans Mono fonts of the dejavu-fonts-ttf package are used,
 * embedded as subsets (no standard-14 font, so nothing depends on the reader's fonts). The
 * document's dates are the set's creation time, so one model always gives the same text.
 * Rejects when a font file cannot be read.
 */
export async function renderCustodyReportPdf(model: CustodyReportModel): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const d = dict(model.lang);
  const created = new Date(model.set.createdAt);
  const doc = new PDFDocument({
    size: 'A4', margins: M, bufferPages: true, font: R, pdfVersion: '1.7', lang: model.lang, displayTitle: true,
    info: {
      Title: `${d.docTitle} — ${model.set.exportId}`, Author: model.set.actor, Subject: model.set.exportId, Creator: 'Evidence Archive', Producer: 'Evidence Archive',
      ...(Number.isFinite(created.getTime()) ? { CreationDate: created, ModDate: created } : {}),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawCover(doc, model);
  doc.addPage();
  doc.font(B).fontSize(14).fillColor('#111111').text(d.contentsTitle, M.left, M.top, { width: CONTENT_W });
  model.items.forEach((it, i) => drawItem(doc, model, it, i + 1));
  drawVerify(doc, model);
  numberPages(doc, model);
  doc.end();
  return done;
}
