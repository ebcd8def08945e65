// A tiny XMP property reader. We read a handful of simple properties (dates, GPS) ourselves
// instead of using exifr's XMP parser, because exifr merges XMP `exif:`/`tiff:` properties into
// its EXIF blocks, which would hide whether a value came from the EXIF IFD or from XMP.

/** Namespace URIs of the XMP schemas we read (XMP Specification Part 2). */
export const XMP_NS = {
  exif: 'http://ns.adobe.com/exif/1.0/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  /** CIPA DC-010 (Exif 2.3 metadata for XMP) `exifEX:` properties, e.g. BodySerialNumber. */
  exifEX: 'http://cipa.jp/exif/1.0/',
  /** Adobe's EXIF auxiliary schema `aux:` (SerialNumber, LensSerialNumber, ...). */
  aux: 'http://ns.adobe.com/exif/1.0/aux/',
  /** DJI drones' own schema `drone-dji:` (GpsLatitude, GpsLongitude, AbsoluteAltitude, ...). */
  droneDji: 'http://www.dji.com/drone-dji/1.0/',
} as const;

/** Reads simple XMP properties by namespace URI and local name. */
export interface XmpReader {
  /** First value of the property (attribute or element form; first rdf:li of an array), or null. */
  get(nsUri: string, name: string): string | null;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (all, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/**
 * Builds a reader over an XMP packet (XMP Specification Part 1 §7, RDF/XML serialization).
 * Prefixes are resolved through the packet's own xmlns declarations, so `xap:CreateDate` and
 * `xmp:CreateDate` are both found under XMP_NS.xmp. Not a full RDF parser: it handles the
 * attribute form, the simple element form and arrays (first rdf:li). Never throws.
 */
export function readXmp(text: string | null | undefined): XmpReader {
  const packet = typeof text === 'string' ? text : '';
  const prefixes = new Map<string, string[]>();
  for (const m of packet.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
    const list = prefixes.get(m[2]!) ?? [];
    if (!list.includes(m[1]!)) list.push(m[1]!);
    prefixes.set(m[2]!, list);
  }
  return {
    get(nsUri, name) {
      for (const prefix of prefixes.get(nsUri) ?? []) {
        const q = `${escapeRe(prefix)}:${escapeRe(name)}`;
        const attr = new RegExp(`\\s${q}\\s*=\\s*(["'])([\\s\\S]*?)\\1`).exec(packet);
        if (attr) return decodeEntities(attr[2]!).trim() || null;
        const el = new RegExp(`<${q}(?:\\s[^>]*)?>([\\s\\S]*?)</${q}>`).exec(packet);
        if (el) {
          const li = /<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/.exec(el[1]!);
          const inner = (li ? li[1]! : el[1]!).replace(/<[^>]*>/g, '');
          return decodeEntities(inner).trim() || null;
        }
      }
      return null;
    },
  };
}
