// Canon CR3 RAW: an ISO-BMFF file (major brand "crx ") whose EXIF lives in four complete TIFF
// structures inside the Canon uuid box of moov. We only locate them with our BMFF walker; the
// TIFF structures themselves are parsed by exifr (images.ts).
//
// Layout as documented by ExifTool (lib/Image/ExifTool/Canon.pm, %Canon::uuid) and the
// community description of the format (github.com/lclevy/canon_cr3, "Canon CR3 format"):
//   moov/uuid 85c0b687-820f-11e0-8111-f4ce462b6a48 → CNCV, CCTP, CTBO, CMT1..CMT4, THMB
//   CMT1 = TIFF with IFD0, CMT2 = TIFF whose IFD0 holds the Exif IFD entries,
//   CMT3 = TIFF with the Canon maker notes, CMT4 = TIFF whose IFD0 holds the GPS IFD entries.
//   XMP sits in a top-level uuid box be7acfcb-97a9-42e8-9c71-999491e3afac (same UUID as in MP4).
import { boxesIn, topLevelBoxes } from './bmff.ts';
import type { ByteSource } from './io.ts';

const CANON_UUID = '85c0b687820f11e08111f4ce462b6a48';
const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
/** The Canon uuid box is a few tens of KB; anything far larger is not a camera's moov. */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;
const MAX_XMP_BYTES = 4 * 1024 * 1024;

/** The metadata payloads of one CR3 file: TIFF structures as stored, XMP text. */
export interface Cr3Blocks {
  /** CMT1: TIFF whose IFD0 is the image's IFD0 (Make, Model, Orientation, ImageWidth...). */
  ifd0Tiff: Buffer | null;
  /** CMT2: TIFF whose first IFD holds the Exif IFD entries (DateTimeOriginal, OffsetTime*...). */
  exifTiff: Buffer | null;
  /** CMT4: TIFF whose first IFD holds the GPS IFD entries. */
  gpsTiff: Buffer | null;
  /** XMP packet from the top-level XMP uuid box, or null. */
  xmp: string | null;
}

const isTiff = (b: Buffer): boolean => b.length >= 8 && (b.toString('latin1', 0, 4) === 'II*\0' || b.toString('latin1', 0, 4) === 'MM\0*');

/**
 * Finds the CMT1, CMT2 and CMT4 TIFF structures and the XMP packet of a CR3 file.
 * Returns null when the file has no moov with a Canon uuid box (not a CR3, or cut before moov).
 * A CMT box that does not start with a TIFF header is left null. Throws only on I/O errors.
 */
export async function readCr3Blocks(src: ByteSource): Promise<Cr3Blocks | null> {
  const top = await topLevelBoxes(src);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov || moov.end - moov.start > MAX_MOOV_BYTES) return null;
  const buf = await src.read(moov.start, moov.end - moov.start);
  let found = false;
  const out: Cr3Blocks = { ifd0Tiff: null, exifTiff: null, gpsTiff: null, xmp: null };
  for (const b of boxesIn(buf, moov.payload - moov.start, buf.length)) {
    if (b.type !== 'uuid' || b.payload + 16 > b.end || buf.toString('hex', b.payload, b.payload + 16) !== CANON_UUID) continue;
    found = true;
    for (const c of boxesIn(buf, b.payload + 16, b.end)) {
      const tiff = Buffer.from(buf.subarray(c.payload, c.end));
      if (!isTiff(tiff)) continue;
      if (c.type === 'CMT1') out.ifd0Tiff = tiff;
      else if (c.type === 'CMT2') out.exifTiff = tiff;
      else if (c.type === 'CMT4') out.gpsTiff = tiff;
    }
  }
  if (!found) return null;
  for (const b of top.filter((t) => t.type === 'uuid' && t.end - t.payload > 16 && t.end - t.payload <= MAX_XMP_BYTES)) {
    const head = await src.read(b.payload, 16);
    if (head.toString('hex') === XMP_UUID) {
      out.xmp = (await src.read(b.payload + 16, b.end - b.payload - 16)).toString('utf8');
      break;
    }
  }
  return out;
}
