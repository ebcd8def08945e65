// Content-based file typing: the bytes decide, never the file name's extension.
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import type { Kind } from '../../common/types.ts';
import { readFtyp, readMoov } from '../metadata/bmff.ts';
import { withByteSource, type ByteSource, type FileInput } from '../metadata/io.ts';

/** What a file is, by content. `mime` is null only for an empty file. */
export interface SniffResult {
  mime: string | null;
  kind: Kind;
  /** Canonical extension for the type (no dot), or null when unknown. */
  ext: string | null;
}

/** Containers that are video in some files and audio-only in others. */
const AMBIGUOUS_ASF = 'application/vnd.ms-asf';
const NON_PREFIX_KINDS: Record<string, Kind> = {
  'application/pdf': 'document',
  'application/ogg': 'audio',
  'application/mxf': 'video',
  [AMBIGUOUS_ASF]: 'video',
};

/**
 * Coarse kind of a MIME type: image/* → image (camera RAW included), video/* → video,
 * audio/* → audio, application/pdf → document, a few containers named application/*
 * (Ogg, MXF, ASF) by what they usually hold; anything else, and null, → other.
 * Parameters ("; codecs=opus") are ignored. Never throws.
 */
export function kindOfMime(mime: string | null | undefined): Kind {
  if (!mime) return 'other';
  const base = mime.split(';')[0]!.trim().toLowerCase();
  const fixed = NON_PREFIX_KINDS[base];
  if (fixed) return fixed;
  const top = base.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'other';
}

const ISO_BMFF = new Set(['video/mp4', 'video/quicktime', 'video/3gpp', 'video/3gpp2', 'video/x-m4v', 'audio/mp4', 'audio/x-m4a']);

/**
 * ISO-BMFF brands do not say whether a file holds pictures: an iPhone voice memo may be "mp42"
 * and an Android recording "3gp4". The trak handlers do (ISO/IEC 14496-12 §8.4.3: 'vide' vs 'soun').
 */
async function refineBmff(src: ByteSource, mime: string, ext: string): Promise<SniffResult> {
  const ftyp = await readFtyp(src);
  const brands = ftyp ? [ftyp.major, ...ftyp.compatible] : [];
  const is3gpp2 = brands.some((b) => b.startsWith('3g2'));
  const is3gpp = !is3gpp2 && ftyp !== null && ftyp.major.startsWith('3g');
  const moov = await readMoov(src).catch(() => null);
  const hasVideo = moov?.handlers.includes('vide') ?? false;
  const hasAudio = moov?.handlers.includes('soun') ?? false;
  if (moov && !hasVideo && hasAudio) {
    if (is3gpp2) return { mime: 'audio/3gpp2', kind: 'audio', ext: '3g2' };
    if (is3gpp) return { mime: 'audio/3gpp', kind: 'audio', ext: '3gp' };
    return { mime: 'audio/mp4', kind: 'audio', ext: 'm4a' };
  }
  if (hasVideo && mime.startsWith('audio/')) {
    if (is3gpp) return { mime: 'video/3gpp', kind: 'video', ext: '3gp' };
    return { mime: 'video/mp4', kind: 'video', ext: 'mp4' };
  }
  // No readable moov (truncated): keep file-type's answer, with the registered M4A type.
  const m = mime === 'audio/x-m4a' ? 'audio/mp4' : mime;
  return { mime: m, kind: kindOfMime(m), ext };
}

/** DNG is TIFF with a DNGVersion tag (0xC612) in IFD0 (Adobe DNG Specification 1.6, §6). */
async function isDng(src: ByteSource): Promise<boolean> {
  const h = await src.read(0, 8);
  if (h.length < 8) return false;
  const le = h.toString('latin1', 0, 2) === 'II';
  const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const ifd0 = le ? h.readUInt32LE(4) : h.readUInt32BE(4);
  const countBuf = await src.read(ifd0, 2);
  if (countBuf.length < 2) return false;
  const n = Math.min(u16(countBuf, 0), 1000);
  const entries = await src.read(ifd0 + 2, n * 12);
  for (let i = 0; i + 12 <= entries.length; i += 12) if (u16(entries, i) === 0xc612) return true;
  return false;
}

/** file-type does not name text formats; a short look tells HTML from plain text from binary. */
function sniffText(head: Buffer): SniffResult {
  if (head.includes(0)) return { mime: 'application/octet-stream', kind: 'other', ext: null };
  const text = head.toString('latin1', 0, Math.min(head.length, 1024));
  if (/<!doctype\s+html|<html[\s>]/i.test(text)) return { mime: 'text/html', kind: 'other', ext: 'html' };
  try {
    // stream: true so a multi-byte character cut by the 4 KiB window is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { mime: 'text/plain', kind: 'other', ext: 'txt' };
  } catch {
    return { mime: 'application/octet-stream', kind: 'other', ext: null };
  }
}

/**
 * Types a file by its content (magic bytes) with file-type, then settles what file-type leaves
 * ambiguous: ISO-BMFF audio vs video by track handlers (M4A voice memo → audio/mp4, 3GP with a
 * video track → video/3gpp), Ogg Opus → audio/ogg (the container type), TIFF with DNGVersion →
 * image/x-adobe-dng, XHTML → text/html. A zero-byte file → { mime: null, kind: 'other' }.
 * `input` is a path or a file already in memory. Throws only on I/O errors (ENOENT, EACCES, EISDIR).
 */
export async function sniffFile(input: FileInput): Promise<SniffResult> {
  return withByteSource(input, async (src) => {
    if (src.size === 0) return { mime: null, kind: 'other', ext: null };
    const ft = typeof input === 'string' ? await fileTypeFromFile(input) : await fileTypeFromBuffer(input.bytes);
    if (!ft) return sniffText(await src.read(0, 4096));
    const mime = ft.mime.split(';')[0]!.trim();
    if (ISO_BMFF.has(mime)) return refineBmff(src, mime, ft.ext);
    if (mime === 'image/tiff' && (await isDng(src))) return { mime: 'image/x-adobe-dng', kind: 'image', ext: 'dng' };
    if (mime === 'application/xml') {
      const html = sniffText(await src.read(0, 4096));
      if (html.mime === 'text/html') return html;
    }
    return { mime, kind: kindOfMime(mime), ext: ft.ext };
  });
}
