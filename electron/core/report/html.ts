// The custody report as one self-contained HTML file: thumbnails as data: URIs, styles inline, a
// Content-Security-Policy that forbids loading anything, and print CSS for A4.
import { dict } from './i18n.ts';
import type { CustodyReportModel, ReportItem } from './model.ts';
import { CONTACT_SHEET_WORD } from './contact-sheet.ts';
import { coverRows, itemHeading, itemRestRows, itemTopRows, pictureLabel, timelineRows, withheldLine, type Row } from './content.ts';
import { verifyBlocks } from './verify-steps.ts';

const esc = (s: string) => s.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Control characters (other than tab and newline) cannot appear in HTML text; a file name may hold them.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const text = (s: string) => esc(clean(s));

const CSS = `
@page { size: A4; margin: 16mm 15mm 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 190mm; padding: 8mm 0; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 0 0 3mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
p { margin: 0 0 2.5mm; }
.mono, code, pre { font-family: "DejaVu Sans Mono", Consolas, "Courier New", monospace; font-size: 8.8pt; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
table.kv th { text-align: left; vertical-align: top; font-weight: 600; color: #444; width: 34%; padding: 1.2mm 3mm 1.2mm 0; font-size: 9pt; }
table.kv td { vertical-align: top; padding: 1.2mm 0; overflow-wrap: anywhere; }
table.kv tr { border-bottom: 0.3pt solid #ccc; }
.cover { page-break-after: always; break-after: page; }
.cover .subtitle { font-size: 12pt; margin-bottom: 5mm; }
.notice { border: 0.8pt solid #9a6700; background: #fff8e1; padding: 2.5mm 3mm; margin: 4mm 0; }
.item { border-top: 1.2pt solid #111; padding-top: 3mm; margin-top: 6mm; break-inside: auto; }
.item h2 { display: flex; gap: 4mm; align-items: baseline; }
.item h2 .n { color: #555; font-weight: normal; font-size: 10pt; white-space: nowrap; }
.top { display: flex; gap: 5mm; align-items: flex-start; break-inside: avoid; }
.pic { flex: 0 0 48mm; width: 48mm; text-align: center; font-size: 8.5pt; color: #444; }
.pic img { max-width: 48mm; max-height: 48mm; border: 0.5pt solid #999; display: block; margin: 0 auto 1mm; }
.pic .none { border: 0.5pt dashed #999; height: 30mm; display: flex; align-items: center; justify-content: center; white-space: pre-line; padding: 2mm; }
.top table { flex: 1 1 auto; }
table.tl { font-size: 8.6pt; margin-top: 1mm; }
table.tl th { text-align: left; border-bottom: 0.8pt solid #111; padding: 1mm 2mm 1mm 0; font-weight: 600; }
table.tl td { vertical-align: top; padding: 1mm 2mm 1mm 0; border-bottom: 0.3pt solid #ccc; }
table.tl tr { break-inside: avoid; }
table.tl td.seq { white-space: nowrap; width: 9mm; }
table.tl td.at { white-space: nowrap; width: 36mm; }
table.tl td.actor { width: 28mm; overflow-wrap: anywhere; }
tr.failed td { color: #a00000; font-weight: 700; }
.muted { color: #555; font-size: 8.8pt; }
.verify { break-before: page; page-break-before: always; margin-top: 8mm; }
.verify pre { background: #f3f3f3; border: 0.5pt solid #bbb; padding: 2mm 3mm; white-space: pre-wrap; margin: 0 0 3mm; }
.verify h3 { margin-top: 5mm; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`;

function kvTable(rows: Row[]): string {
  // A mono row's first line is the value (a checksum, a path); lines after it explain it.
  const line = (r: Row, l: string, i: number) => (r.strong ? `<strong>${text(l)}</strong>`
    : r.mono && i === 0 ? `<span class="mono">${text(l)}</span>` : r.mono ? `<span class="muted">${text(l)}</span>` : text(l));
  return `<table class="kv">${rows.map((r) => `<tr><th>${text(r.label)}</th><td>${r.lines.map((l, i) => line(r, l, i)).join('<br>')}</td></tr>`).join('')}</table>`;
}

