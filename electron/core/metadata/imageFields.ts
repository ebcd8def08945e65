// Normalizes a still image's EXIF/IPTC/XMP blocks into the record fields of issue #2.
import type { DateTag, NormalizedRecord } from '../../common/types.ts';
import { exifDateTime, gpsDateTime, iptcDateTime, isoDateText, normalizeOffset, type IsoDate } from './dates.ts';
import { finalizeGps, parseXmpCoordinate, parseXmpRational, positionFromExifGps, altitudeWithRef, type RawPosition } from './gps.ts';
import { readXmp, XMP_NS } from './xmp.ts';

/** The blocks the mapping reads (images.ts ImageBlocks adds the codec-header facts). */
export interface ImageTagBlocks {
  /** exifr's TIFF blocks (IFD0, Exif IFD, GPS IFD) with raw values: dates as text, refs as bytes. */
  ifd0: Record<string, unknown> | null;
  exif: Record<string, unknown> | null;
  gps: Record<string, unknown> | null;
  /**
   * The same IFD0 and Exif IFD entries keyed by numeric tag id, for tags whose exifr names
   * collide (Exif 0xA431 BodySerialNumber and Photoshop's 0xFDE9 are both "SerialNumber").
   */
  ifd0ById: ReadonlyMap<number, unknown> | null;
  exifById: ReadonlyMap<number, unknown> | null;
  /** IPTC IIM record 2, keyed by exifr's names (DateCreated, TimeCreated, ...). */
  iptc: Record<string, unknown> | null;
  /** The XMP packet text, unparsed. */
  xmp: string | null;
}

/** The record fields a still image contributes (size comes from the codec header, not here). */
export type ImageTagFields = Pick<NormalizedRecord, 'make' | 'model' | 'serial' | 'serialSource' | 'capturedAt' | 'capturedAtSource' | 'capturedAtHasZone' | 'otherDates' | 'gps' | 'orientation'>;

interface Candidate {
  tag: string;
  date: IsoDate | null;
}

/** Trimmed text as stored (NUL padding removed), or null when empty or not text. */
export function cleanText(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\0+$/, '').trim();
  return s === '' ? null : s;
}

/** EXIF 2.32 BodySerialNumber, Exif IFD tag 0xA431 (exifr's name: "SerialNumber"). */
const EXIF_BODY_SERIAL_NUMBER = 0xa431;
/** DNG CameraSerialNumber (Adobe DNG Specification), IFD0 tag 0xC62F (50735). */
const DNG_CAMERA_SERIAL_NUMBER = 0xc62f;

/**
 * A serial number as text: a string trimmed (NUL padding removed), a number or bigint as its
 * decimal text; null when empty, whitespace only or of any other type.
 */
export function serialText(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return String(v);
  return cleanText(v);
}

/**
 * The camera body's serial number and the tag it came from, first usable of:
 * 1. EXIF 2.32 BodySerialNumber (Exif IFD tag 0xA431), read by tag id, because exifr gives
 *    Photoshop's Exif IFD tag 0xFDE9 the same name "SerialNumber" (0xFDE9 is not a source);
 * 2. DNG CameraSerialNumber (IFD0 tag 0xC62F), written by DNG converters and some cameras;
 * 3. XMP exifEX:BodySerialNumber (CIPA DC-010, Exif 2.3 metadata for XMP);
 * 4. XMP aux:SerialNumber (Adobe's EXIF auxiliary schema, written by Lightroom/Camera Raw).
 * Values per serialText. Camera maker notes (Olympus, Canon, Nikon, Sony, ...) are not read
 * (exifr is run without them), nor the GoPro GPMF/udta serials of videos: `serial` is null for
 * such files. Never throws.
 */
export function imageSerial(b: ImageTagBlocks): { serial: string | null; serialSource: string | null } {
  const xmp = readXmp(b.xmp);
  const candidates: [string, () => unknown][] = [
    ['EXIF BodySerialNumber', () => b.exifById?.get(EXIF_BODY_SERIAL_NUMBER)],
    ['DNG CameraSerialNumber', () => b.ifd0ById?.get(DNG_CAMERA_SERIAL_NUMBER)],
    ['XMP exifEX:BodySerialNumber', () => xmp.get(XMP_NS.exifEX, 'BodySerialNumber')],
    ['XMP aux:SerialNumber', () => xmp.get(XMP_NS.aux, 'SerialNumber')],
  ];
  for (const [tag, read] of candidates) {
    const serial = serialText(read());
    if (serial !== null) return { serial, serialSource: tag };
  }
  return { serial: null, serialSource: null };
}

