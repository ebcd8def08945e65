// The little metadata a redacted photo keeps, and the names of what it loses. A redacted copy
// carries no EXIF of the original: it gets a new, minimal TIFF structure (EXIF 2.32 / TIFF 6.0)
// holding only the Orientation (so it still shows upright) and the capture date as asked, or, for
// a coarsened date, an XMP packet with photoshop:DateCreated at day, month or year precision
// (XMP Specification Part 2 §3.3: reduced-precision ISO 8601 dates). The reader below walks the
// original's IFDs only to name the tags removed (names, never values) for the custody event.

/** What to do with the capture date: keep it, coarsen it to a day/month/year, or drop it. */
export type DatePolicy = 'keep' | 'day' | 'month' | 'year' | 'drop';

/** What a redacted photo keeps of its original's metadata. */
export interface KeptMetadata {
  /** EXIF Orientation 2–8 to write, or null (1 or unknown: nothing written). */
  orientation: number | null;
  /** The capture date as the catalog holds it (ISO 8601 text, offset only when stored), or null. */
  capturedAt: string | null;
  date: DatePolicy;
}

const TAG_NAMES: Record<number, string> = {
  0x010e: 'ImageDescription', 0x010f: 'Make', 0x0110: 'Model', 0x0112: 'Orientation', 0x011a: 'XResolution', 0x011b: 'YResolution',
  0x0128: 'ResolutionUnit', 0x0131: 'Software', 0x0132: 'ModifyDate', 0x013b: 'Artist', 0x013c: 'HostComputer', 0x0201: 'ThumbnailOffset',
  0x0202: 'ThumbnailLength', 0x0213: 'YCbCrPositioning', 0x8298: 'Copyright', 0x8769: 'ExifOffset', 0x8825: 'GPSInfo', 0x829a: 'ExposureTime',
  0x829d: 'FNumber', 0x8822: 'ExposureProgram', 0x8827: 'ISO', 0x9000: 'ExifVersion', 0x9003: 'DateTimeOriginal', 0x9004: 'CreateDate',
  0x9010: 'OffsetTime', 0x9011: 'OffsetTimeOriginal', 0x9012: 'OffsetTimeDigitized', 0x9101: 'ComponentsConfiguration', 0x927c: 'MakerNote',
  0x9286: 'UserComment', 0x9290: 'SubSecTime', 0x9291: 'SubSecTimeOriginal', 0x9292: 'SubSecTimeDigitized', 0x920a: 'FocalLength',
  0x9209: 'Flash', 0x9207: 'MeteringMode', 0xa000: 'FlashpixVersion', 0xa001: 'ColorSpace', 0xa002: 'ExifImageWidth', 0xa003: 'ExifImageHeight',
  0xa005: 'InteropOffset', 0xa420: 'ImageUniqueID', 0xa430: 'OwnerName', 0xa431: 'SerialNumber', 0xa432: 'LensInfo', 0xa433: 'LensMake',
  0xa434: 'LensModel', 0xa435: 'LensSerialNumber', 0x9c9b: 'XPTitle', 0x9c9c: 'XPComment', 0x9c9d: 'XPAuthor', 0x9c9e: 'XPKeywords',
  0x9c9f: 'XPSubject', 0xc4a5: 'PrintIM', 0x0103: 'Compression', 0x0100: 'ImageWidth', 0x0101: 'ImageHeight', 0xa40a: 'Sharpness',
};
const GPS_NAMES: Record<number, string> = {
  0: 'GPSVersionID', 1: 'GPSLatitudeRef', 2: 'GPSLatitude', 3: 'GPSLongitudeRef', 4: 'GPSLongitude', 5: 'GPSAltitudeRef', 6: 'GPSAltitude',
  7: 'GPSTimeStamp', 8: 'GPSSatellites', 12: 'GPSSpeedRef', 13: 'GPSSpeed', 16: 'GPSImgDirectionRef', 17: 'GPSImgDirection', 18: 'GPSMapDatum',
  27: 'GPSProcessingMethod', 29: 'GPSDateStamp', 31: 'GPSHPositioningError',
};