function picture(m: CustodyReportModel, it: ReportItem): string {
  const label = pictureLabel(m, it);
  if (it.thumbnail) {
    return `<div class="pic"><img alt="${text(it.originalName)}" src="data:image/jpeg;base64,${it.thumbnail.toString('base64')}">${label ? text(label) : ''}</div>`;
  }
  return `<div class="pic"><div class="none">${text(label)}</div></div>`;
}

function itemSection(m: CustodyReportModel, it: ReportItem, n: number): string {
  const d = dict(m.lang);
  const tl = timelineRows(m, it);
  const withheld = withheldLine(m, it);
  return `<section class="item" id="item-${n}">
<h2><span class="n">${text(itemHeading(m, n))}</span><span>${text(it.originalName)}</span></h2>
<div class="top">${picture(m, it)}${kvTable(itemTopRows(m, it))}</div>
${it.contactSheet ? `<figure class="sheet"><img alt="${text(CONTACT_SHEET_WORD[m.lang])}" style="max-width:100%" src="data:image/jpeg;base64,${it.contactSheet.toString('base64')}"><figcaption class="muted">${text(CONTACT_SHEET_WORD[m.lang])}</figcaption></figure>` : ''}
${kvTable(itemRestRows(m, it))}
<h3>${text(d.timeline)}</h3>
${tl.length ? `<table class="tl"><thead><tr><th>${text(d.colSeq)}</th><th>${text(d.colAt)}</th><th>${text(d.colActor)}</th><th>${text(d.colEvent)}</th></tr></thead><tbody>${
    tl.map((r) => `<tr${r.failed ? ' class="failed"' : ''}><td class="seq">${text(r.seq)}</td><td class="at">${text(r.at)}</td><td class="actor">${text(r.actor)}</td><td>${text(r.text)}</td></tr>`).join('')
  }</tbody></table>` : `<p class="muted">${text(d.noEvents)}</p>`}
${withheld ? `<p class="muted">${text(withheld)}</p>` : ''}
</section>`;
}

/**
 * The custody report of `model` as one HTML5 document (UTF-8 text): cover, one section per item,
 * "How to verify this set". Self-contained: thumbnails are data: URIs, styles are inline, no
 * script, and a Content-Security-Policy (default-src 'none') forbids fetching anything, so opening
 * it offline shows everything and opening it online reveals nothing to anyone. Every value is
 * HTML-escaped. Print CSS lays it out on A4.
 */
export function renderCustodyReportHtml(model: CustodyReportModel): string {
  const d = dict(model.lang);
  const s = model.set;
  const verify = verifyBlocks(model).map((b) => (b.kind === 'heading' ? `<h3>${text(b.text)}</h3>`
    : b.kind === 'text' ? `<p>${text(b.text)}</p>` : `<pre><code>${b.lines.map(text).join('\n')}</code></pre>`)).join('\n');
  return `<!DOCTYPE html>
<html lang="${model.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${text(`${d.docTitle} — ${s.exportId}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="cover">
<h1>${text(d.docTitle)}</h1>
<p class="subtitle mono">${text(s.exportId)}</p>
<p>${text(d.coverIntro)}</p>
${s.redacted ? `<div class="notice"><strong>${text(d.redactedTitle)}.</strong> ${text(d.redactedNotice)}</div>` : ''}
${kvTable(coverRows(model))}
</header>
<main>
<h2>${text(d.contentsTitle)}</h2>
${model.items.map((it, i) => itemSection(model, it, i + 1)).join('\n')}
</main>
<section class="verify">
<h2>${text(d.verifyTitle)}</h2>
${verify}
</section>
</body>
</html>
`;
}
