// evidence/items.json against the payload manifest, the files under data/ and the custody
// excerpt: the checks of electron/core/verify/bag.ts (checkItems), so that the browser and
// `evidence verify-bag` refuse the same sets.

import { LATER_NORMALIZED_RECORD_KEYS, NORMALIZED_RECORD_KEYS } from '../common/types.ts';
import { CUSTODY_FILE, isRecord, jcsSha256, type CustodyEvent, type Excerpt } from './custody.ts';
import { msg, type Problem } from './report.ts';

export const ITEMS_FILE = 'evidence/items.json';

/** A line of a payload manifest. */
export interface ManifestEntry {
  path: string;
  hex: string;
}

function nfc(s: string): string {
  return s.normalize('NFC');
}

/** SHA-256 over JCS of the JSON round-trip of `value` (electron/core/custody/content-hash.ts). */
function contentHash(value: unknown): string {
  return jcsSha256(JSON.parse(JSON.stringify(value ?? null)));
}

/**
 * The original a redacted copy derives from (items.json `redactedFrom.sha256`, export
 * --redacted-media), as verify/bag.ts redactedOrigin: null for an item that is its own original;
 * `linked` false when the excerpt has no "redaction" event of that original recording this copy.
 */
function redactedOrigin(item: Record<string, unknown>, sha: string, events: readonly CustodyEvent[]): { sha256: string; linked: boolean } | null {
  const from = item.redactedFrom;
  if (from === undefined) return null;
  const original = isRecord(from) && typeof from.sha256 === 'string' && /^[0-9a-f]{64}$/iu.test(from.sha256) ? from.sha256.toLowerCase() : sha;
  const linked = original !== sha && events.some((e) => e.type === 'redaction' && e.item === original && isRecord(e.detail.derivative) &&
    typeof e.detail.derivative.sha256 === 'string' && e.detail.derivative.sha256.toLowerCase() === sha);
  return { sha256: original, linked };
}

function digestEvent(sha: string, events: readonly CustodyEvent[]): CustodyEvent | undefined {
  return events.find((e) => e.type === 'message digest calculation' && e.item === sha &&
    isRecord(e.detail.digests) && typeof e.detail.digests.sha256 === 'string' && e.detail.digests.sha256.toLowerCase() === sha);
}

/**
 * Checks the parsed items.json `items` (an array of `{ sha256, path, … }`): each item's sha256 is
 * the manifest-sha256 digest of its path (`sha256Manifest`, null when there is none); no path
 * listed twice; every manifest path and every payload file (`payloadPaths`) is an item, and every
 * item a file under data/. With an excerpt: no event about an item outside the set; each item has
 * its "ingestion" event (or, in a set declaring Evidence-Redaction — `redacted` —, the seq just
 * before its message digest calculation withheld), its "message digest calculation" recording its
 * sha256, and its "metadata extraction" with a recordSha256 its normalized record in items.json
 * hashes to (or, redacted, that seq withheld). A redacted set's items give no source paths,
 * description or notes. Returns the set's lower-case SHA-256s and the problems; never throws.
 */
