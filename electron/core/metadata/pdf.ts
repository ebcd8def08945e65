// PDF document information dates (ISO 32000-1 §14.3.3 Info dictionary; §7.5 file structure).
// We follow startxref → xref table or xref stream → /Info object, reading only those bytes,
// instead of pulling in a full PDF library for two strings.
import { inflateSync } from 'node:zlib';
import type { ByteSource } from './io.ts';

/** The Info dictionary's text entries we read, decoded; plus the catalog's XMP packet. */
export interface PdfInfo {
  creationDate: string | null;
  modDate: string | null;
  producer: string | null;
  creator: string | null;
  /** The document-level XMP metadata stream (catalog /Metadata), when present and readable. */
  xmp: string | null;
  /** True when the trailer has /Encrypt: Info strings are then encrypted and unreadable here. */
  encrypted: boolean;
  /** False when startxref/xref could not be followed and the tail of the file was scanned instead. */
  xrefFound: boolean;
  /** True when an Info dictionary was found. */
  infoFound: boolean;
}

type XrefEntry = { kind: 'offset'; offset: number } | { kind: 'packed'; stream: number; index: number };

interface XrefSection {
  trailer: string;
  entries: Map<number, XrefEntry>;
}

const MAX_SECTION_BYTES = 8 * 1024 * 1024;
const MAX_OBJECT_BYTES = 8 * 1024 * 1024;
const MAX_SECTIONS = 64;

/** The text of the dictionary that starts at `from` ("<<"), nested dictionaries included. */
function dictAt(text: string, from: number): string | null {
  const start = text.indexOf('<<', from);
  if (start < 0) return null;
  let depth = 0;
  for (let i = start; i < text.length - 1; i++) {
    if (text[i] === '(') {
      i = skipLiteral(text, i);
      continue;
    }
    if (text[i] === '<' && text[i + 1] === '<') {
      depth++;
      i++;
    } else if (text[i] === '>' && text[i + 1] === '>') {
      depth--;
      i++;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return null;
}

function skipLiteral(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return text.length;
}

const refIn = (dict: string, key: string): number | null => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+\\d+\\s+R`).exec(dict);
  return m ? Number(m[1]) : null;
};
const intIn = (dict: string, key: string): number | null => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\b(?!\\s+\\d+\\s+R)`).exec(dict);
  return m ? Number(m[1]) : null;
};

/** Decodes a PDF text string (§7.9.2.2): UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding. */
function decodeTextString(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('latin1'); // PDFDocEncoding equals Latin-1 for the characters dates and names use
}

/** Reads the string value of `/key` in a dictionary: literal (…) with escapes, or hex <…>. */
export function pdfStringIn(dict: string, key: string): string | null {
  const m = new RegExp(`/${key}\\s*([(<])`).exec(dict);
  if (!m) return null;
  const at = m.index + m[0].length - 1;
  if (m[1] === '<') {
    const end = dict.indexOf('>', at);
    if (end < 0) return null;
    const hex = dict.slice(at + 1, end).replace(/\s+/g, '');
    return decodeTextString(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
  }
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
  let depth = 1;
  for (let i = at + 1; i < dict.length; i++) {
    const c = dict[i]!;
    if (c === '\\') {
      const n = dict[++i] ?? '';
      if (n in escapes) bytes.push(escapes[n]!);
      else if (/[0-7]/.test(n)) {
        const oct = /^[0-7]{1,3}/.exec(dict.slice(i))![0];
        bytes.push(parseInt(oct, 8) & 0xff);
        i += oct.length - 1;
      } else if (n === '\r' && dict[i + 1] === '\n') i++; // line continuation
      else if (n !== '\n' && n !== '\r') bytes.push(n.charCodeAt(0) & 0xff);
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) break;
    bytes.push(c.charCodeAt(0) & 0xff);
  }
  return decodeTextString(Buffer.from(bytes));
}

/** PNG predictors (§7.4.4.4, Predictor ≥ 10) as used by xref streams. */
function unpredict(data: Buffer, columns: number): Buffer {
  const rowLen = columns + 1;
  const out = Buffer.alloc(Math.floor(data.length / rowLen) * columns);
  for (let r = 0; r * rowLen + rowLen <= data.length; r++) {
    const filter = data[r * rowLen]!;
    for (let c = 0; c < columns; c++) {
      const x = data[r * rowLen + 1 + c]!;
      const a = c > 0 ? out[r * columns + c - 1]! : 0;
      const b = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const cc = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let v = x;
      if (filter === 1) v = x + a;
      else if (filter === 2) v = x + b;
      else if (filter === 3) v = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - cc;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - cc);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : cc);
      }
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}

