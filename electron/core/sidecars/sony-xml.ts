// Sony NonRealTimeMeta, the XML a Sony XAVC S / XAVC HS / XDCAM camera writes beside each clip
// (`C0001M01.XML`, namespace urn:schemas-professionalDisc:nonRealTimeMeta:ver.2.x). The format is
// Sony's Professional Disc metadata ("NonRealTimeMeta" of the XDCAM/XAVC family), whose elements
// ExifTool documents as its XML "NonRealTimeMeta" tags: CreationDate@value (local time with its
// UTC offset), Device@manufacturer/modelName/serialNo, Duration@value (frames),
// LtcChangeTable@tcFps, VideoFormat/VideoFrame@videoCodec/captureFps/formatFps,
// VideoFormat/VideoLayout@pixel/numOfVerticalLine/aspectRatio. The camera writes the clip's start
// time with its zone only here: the MP4's own mvhd time is UTC, and an edited or re-wrapped MP4
// may have none at all.
import { isoDateText, type IsoDate } from '../metadata/dates.ts';
import type { SidecarFacts } from './facts.ts';

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
}

/** The attribute `attr` of the first element named `el` (any namespace prefix), trimmed, or null. */
function attrOf(xml: string, el: string, attr: string): string | null {
  const tag = new RegExp(`<(?:[\\w.-]+:)?${escapeRe(el)}(\\s[^>]*)?/?>`).exec(xml);
  if (!tag?.[1]) return null;
  const a = new RegExp(`\\s${escapeRe(attr)}\\s*=\\s*(["'])([\\s\\S]*?)\\1`).exec(tag[1]);
  const v = a ? decode(a[2]!).trim() : '';
  return v === '' ? null : v;
}

/**
 * Frames per second of a Sony rate text: "25p", "50i" (fields: 25 frames), "23.98p" (24000/1001),
 * "29.97p", "59.94i", or a bare number (LtcChangeTable@tcFps "25"). Null when unreadable.
 */
export function sonyFrameRate(text: string | null): number | null {
  if (!text) return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([pi])?\s*$/i.exec(text);
  if (!m) return null;
  let fps = Number(m[1]);
  if (m[2]?.toLowerCase() === 'i') fps /= 2;
  // NTSC rates are written rounded; their exact value is n × 1000/1001.
  const ntsc = [23.98, 29.97, 47.95, 59.94, 119.88].find((r) => Math.abs(fps - r) < 0.006);
  if (ntsc) fps = Math.round(ntsc * 1.001) * 1000 / 1001;
  return fps > 0 ? fps : null;
}

/** True when `text` is a NonRealTimeMeta document (its root element, any prefix). */
export function isNonRealTimeMeta(text: string): boolean {
  return /<(?:[\w.-]+:)?NonRealTimeMeta[\s>]/.test(text);
}

/**
 * The facts of a Sony NonRealTimeMeta XML (see the file comment), with each fact's element named
 * in `tag` ("CreationDate", "Device modelName"). Dates are kept as stored (isoDateText: wall time
 * plus the offset the file gives). Returns null when the text is not NonRealTimeMeta. Never throws.
 */
export function readSonyXml(text: string): SidecarFacts | null {
  if (!isNonRealTimeMeta(text)) return null;
  const facts: SidecarFacts = {};
  const created: IsoDate | null = isoDateText(attrOf(text, 'CreationDate', 'value'));
  if (created) facts.capturedAt = { value: created.value, hasZone: created.hasZone, tag: 'CreationDate' };
  const make = attrOf(text, 'Device', 'manufacturer');
  const model = attrOf(text, 'Device', 'modelName');
  const serial = attrOf(text, 'Device', 'serialNo');
  if (make) facts.make = { value: make, tag: 'Device manufacturer' };
  if (model) facts.model = { value: model, tag: 'Device modelName' };
  if (serial) facts.serial = { value: serial, tag: 'Device serialNo' };
  const formatFps = attrOf(text, 'VideoFrame', 'formatFps');
  const tcFps = attrOf(text, 'LtcChangeTable', 'tcFps');
  const fps = sonyFrameRate(formatFps) ?? sonyFrameRate(tcFps);
  if (formatFps ?? tcFps) facts.frameRate = { value: (formatFps ?? tcFps)!, tag: formatFps ? 'VideoFrame formatFps' : 'LtcChangeTable tcFps' };
  const frames = Number(attrOf(text, 'Duration', 'value'));
  if (Number.isInteger(frames) && frames > 0 && fps) {
    facts.durationSec = { value: Math.round((frames / fps) * 1000) / 1000, tag: `Duration (${frames} frames at ${formatFps ?? tcFps})` };
  }
  const w = Number(attrOf(text, 'VideoLayout', 'pixel'));
  const h = Number(attrOf(text, 'VideoLayout', 'numOfVerticalLine'));
  if (Number.isInteger(w) && w > 0 && Number.isInteger(h) && h > 0) facts.size = { width: w, height: h, tag: 'VideoLayout pixel×numOfVerticalLine' };
  const codec = attrOf(text, 'VideoFrame', 'videoCodec');
  if (codec) facts.videoCodec = { value: codec, tag: 'VideoFrame videoCodec' };
  return facts;
}