export function checkItems(
  items: unknown,
  sha256Manifest: readonly ManifestEntry[] | null,
  payloadPaths: readonly string[],
  excerpt: Excerpt | null,
  redacted: boolean,
): { shas: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const shas: string[] = [];
  const file = ITEMS_FILE;
  if (!Array.isArray(items)) {
    problems.push({ file, msg: msg('items.notArray') });
    return { shas, problems };
  }
  if (sha256Manifest === null) problems.push({ file, msg: msg('items.noManifest') });
  const manifest = new Map((sha256Manifest ?? []).map((e) => [nfc(e.path), e]));
  const events = excerpt?.events ?? [];
  const ingested = new Set(events.filter((e) => e.type === 'ingestion' && e.item !== null).map((e) => e.item));
  const recordHashes = new Map<string, string>();
  const extracted = new Set<string>();
  for (const e of events) {
    if (e.type === 'metadata extraction' && e.item) {
      extracted.add(e.item);
      if (typeof e.detail.recordSha256 === 'string') recordHashes.set(e.item, e.detail.recordSha256);
    }
  }
  const itemPaths = new Set<string>();
  items.forEach((item: unknown, i: number) => {
    if (!isRecord(item) || typeof item.sha256 !== 'string' || typeof item.path !== 'string') {
      problems.push({ file, msg: msg('items.itemShape', { index: i }) });
      return;
    }
    const copy = item.sha256.toLowerCase();
    const path = item.path;
    // A redacted copy stands for its original: its custody events, and what the seal's proof covers, are the original's.
    const origin = redactedOrigin(item, copy, events);
    if (origin && !origin.linked) problems.push({ file: path, msg: msg('items.redactedUnlinked', { item: copy, original: origin.sha256 }) });
    const sha = origin?.sha256 ?? copy;
    shas.push(sha);
    if (itemPaths.has(nfc(path))) problems.push({ file: path, msg: msg('items.twice') });
    itemPaths.add(nfc(path));
    const entry = manifest.get(nfc(path));
    if (sha256Manifest !== null && !entry) problems.push({ file: path, msg: msg('items.notInManifest') });
    else if (entry && entry.hex !== copy) problems.push({ file: path, msg: msg('items.shaDiffers', { given: copy, manifest: entry.hex }) });
    if (redacted) {
      const sources = Array.isArray(item.sources) ? item.sources : [];
      if (sources.some((x) => isRecord(x) && typeof x.path === 'string' && x.path !== '')) problems.push({ file: path, msg: msg('items.leak', { field: 'sources' }) });
      for (const k of ['description', 'notes']) {
        if (item[k] !== undefined && item[k] !== null && item[k] !== '') problems.push({ file: path, msg: msg('items.leak', { field: k }) });
      }
    }
    if (excerpt === null) return;
    const digest = digestEvent(sha, events);
    if (!ingested.has(sha) && !(redacted && digest && excerpt.withheld.has(digest.seq - 1))) {
      problems.push({ file: path, msg: msg(redacted ? 'items.noIngestionRedacted' : 'items.noIngestion', { item: sha }) });
    }
    if (!digest) problems.push({ file: path, msg: msg('items.noDigestEvent', { item: sha }) });
    if (!extracted.has(sha)) {
      if (!(redacted && digest && excerpt.withheld.has(digest.seq + 2))) problems.push({ file: path, msg: msg('items.noExtraction', { item: sha }) });
    } else if (!recordHashes.has(sha)) {
      problems.push({ file: path, msg: msg('items.noRecordHash', { item: sha }) });
    }
    // As verify/bag.ts redactedCopyClaims: nothing pins a copy's own facts, so it may claim none of what it withholds.
    if (origin) {
      for (const k of ['make', 'model', 'serial', 'gps']) {
        if (item[k] !== undefined && item[k] !== null) problems.push({ file: path, msg: msg('items.copyClaims', { item: copy, field: k }) });
      }
    }
    // The metadata extraction event pins the original's record, which a redacted copy's entry must not repeat.
    const logged = origin ? undefined : recordHashes.get(sha);
    if (logged) {
      // As verify/bag.ts: keys added to the record later are left out when the item lacks them.
      const keys = NORMALIZED_RECORD_KEYS.filter((k) => k in item || !(LATER_NORMALIZED_RECORD_KEYS as readonly string[]).includes(k));
      const rec = Object.fromEntries(keys.map((k) => [k, item[k] ?? null]));
      let actual: string | null = null;
      try {
        actual = contentHash(rec);
      } catch {
        actual = null;
      }
      if (actual !== logged) problems.push({ file: path, msg: msg('items.metadataDiffers', { item: sha }) });
    }
  });
  const listed = new Set(shas);
  for (const sha of new Set(events.filter((e) => e.item !== null && !listed.has(e.item)).map((e) => e.item as string))) {
    problems.push({ file: CUSTODY_FILE, msg: msg('items.stranger', { item: sha }) });
  }
  const undescribed = new Map<string, string>();
  for (const p of [...(sha256Manifest ?? []).map((e) => e.path), ...payloadPaths]) {
    if (!itemPaths.has(nfc(p)) && !undescribed.has(nfc(p))) undescribed.set(nfc(p), p);
  }
  for (const p of undescribed.values()) problems.push({ file: p, msg: msg('items.undescribed') });
  const onDisk = new Set(payloadPaths.map(nfc));
  for (const p of itemPaths) if (!onDisk.has(p)) problems.push({ file: p, msg: msg('items.noFile') });
  return { shas, problems };
}