/** Stream data of an object whose text (latin1) starts at `buf[0]`: dictionary + decoded bytes. */
function streamOf(buf: Buffer): { dict: string; data: Buffer } | null {
  const text = buf.toString('latin1');
  const dict = dictAt(text, 0);
  if (!dict) return null;
  const kw = /stream\r?\n/.exec(text.slice(text.indexOf(dict) + dict.length));
  if (!kw) return null;
  const start = text.indexOf(dict) + dict.length + kw.index + kw[0].length;
  const length = intIn(dict, 'Length');
  const end = length !== null && start + length <= buf.length ? start + length : text.indexOf('endstream', start);
  if (end < 0) return null;
  let data = buf.subarray(start, end);
  if (/\/Filter\s*(\[\s*)?\/FlateDecode/.test(dict)) data = inflateSync(data);
  else if (/\/Filter/.test(dict)) return null; // other filters are not used for xref/Info/XMP in practice
  const predictor = intIn(dict, 'Predictor');
  if (predictor !== null && predictor >= 10) data = unpredict(data, intIn(dict, 'Columns') ?? 1);
  return { dict, data };
}

async function readSection(src: ByteSource, offset: number): Promise<XrefSection | null> {
  const buf = await src.read(offset, MAX_SECTION_BYTES);
  const text = buf.toString('latin1');
  const entries = new Map<number, XrefEntry>();
  if (/^\s*xref/.test(text)) {
    const re = /\s*(\d+)\s+(\d+)\s*[\r\n]/y;
    const entry = /\s*(\d{10})\s+(\d{5})\s+([nf])/y;
    re.lastIndex = text.indexOf('xref') + 4;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const first = Number(m[1]);
      entry.lastIndex = re.lastIndex;
      for (let i = 0; i < Number(m[2]); i++) {
        const e = entry.exec(text);
        if (!e) return null;
        if (e[3] === 'n' && !entries.has(first + i)) entries.set(first + i, { kind: 'offset', offset: Number(e[1]) });
      }
      re.lastIndex = entry.lastIndex;
    }
    const t = text.indexOf('trailer', re.lastIndex > 0 ? re.lastIndex : 0);
    const trailer = t < 0 ? null : dictAt(text, t);
    return trailer ? { trailer, entries } : null;
  }
  if (!/^\s*\d+\s+\d+\s+obj/.test(text)) return null;
  const s = streamOf(buf.subarray(text.indexOf('<<')));
  if (!s || !/\/Type\s*\/XRef/.test(s.dict)) return null;
  const w = /\/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(s.dict);
  if (!w) return null;
  const [w0, w1, w2] = [Number(w[1]), Number(w[2]), Number(w[3])];
  const idx = /\/Index\s*\[([\d\s]+)\]/.exec(s.dict)?.[1]?.trim().split(/\s+/).map(Number) ?? [0, intIn(s.dict, 'Size') ?? 0];
  const field = (p: number, n: number): number => (n === 0 ? 0 : s.data.readUIntBE(p, n));
  let p = 0;
  for (let k = 0; k + 1 < idx.length; k += 2) {
    for (let i = 0; i < idx[k + 1]! && p + w0 + w1 + w2 <= s.data.length; i++, p += w0 + w1 + w2) {
      const type = w0 === 0 ? 1 : field(p, w0);
      const f2 = field(p + w0, w1);
      const f3 = field(p + w0 + w1, w2);
      const num = idx[k]! + i;
      if (entries.has(num)) continue;
      if (type === 1) entries.set(num, { kind: 'offset', offset: f2 });
      else if (type === 2) entries.set(num, { kind: 'packed', stream: f2, index: f3 });
    }
  }
  return { trailer: s.dict, entries };
}

/** The xref sections from newest to oldest (/Prev chain, plus /XRefStm of hybrid files). */
async function readSections(src: ByteSource): Promise<XrefSection[]> {
  const tail = (await src.read(Math.max(0, src.size - 2048), 2048)).toString('latin1');
  // The last startxref is the newest revision; earlier ones belong to incremental updates.
  const last = [...tail.matchAll(/startxref\s+(\d+)/g)].pop();
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  const queue = last ? [Number(last[1])] : [];
  while (queue.length && sections.length < MAX_SECTIONS) {
    const off = queue.shift()!;
    if (seen.has(off) || off >= src.size) continue;
    seen.add(off);
    const s = await readSection(src, off);
    if (!s) continue;
    sections.push(s);
    for (const key of ['XRefStm', 'Prev']) {
      const next = intIn(s.trailer, key);
      if (next !== null) queue.push(next);
    }
  }
  return sections;
}

