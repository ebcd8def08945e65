// What a sidecar says about its clip, and how that meets the clip's own record. Rule (issue 14
// §1): a fact the clip itself has is never overwritten; a fact it lacks is taken from the sidecar
// with the sidecar named as its source; where both have one and they disagree, both are kept and a
// warning says so.
import type { Gps, NormalizedRecord } from '../../common/types.ts';
import { isoDateText } from '../metadata/dates.ts';
import { finalizeGps, parseXmpCoordinate, parseXmpRational } from '../metadata/gps.ts';
import { readXmp, XMP_NS } from '../metadata/xmp.ts';

/** One fact with the sidecar element or property it came from (`tag`, e.g. "CreationDate"). */
export interface TaggedFact<T> {
  value: T;
  tag: string;
}

/** The facts a sidecar carries; every one optional. */
export interface SidecarFacts {
  /** ISO 8601 as stored; hasZone as in NormalizedRecord.capturedAtHasZone. */
  capturedAt?: { value: string; hasZone: boolean; tag: string };
  make?: TaggedFact<string>;
  model?: TaggedFact<string>;
  serial?: TaggedFact<string>;
  durationSec?: TaggedFact<number>;
  size?: { width: number; height: number; tag: string };
  /** As written, e.g. "25p", "59.94i": no record field holds it, so it is shown, not applied. */
  frameRate?: TaggedFact<string>;
  videoCodec?: TaggedFact<string>;
  gps?: { lat: number; lon: number; alt: number | null; tag: string };
}

/** A fact the item took from a sidecar: the record field and the source now named for it. */
export interface AppliedFact {
  field: 'capturedAt' | 'make' | 'model' | 'serial' | 'durationSec' | 'size' | 'gps';
  value: unknown;
  source: string;
}

/**
 * The facts of an XMP sidecar (XMP Specification Part 1 §7, RDF/XML; properties of Part 2):
 * capture date from exif:DateTimeOriginal, else photoshop:DateCreated, else xmp:CreateDate;
 * GPS from exif:GPSLatitude/GPSLongitude (+ GPSAltitude/GPSAltitudeRef); tiff:Make/Model;
 * aux:SerialNumber or exifEX:BodySerialNumber. Null when the text holds no rdf:RDF. Never throws.
 */
export function readXmpSidecar(text: string): SidecarFacts | null {
  if (!/<rdf:RDF[\s>]/.test(text)) return null;
  const x = readXmp(text);
  const facts: SidecarFacts = {};
  for (const [ns, name, tag] of [
    [XMP_NS.exif, 'DateTimeOriginal', 'exif:DateTimeOriginal'],
    [XMP_NS.photoshop, 'DateCreated', 'photoshop:DateCreated'],
    [XMP_NS.xmp, 'CreateDate', 'xmp:CreateDate'],
  ] as const) {
    const d = isoDateText(x.get(ns, name));
    if (d) {
      facts.capturedAt = { value: d.value, hasZone: d.hasZone, tag };
      break;
    }
  }
  const lat = parseXmpCoordinate(x.get(XMP_NS.exif, 'GPSLatitude'));
  const lon = parseXmpCoordinate(x.get(XMP_NS.exif, 'GPSLongitude'));
  if (lat !== null && lon !== null) {
    const altAbs = parseXmpRational(x.get(XMP_NS.exif, 'GPSAltitude'));
    const below = x.get(XMP_NS.exif, 'GPSAltitudeRef') === '1';
    facts.gps = { lat, lon, alt: altAbs === null ? null : below ? -altAbs : altAbs, tag: 'exif:GPSLatitude/GPSLongitude' };
  }
  const make = x.get(XMP_NS.tiff, 'Make');
  const model = x.get(XMP_NS.tiff, 'Model');
  const serial = x.get(XMP_NS.aux, 'SerialNumber') ?? x.get(XMP_NS.exifEX, 'BodySerialNumber');
  if (make) facts.make = { value: make, tag: 'tiff:Make' };
  if (model) facts.model = { value: model, tag: 'tiff:Model' };
  if (serial) facts.serial = { value: serial, tag: x.get(XMP_NS.aux, 'SerialNumber') ? 'aux:SerialNumber' : 'exifEX:BodySerialNumber' };
  return facts;
}

/** The wall-clock part of an ISO date ("2021-05-04T10:15:00"), seconds precision. */
const wallTime = (v: string): string => v.slice(0, 19);