function withOffsetLabel(tag: string, offsetTag: string, offset: unknown): string {
  return normalizeOffset(offset) !== null ? `${tag}+${offsetTag}` : tag;
}

/**
 * Date candidates in priority order. The camera's own EXIF DateTimeOriginal wins even without
 * an offset (EXIF 2.32 §4.6.5): XMP/IPTC copies are written later by software and may carry
 * an offset the camera never recorded, so they are only fallbacks.
 */
function dateCandidates(b: ImageTagBlocks): { capture: Candidate[]; other: Candidate[] } {
  const exif = b.exif ?? {};
  const ifd0 = b.ifd0 ?? {};
  const iptc = b.iptc ?? {};
  const xmp = readXmp(b.xmp);
  const capture: Candidate[] = [
    {
      tag: withOffsetLabel('EXIF DateTimeOriginal', 'OffsetTimeOriginal', exif['OffsetTimeOriginal']),
      date: exifDateTime(exif['DateTimeOriginal'], exif['OffsetTimeOriginal']),
    },
    {
      tag: withOffsetLabel('EXIF DateTimeDigitized', 'OffsetTimeDigitized', exif['OffsetTimeDigitized']),
      date: exifDateTime(exif['CreateDate'], exif['OffsetTimeDigitized']),
    },
    { tag: 'IPTC DateCreated+TimeCreated', date: iptcDateTime(iptc['DateCreated'], iptc['TimeCreated']) },
    { tag: 'XMP exif:DateTimeOriginal', date: isoDateText(xmp.get(XMP_NS.exif, 'DateTimeOriginal')) },
    { tag: 'XMP photoshop:DateCreated', date: isoDateText(xmp.get(XMP_NS.photoshop, 'DateCreated')) },
    { tag: 'XMP xmp:CreateDate', date: isoDateText(xmp.get(XMP_NS.xmp, 'CreateDate')) },
  ];
  const other: Candidate[] = [
    { tag: withOffsetLabel('EXIF DateTime', 'OffsetTime', exif['OffsetTime']), date: exifDateTime(ifd0['ModifyDate'], exif['OffsetTime']) },
    { tag: 'EXIF GPSDateStamp+GPSTimeStamp (UTC)', date: gpsDateTime(b.gps?.['GPSDateStamp'], b.gps?.['GPSTimeStamp']) },
    { tag: 'IPTC DigitalCreationDate+DigitalCreationTime', date: iptcDateTime(iptc['DigitalCreationDate'], iptc['DigitalCreationTime']) },
    { tag: 'XMP exif:DateTimeDigitized', date: isoDateText(xmp.get(XMP_NS.exif, 'DateTimeDigitized')) },
    { tag: 'XMP xmp:ModifyDate', date: isoDateText(xmp.get(XMP_NS.xmp, 'ModifyDate')) },
  ];
  return { capture, other };
}

function xmpPosition(b: ImageTagBlocks): RawPosition | null {
  const xmp = readXmp(b.xmp);
  const lat = parseXmpCoordinate(xmp.get(XMP_NS.exif, 'GPSLatitude'));
  const lon = parseXmpCoordinate(xmp.get(XMP_NS.exif, 'GPSLongitude'));
  if (lat === null || lon === null) return null;
  let alt = altitudeWithRef(parseXmpRational(xmp.get(XMP_NS.exif, 'GPSAltitude')), xmp.get(XMP_NS.exif, 'GPSAltitudeRef'));
  // The XMP copy may omit the altitude the GPS IFD still holds.
  alt ??= altitudeWithRef(b.gps?.['GPSAltitude'], b.gps?.['GPSAltitudeRef']);
  return { lat, lon, alt };
}