/**
 * The names of the tags in a TIFF structure (the payload of a JPEG APP1 "Exif\0\0" after its
 * header, a PNG eXIf chunk, a WebP EXIF chunk), by IFD: "IFD0:Make", "ExifIFD:BodySerialNumber",
 * "GPS:GPSLatitude", "IFD1:ThumbnailOffset"; unknown tags as "IFD0:0x1234". Values are never read
 * out. A structure that is cut short gives the names read until then; never throws.
 */
export function tiffTagNames(tiff: Buffer): string[] {
  const out: string[] = [];
  if (tiff.length < 8) return out;
  const le = tiff.toString('latin1', 0, 2) === 'II';
  if (!le && tiff.toString('latin1', 0, 2) !== 'MM') return out;
  const u16 = (p: number) => (le ? tiff.readUInt16LE(p) : tiff.readUInt16BE(p));
  const u32 = (p: number) => (le ? tiff.readUInt32LE(p) : tiff.readUInt32BE(p));
  const seen = new Set<number>();
  const walk = (off: number, ifd: string, names: Record<number, string>, depth: number): number => {
    if (depth > 4 || off < 8 || off + 2 > tiff.length || seen.has(off)) return 0;
    seen.add(off);
    const n = u16(off);
    for (let i = 0; i < n; i++) {
      const e = off + 2 + i * 12;
      if (e + 12 > tiff.length) return 0;
      const tag = u16(e);
      const name = tag === 0xa431 ? 'BodySerialNumber' : names[tag] ?? `0x${tag.toString(16).padStart(4, '0')}`;
      out.push(`${ifd}:${name}`);
      if (tag === 0x8769) walk(u32(e + 8), 'ExifIFD', TAG_NAMES, depth + 1);
      else if (tag === 0x8825) walk(u32(e + 8), 'GPS', GPS_NAMES, depth + 1);
      else if (tag === 0xa005) walk(u32(e + 8), 'InteropIFD', {}, depth + 1);
    }
    const next = off + 2 + n * 12;
    return next + 4 <= tiff.length ? u32(next) : 0;
  };
  const ifd1 = walk(u32(4), 'IFD0', TAG_NAMES, 0);
  if (ifd1) walk(ifd1, 'IFD1', TAG_NAMES, 0);
  return out;
}

/** The date parts of ISO 8601 text as stored (`2021-04-29T10:00:00+06:00`, `…Z`, bare), or null. */
function dateParts(iso: string): { y: string; mo: string; d: string; time: string | null; offset: string | null } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?/u.exec(iso);
  if (!m) return null;
  return { y: m[1]!, mo: m[2]!, d: m[3]!, time: m[4] ?? null, offset: m[5] === 'Z' ? '+00:00' : m[5] ?? null };
}

/**
 * The capture date as it will be written under `policy`: full (EXIF form "YYYY:MM:DD HH:MM:SS"
 * and its offset) for 'keep', an ISO 8601 date of reduced precision ("2021-04-29", "2021-04",
 * "2021") for day/month/year, or null for 'drop' or when the catalog holds no readable date.
 */
export function datePlan(capturedAt: string | null, policy: DatePolicy): { exif?: { dateTime: string; offset: string | null }; coarse?: string } | null {
  const p = capturedAt ? dateParts(capturedAt) : null;
  if (!p || policy === 'drop') return null;
  if (policy === 'keep') return p.time ? { exif: { dateTime: `${p.y}:${p.mo}:${p.d} ${p.time}`, offset: p.offset } } : { coarse: `${p.y}-${p.mo}-${p.d}` };
  return { coarse: policy === 'year' ? p.y : policy === 'month' ? `${p.y}-${p.mo}` : `${p.y}-${p.mo}-${p.d}` };
}

/** One IFD entry: TIFF field type 2 ASCII, 3 SHORT, 4 LONG, 7 UNDEFINED. */
interface Entry { tag: number; type: number; count: number; value: Buffer }