async function objectBytes(src: ByteSource, sections: XrefSection[], num: number, depth = 0): Promise<Buffer | null> {
  const entry = sections.map((s) => s.entries.get(num)).find((e) => e !== undefined);
  if (!entry || depth > 1) return null;
  if (entry.kind === 'offset') {
    const buf = await src.read(entry.offset, MAX_OBJECT_BYTES);
    const head = /^\s*(\d+)\s+\d+\s+obj\s*/.exec(buf.toString('latin1', 0, 64));
    return head && Number(head[1]) === num ? buf.subarray(head[0].length) : null;
  }
  // Object streams (§7.5.7): header of "objnum offset" pairs, objects from /First on.
  const stm = await objectBytes(src, sections, entry.stream, depth + 1);
  const s = stm ? streamOf(stm) : null;
  if (!s) return null;
  const first = intIn(s.dict, 'First') ?? 0;
  const pairs = s.data.toString('latin1', 0, first).trim().split(/\s+/).map(Number);
  const rel = pairs[entry.index * 2 + 1];
  return rel === undefined ? null : s.data.subarray(first + rel);
}

/**
 * Reads the Info dictionary (CreationDate, ModDate, Producer, Creator: decoded text as stored)
 * and the catalog's XMP packet. Fields stay null when absent (e.g. a scanner's PDF without
 * /Info); `xrefFound` is false when the xref was unreadable and the file's tail was scanned.
 * Throws only on I/O errors and corrupt Flate streams (the caller turns those into `error`).
 */
export async function readPdfInfo(src: ByteSource): Promise<PdfInfo> {
  const sections = await readSections(src);
  const trailer = sections.find((s) => /\/Info\s/.test(s.trailer))?.trailer ?? sections[0]?.trailer;
  if (!trailer) return scanTail(src);
  const info: PdfInfo = {
    creationDate: null, modDate: null, producer: null, creator: null, xmp: null,
    encrypted: /\/Encrypt\s/.test(trailer), xrefFound: true, infoFound: false,
  };
  const infoNum = refIn(trailer, 'Info');
  const infoObj = infoNum === null ? null : await objectBytes(src, sections, infoNum);
  const dict = infoObj ? dictAt(infoObj.toString('latin1', 0, 65536), 0) : null;
  if (dict) {
    info.infoFound = true;
    info.creationDate = pdfStringIn(dict, 'CreationDate');
    info.modDate = pdfStringIn(dict, 'ModDate');
    info.producer = pdfStringIn(dict, 'Producer');
    info.creator = pdfStringIn(dict, 'Creator');
  }
  const rootNum = refIn(trailer, 'Root');
  const root = rootNum === null ? null : await objectBytes(src, sections, rootNum);
  const rootDict = root ? dictAt(root.toString('latin1', 0, 65536), 0) : null;
  const metaNum = rootDict ? refIn(rootDict, 'Metadata') : null;
  const meta = metaNum === null ? null : await objectBytes(src, sections, metaNum);
  const xmp = meta ? streamOf(meta) : null;
  if (xmp) info.xmp = xmp.data.toString('utf8');
  return info;
}

/**
 * Fallback for files whose xref is unreadable: the Info dictionary is usually written last, so
 * the last /CreationDate in the final MiB is taken. Never reads more than 1 MiB.
 */
async function scanTail(src: ByteSource): Promise<PdfInfo> {
  const size = Math.min(src.size, 1024 * 1024);
  const text = (await src.read(src.size - size, size)).toString('latin1');
  const at = text.lastIndexOf('/CreationDate');
  const near = at < 0 ? '' : text.slice(Math.max(0, at - 4096), at + 4096);
  return {
    creationDate: at < 0 ? null : pdfStringIn(text.slice(at), 'CreationDate'),
    modDate: pdfStringIn(near, 'ModDate'),
    producer: pdfStringIn(near, 'Producer'),
    creator: pdfStringIn(near, 'Creator'),
    xmp: null,
    encrypted: /\/Encrypt\s/.test(text),
    xrefFound: false,
    infoFound: at >= 0,
  };
}