/** A signed decimal in text ("+47.3541841", "-0.5"), as DJI writes its XMP numbers; else null. */
function signedDecimal(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\s*[+-]?\d+(\.\d+)?\s*$/.test(raw)) return null;
  return Number(raw);
}

/**
 * DJI drones' XMP (drone-dji:GpsLatitude/GpsLongitude as signed decimal degrees, WGS84;
 * drone-dji:AbsoluteAltitude in metres above sea level; RelativeAltitude, above the take-off
 * point, is not an altitude and is not used). Names as ExifTool's XMP-drone-dji table reads them
 * (lib/Image/ExifTool/DJI.pm, %DJI::XMP; ExifTool also accepts the misspelt GpsLongtitude some
 * firmware writes, so do we). Some DJI models write the position only here, not in the GPS IFD.
 */
function djiPosition(b: ImageTagBlocks): RawPosition | null {
  const xmp = readXmp(b.xmp);
  const lat = signedDecimal(xmp.get(XMP_NS.droneDji, 'GpsLatitude'));
  const lon = signedDecimal(xmp.get(XMP_NS.droneDji, 'GpsLongitude') ?? xmp.get(XMP_NS.droneDji, 'GpsLongtitude'));
  if (lat === null || lon === null) return null;
  return { lat, lon, alt: signedDecimal(xmp.get(XMP_NS.droneDji, 'AbsoluteAltitude')) };
}

/**
 * Maps EXIF/IPTC/XMP blocks to record fields:
 * - make/model: EXIF IFD0 Make/Model (TIFF 6.0 tags 271/272), trimmed, else null.
 * - serial/serialSource: the camera body's serial number per imageSerial (EXIF BodySerialNumber,
 *   DNG CameraSerialNumber, XMP exifEX:BodySerialNumber, XMP aux:SerialNumber), else null.
 * - capturedAt: first usable of EXIF DateTimeOriginal(+OffsetTimeOriginal), DateTimeDigitized,
 *   IPTC DateCreated+TimeCreated, XMP exif:DateTimeOriginal, photoshop:DateCreated,
 *   xmp:CreateDate — ISO 8601 as stored; every other date tag found goes to otherDates.
 * - gps: EXIF GPS IFD (EXIF 2.32 §4.6.6); when its lat/lon are empty or malformed, XMP
 *   exif:GPSLatitude/GPSLongitude, then DJI's XMP drone-dji:GpsLatitude/GpsLongitude with
 *   AbsoluteAltitude; degrees WGS84, S/W negative, altitude metres.
 * - orientation: EXIF IFD0 Orientation (tag 274) when 1–8, else null.
 * Observations (malformed GPS, 0,0) are appended to `warnings`. Never throws.
 */
export function imageTagFields(b: ImageTagBlocks, warnings: string[]): ImageTagFields {
  const { capture, other } = dateCandidates(b);
  const chosen = capture.find((c) => c.date !== null) ?? null;
  const otherDates: DateTag[] = [...capture, ...other]
    .filter((c) => c !== chosen && c.date !== null)
    .map((c) => ({ tag: c.tag, value: c.date!.value }));

  const problems: string[] = [];
  let gps = finalizeGps(positionFromExifGps(b.gps, problems), 'EXIF GPS IFD', warnings);
  if (gps === null) {
    const fromXmp = xmpPosition(b);
    if (fromXmp) gps = finalizeGps(fromXmp, 'XMP exif:GPSLatitude/GPSLongitude', warnings);
  }
  if (gps === null) {
    const fromDji = djiPosition(b);
    if (fromDji) gps = finalizeGps(fromDji, 'XMP drone-dji:GpsLatitude/GpsLongitude', warnings);
  }
  if (gps === null) warnings.push(...problems);

  const o = b.ifd0?.['Orientation'];
  return {
    make: cleanText(b.ifd0?.['Make']),
    model: cleanText(b.ifd0?.['Model']),
    ...imageSerial(b),
    capturedAt: chosen?.date?.value ?? null,
    capturedAtSource: chosen?.tag ?? null,
    capturedAtHasZone: chosen?.date?.hasZone ?? false,
    otherDates,
    gps,
    orientation: typeof o === 'number' && Number.isInteger(o) && o >= 1 && o <= 8 ? o : null,
  };
}