/** Milliseconds since the epoch of a zoned ISO date, or null. */
function instant(v: string): number | null {
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Whether two capture dates name the same moment: both zoned → same instant within a second;
 * otherwise the same wall-clock time to the second (a zone-less date can only be compared so).
 */
function sameCapture(a: { value: string; hasZone: boolean }, b: { value: string; hasZone: boolean }): boolean {
  if (a.hasZone && b.hasZone) {
    const x = instant(a.value);
    const y = instant(b.value);
    return x !== null && y !== null && Math.abs(x - y) < 1000;
  }
  return wallTime(a.value) === wallTime(b.value);
}

const sameText = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Meets `facts` (from the sidecar called `label`, e.g. "Sony XML sidecar C0001M01.XML") with the
 * item's record `rec` and returns the new record (a copy; `rec` is not changed), the facts
 * applied, and one warning per disagreement. A capture date is taken when the item has none, or
 * when the item's has no zone and the sidecar's gives the same wall-clock time with a zone (the
 * item's own is then kept among otherDates); any other sidecar date is added to otherDates.
 * make, model, serial, durationSec, size (width and height together) and gps are taken only
 * when the item has none. Sources read "<label> <tag>", e.g. "Sony XML sidecar C0001M01.XML
 * CreationDate". Never throws.
 */
export function applyFacts(rec: NormalizedRecord, facts: SidecarFacts, label: string): { record: NormalizedRecord; applied: AppliedFact[]; warnings: string[] } {
  const out: NormalizedRecord = { ...rec, otherDates: [...(rec.otherDates ?? [])] };
  const applied: AppliedFact[] = [];
  const warnings: string[] = [];
  const src = (tag: string) => `${label} ${tag}`;
  const disagree = (what: string, mine: string, theirs: string, tag: string) =>
    warnings.push(`${what}: the file says ${mine}, the ${src(tag)} says ${theirs}; the file's value is kept`);

  const d = facts.capturedAt;
  if (d) {
    const source = src(d.tag);
    if (!out.capturedAt) {
      Object.assign(out, { capturedAt: d.value, capturedAtSource: source, capturedAtHasZone: d.hasZone });
      applied.push({ field: 'capturedAt', value: d.value, source });
    } else if (!out.capturedAtHasZone && d.hasZone && wallTime(out.capturedAt) === wallTime(d.value)) {
      // The same moment as the camera's clock read it; the sidecar adds the zone the file lacks.
      out.otherDates.push({ tag: out.capturedAtSource ?? 'the file', value: out.capturedAt });
      Object.assign(out, { capturedAt: d.value, capturedAtSource: source, capturedAtHasZone: true });
      applied.push({ field: 'capturedAt', value: d.value, source });
    } else {
      out.otherDates.push({ tag: source, value: d.value });
      if (!sameCapture({ value: out.capturedAt, hasZone: out.capturedAtHasZone }, d)) {
        disagree('capture date', `${out.capturedAt} (${out.capturedAtSource ?? 'unnamed tag'})`, d.value, d.tag);
      }
    }
  }
  for (const f of ['make', 'model', 'serial'] as const) {
    const fact = facts[f];
    if (!fact) continue;
    const mine = out[f];
    if (mine == null || mine === '') {
      out[f] = fact.value;
      if (f === 'serial') out.serialSource = src(fact.tag);
      applied.push({ field: f, value: fact.value, source: src(fact.tag) });
    } else if (!sameText(mine, fact.value)) disagree(f, JSON.stringify(mine), JSON.stringify(fact.value), fact.tag);
  }
  if (facts.durationSec) {
    const fact = facts.durationSec;
    if (out.durationSec == null) {
      out.durationSec = fact.value;
      applied.push({ field: 'durationSec', value: fact.value, source: src(fact.tag) });
    } else if (Math.abs(out.durationSec - fact.value) > 1) disagree('duration', `${out.durationSec} s`, `${fact.value} s`, fact.tag);
  }
  if (facts.size) {
    const s = facts.size;
    if (out.width == null && out.height == null) {
      Object.assign(out, { width: s.width, height: s.height });
      applied.push({ field: 'size', value: `${s.width}×${s.height}`, source: src(s.tag) });
    } else if (out.width !== s.width || out.height !== s.height) {
      // A proxy or an edit may differ from the card's clip; said, not corrected.
      disagree('picture size', `${out.width}×${out.height}`, `${s.width}×${s.height}`, s.tag);
    }
  }
  if (facts.gps) {
    const g = facts.gps;
    const gpsWarnings: string[] = [];
    const gps: Gps | null = finalizeGps({ lat: g.lat, lon: g.lon, alt: g.alt }, src(g.tag), gpsWarnings);
    if (!out.gps && gps) {
      out.gps = gps;
      applied.push({ field: 'gps', value: { lat: gps.lat, lon: gps.lon, alt: gps.alt }, source: gps.source });
      warnings.push(...gpsWarnings);
    } else if (out.gps && gps && (Math.abs(out.gps.lat - gps.lat) > 1e-4 || Math.abs(out.gps.lon - gps.lon) > 1e-4)) {
      disagree('GPS position', `${out.gps.lat}, ${out.gps.lon} (${out.gps.source})`, `${gps.lat}, ${gps.lon}`, g.tag);
    }
  }
  return { record: out, applied, warnings };
}