function ifdBytes(entries: Entry[], at: number): { bytes: Buffer; size: number } {
  // Big-endian ("MM"), TIFF 6.0 §2: entries sorted by tag, values over 4 bytes after the IFD.
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const head = 2 + sorted.length * 12 + 4;
  const extra: Buffer[] = [];
  let extraLen = 0;
  const ifd = Buffer.alloc(head);
  ifd.writeUInt16BE(sorted.length, 0);
  sorted.forEach((e, i) => {
    const p = 2 + i * 12;
    ifd.writeUInt16BE(e.tag, p);
    ifd.writeUInt16BE(e.type, p + 2);
    ifd.writeUInt32BE(e.count, p + 4);
    if (e.value.length <= 4) e.value.copy(ifd, p + 8);
    else {
      ifd.writeUInt32BE(at + head + extraLen, p + 8);
      const v = e.value.length % 2 ? Buffer.concat([e.value, Buffer.alloc(1)]) : e.value;
      extra.push(v);
      extraLen += v.length;
    }
  });
  const bytes = Buffer.concat([ifd, ...extra]);
  return { bytes, size: bytes.length };
}

const ascii = (s: string): Buffer => Buffer.from(s + '\0', 'latin1');

/**
 * A new minimal TIFF structure (big-endian) holding IFD0 Orientation (when `kept.orientation` is
 * 2–8) and, for date policy 'keep' with a full date, ExifIFD DateTimeOriginal and
 * OffsetTimeOriginal (EXIF 2.32 tags 0x9003, 0x9011). Null when there is nothing to write. No
 * IFD1: a redacted copy never carries a thumbnail.
 */
export function minimalExif(kept: KeptMetadata): Buffer | null {
  const plan = datePlan(kept.capturedAt, kept.date);
  const orientation = kept.orientation && kept.orientation >= 2 && kept.orientation <= 8 ? kept.orientation : null;
  if (!orientation && !plan?.exif) return null;
  const ifd0: Entry[] = [];
  if (orientation) {
    const v = Buffer.alloc(4);
    v.writeUInt16BE(orientation, 0);
    ifd0.push({ tag: 0x0112, type: 3, count: 1, value: v });
  }
  const exifEntries: Entry[] = [];
  if (plan?.exif) {
    exifEntries.push({ tag: 0x9000, type: 7, count: 4, value: Buffer.from('0232', 'latin1') });
    exifEntries.push({ tag: 0x9003, type: 2, count: 20, value: ascii(plan.exif.dateTime) });
    if (plan.exif.offset) exifEntries.push({ tag: 0x9011, type: 2, count: 7, value: ascii(plan.exif.offset) });
    ifd0.push({ tag: 0x8769, type: 4, count: 1, value: Buffer.alloc(4) });
  }
  const header = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8]);
  let first = ifdBytes(ifd0, 8);
  if (!exifEntries.length) return Buffer.concat([header, first.bytes]);
  const exifAt = 8 + first.size;
  const ptr = Buffer.alloc(4);
  ptr.writeUInt32BE(exifAt, 0);
  ifd0[ifd0.length - 1]!.value = ptr;
  first = ifdBytes(ifd0, 8);
  const exif = ifdBytes(exifEntries, exifAt);
  return Buffer.concat([header, first.bytes, exif.bytes]);
}

/**
 * An XMP packet holding only photoshop:DateCreated at the coarse precision of `kept.date`
 * ("2021-04-29", "2021-04", "2021"), or null when the policy is not day/month/year or there is no
 * date. XMP is where a reduced-precision date is standard; EXIF dates are always full.
 */
export function minimalXmp(kept: KeptMetadata): Buffer | null {
  const plan = datePlan(kept.capturedAt, kept.date);
  if (!plan?.coarse) return null;
  return Buffer.from(
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      `<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:DateCreated="${plan.coarse}"/>` +
      '</rdf:RDF></x:xmpmeta><?xpacket end="r"?>',
    'utf8',
  );
}
