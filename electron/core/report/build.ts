// Assembles the custody report's model from the catalog, giving exactly what the evidence set
// gives: in a redacted set (public release) no source paths, no descriptions or notes, people only
// by the pseudonyms of those the set releases, user-added places only by pseudonym, incidents and
// cases by their structured fields, and only the custody events the set's excerpt kept
// (catalog/export-extras.ts and README "What a public release leaves out").
import { readFile } from 'node:fs/promises';
import type { CustodyEvent, Kind } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { getItem } from '../db/items.ts';
import { redactedReportItem, type RedactedMedia } from '../redact/release.ts';
import { listedItems } from '../catalog/records.ts';
import { getItemTags } from '../catalog/tagging.ts';
import { getPerson } from '../catalog/people.ts';
import { getPlace } from '../catalog/places.ts';
import { getIncident } from '../catalog/incidents.ts';
import { getCase } from '../catalog/cases.ts';
import { shippedSeedPlaces } from '../catalog/gazetteer.ts';
import { placePseudonymOf, pseudonymKey, pseudonymOf } from '../catalog/register.ts';
import { thumbnailJpeg, thumbnailPath } from '../derivatives/thumbnails.ts';
import { isSealed, openSealed } from '../derivatives/sealed.ts';
import type { CustodyReportModel, ReportEvent, ReportItem, ReportLang, ReportPerson, ReportPlace, ReportSet } from './model.ts';
import { passesBySha, type FixityRunsSection } from '../verify/run-excerpt.ts';
import { reportContactSheet } from './contact-sheet.ts';

export interface BuildReportOptions {
  /** The set's items, in the order the report lists them. */
  itemIds: number[];
  /** Each item's path in the bag ("data/…"), parallel to itemIds. */
  bagPaths: string[];
  /** A set for public release (--redact-people): leave out what such a set leaves out. */
  redacted: boolean;
  /** An authority set made with --include-sensitive: people flagged sensitive by name (ignored when redacted). */
  includeSensitive?: boolean;
  /** The events of evidence/custody.json (already filtered for a redacted set), any order. */
  excerptEvents: readonly CustodyEvent[];
  /** custody.json `fixityRuns` (verify/run-excerpt.ts): each item's passes in fixity check runs join its timeline. */
  fixityRuns?: FixityRunsSection | null;
  /** The seqs the excerpt lists as withheld, if any. */
  withheldSeqs?: readonly number[];
  lang: ReportLang;
  /** The cover's facts; itemCount, totalBytes and redacted are filled in here. */
  set: Omit<ReportSet, 'itemCount' | 'totalBytes' | 'redacted'>;
  /**
   * The archive's derivatives folder: a thumbnail or poster already made there is used as is
   * (fast); one not there is made in memory and not written. Without it every one is made.
   */
  derivativesDir?: string;
  /**
   * The archive's Archive.derivativeKey (an encrypted archive): sealed thumbnails and contact
   * sheets under `derivativesDir` are opened with it in memory; without it they are made again.
   */
  derivativeKey?: Buffer | null;
  /** Make no thumbnails (the report shows the label for each). */
  noThumbnails?: boolean;
  /** Add the contact sheet of each video clip (report/contact-sheet.ts; a failure is told to onThumbnailError). */
  contactSheets?: boolean;
  /** Thumbnails made at once (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called when an item's thumbnail cannot be made (the report shows a label instead); never fatal. */
  onThumbnailError?: (itemId: number, error: Error) => void;
  /** Items shipped as their redacted copies (export --redacted-media): described as the copy, naming the original. */
  redactedMedia?: RedactedMedia;
  /**
   * The set's names and tags (export/public-names.ts): an item for which `nameOf` gives a neutral
   * name is headed by it, and its file names are left out (said withheld); `tagsOf` gives the tags
   * shown. Absent: the archive's file names and tags.
   */
  publicNames?: { nameOf: (itemId: number) => string | undefined; tagsOf: (itemId: number) => string[] };
}

/**
 * The place as this set names it in `lang`: the name in that language with the Kyrgyz (or, in a
 * Kyrgyz report, Russian) form in parentheses when it differs, and the district.
 */
function placeName(lang: ReportLang, p: { nameEn: string; nameKy: string | null; nameRu: string | null; district: string | null }): string {
  const first = lang === 'ky' ? p.nameKy ?? p.nameRu ?? p.nameEn : lang === 'ru' ? p.nameRu ?? p.nameKy ?? p.nameEn : p.nameEn;
  const second = lang === 'ky' ? p.nameRu : p.nameKy ?? p.nameRu;
  return `${first}${second && second !== first ? ` (${second})` : ''}${p.district ? `, ${p.district}` : ''}`;
}

/** Runs `fn` over `xs` with at most `n` at once, keeping order. */
async function mapLimit<T, R>(xs: readonly T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(xs.length);
  let next = 0;
  const lane = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, xs.length)) }, lane));
  return out;
}

/**
 * The custody report of an evidence set (issue 12 §4) from the catalog `db` and the object store
 * `objectsDir`, for the items `opts.itemIds` at `opts.bagPaths`: each item's record, sightings,
 * places, people, incidents, cases, tags, description and notes as the set gives them (see the
 * file comment; in a redacted set: sighting paths null, description and notes null, people only
 * those with consent given and not sensitive, by pseudonym "V-…", places added by users as
 * "P-…" without a name, seed villages with their shipped names, incidents without title, cases
 * with id and opening date only), its events of `opts.excerptEvents` and the `withheldSeqs` that
 * are its own, and a JPEG thumbnail (≤ 320 px; photos incl. HEIC and RAW previews, video poster
 * frames, null for audio and documents or when the decoder fails: `onThumbnailError` is told).
 * Reads only. Throws Error for an unknown item id, for bagPaths not parallel to itemIds, or
 * when the archive has no pseudonym secret; AbortError-like when `signal` aborts.
 */
export async function buildCustodyReportModel(db: Db, objectsDir: string, opts: BuildReportOptions): Promise<CustodyReportModel> {
  if (opts.bagPaths.length !== opts.itemIds.length) throw new Error(`custody report: ${opts.itemIds.length} items but ${opts.bagPaths.length} bag paths`);
  const { lang, redacted } = opts;
  const rows = opts.itemIds.map((id) => {
    const it = getItem(db, id);
    if (!it) throw new Error(`custody report: item ${id}: no such item`);
    return it;
  });
  const listed = listedItems(db, rows);
  const key = pseudonymKey(db);
  const seed = redacted ? shippedSeedPlaces() : null;
  const sightings = db.prepare('SELECT source_path path, file_name name, operator, ingested_at at FROM sightings WHERE item_id = ? ORDER BY id');
  const eventsOf = new Map<string, CustodyEvent[]>();
  for (const e of [...opts.excerptEvents].sort((a, b) => a.seq - b.seq)) {
    if (e.item === null) continue;
    let l = eventsOf.get(e.item);
    if (!l) eventsOf.set(e.item, (l = []));
    l.push(e);
  }
  // Since runs record passes as Merkle leaves, an item's passes are its runs' events (marked itemRun).
  const passed = new Map<string, ReportEvent[]>();
  for (const [sha, evs] of passesBySha(opts.fixityRuns)) passed.set(sha, evs.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, type: e.type, detail: e.detail, itemRun: Number(e.detail.run) })));
  const withheldOf = new Map<string, number[]>();
  if (opts.withheldSeqs?.length) {
    const st = db.prepare('SELECT item FROM custody_events WHERE seq = ?');
    for (const seq of [...opts.withheldSeqs].sort((a, b) => a - b)) {
      const r = st.get(seq) as { item: string | null } | undefined;
      if (!r?.item) continue;
      let l = withheldOf.get(r.item);
      if (!l) withheldOf.set(r.item, (l = []));
      l.push(seq);
    }
  }
  // Places and people are shared by many items: resolve each once.
  const placeCache = new Map<string, ReportPlace>();
  const placeOf = (id: string): ReportPlace => {
    let p = placeCache.get(id);
    if (p) return p;
    const stored = getPlace(db, id);
    if (redacted) {
      const shipped = stored?.origin === 'seed' ? seed!.get(id) : undefined;
      p = shipped ? { id, name: placeName(lang, shipped) } : { id: placePseudonymOf(key, id), name: null };
    } else {
      p = { id, name: stored ? placeName(lang, stored) : null };
    }
    placeCache.set(id, p);
    return p;
  };
  const personOf = (id: number, role: string): ReportPerson | null => {
    const p = getPerson(db, id);
    if (!p) return null;
    if (redacted) return p.sensitive || p.consent !== 'given' ? null : { label: pseudonymOf(key, id), pseudonym: true, role };
    if (p.sensitive && !opts.includeSensitive) return { label: pseudonymOf(key, id), pseudonym: true, role };
    return { label: p.nameLatin && p.nameLatin !== p.name ? `${p.name} (${p.nameLatin})` : p.name, pseudonym: false, role };
  };
  const items: ReportItem[] = listed.map((it, i) => {
    const tags = getItemTags(db, it.id);
    const found = sightings.all(it.id) as { path: string; name: string; operator: string; at: string }[];
    // A name the set withholds: the item is headed by its neutral name, its sightings by time and operator only.
    const neutral = opts.publicNames?.nameOf(it.id);
    return {
      bagPath: opts.bagPaths[i]!,
      originalName: neutral ?? it.sources[0]?.name ?? it.sha256,
      ...(neutral !== undefined ? { nameWithheld: true } : {}),
      sha256: it.sha256,
      bytes: it.bytes,
      kind: it.kind,
      mime: it.mime,
      capturedAt: it.capturedAt,
      capturedAtSource: it.capturedAtSource,
      capturedAtHasZone: it.capturedAtHasZone,
      make: it.make,
      model: it.model,
      serial: it.serial ?? null,
      gps: it.gps ? { lat: it.gps.lat, lon: it.gps.lon, alt: it.gps.alt, ...(it.gps.noFix ? { noFix: true } : {}) } : null,
      durationSec: it.durationSec,
      places: tags.places.map(placeOf),
      people: tags.people.map((p) => personOf(p.id, p.role)).filter((p): p is ReportPerson => p !== null),
      incidents: tags.incidents.map((id) => getIncident(db, id)).filter((x) => x !== null).map((x) => ({
        id: x.id, type: x.type, title: redacted ? null : x.title, startedAt: x.startedAt, endedAt: x.endedAt,
      })),
      cases: tags.cases.map((id) => getCase(db, id)).filter((x) => x !== null).map((c) => (redacted
        ? { id: c.id, authority: null, caseNumber: null, articles: [], openedOn: c.openedOn }
        : { id: c.id, authority: c.authority, caseNumber: c.caseNumber, articles: c.articles, openedOn: c.openedOn })),
      tags: opts.publicNames ? opts.publicNames.tagsOf(it.id) : tags.tags,
      description: redacted ? null : tags.description,
      notes: redacted ? null : tags.notes,
      foundAt: found.map((s) => ({ sourcePath: redacted || neutral !== undefined ? null : s.path, fileName: neutral !== undefined ? null : s.name, at: s.at, operator: s.operator })),
      thumbnail: null,
      timeline: [...(eventsOf.get(it.sha256) ?? []).map((e): ReportEvent => ({ seq: e.seq, at: e.at, actor: e.actor, type: e.type, detail: e.detail })), ...(passed.get(it.sha256) ?? [])].sort((a, b) => a.seq - b.seq),
      withheldSeqs: withheldOf.get(it.sha256) ?? [],
    };
  }).map((item, i) => {
    const copy = opts.redactedMedia?.get(listed[i]!.id);
    return copy ? redactedReportItem(item, copy) : item;
  });
  if (!opts.noThumbnails) {
    await mapLimit(listed, opts.concurrency ?? 2, async (it, i) => {
      opts.signal?.throwIfAborted();
      // A redacted copy's picture is the copy's: the original's faces must not reach the report.
      const shown = items[i]!;
      items[i]!.thumbnail = await thumbnailOf(objectsDir, opts.derivativesDir, { sha256: shown.sha256, kind: it.kind, mime: shown.mime, durationSec: it.durationSec },
        opts.signal, opts.derivativeKey).catch((e: Error) => {
        if (opts.signal?.aborted) throw e;
        opts.onThumbnailError?.(it.id, e);
        return null;
      });
    });
  }
  if (opts.contactSheets) {
    for (const [i, it] of listed.entries()) {
      opts.signal?.throwIfAborted();
      // As for thumbnails: a redacted copy's frames, never the original's.
      const shown = items[i]!;
      // A sheet made for the app has the file name drawn into it: never reused when the set withholds that name.
      items[i]!.contactSheet = await reportContactSheet(objectsDir, shown.nameWithheld ? undefined : opts.derivativesDir,
        { sha256: shown.sha256, kind: it.kind, durationSec: it.durationSec, name: shown.originalName }, opts.signal, opts.derivativeKey).catch((e: Error) => {
        if (opts.signal?.aborted) throw e;
        opts.onThumbnailError?.(it.id, e);
        return null;
      });
    }
  }
  return {
    lang,
    set: { ...opts.set, itemCount: items.length, totalBytes: items.reduce((s, x) => s + x.bytes, 0), redacted },
    items,
  };
}

const PICTURED: ReadonlySet<Kind> = new Set(['image', 'video']);

/** The cached thumbnail under `derivativesDir` when there is one, else one made in memory; null for kinds without a picture. */
async function thumbnailOf(objectsDir: string, derivativesDir: string | undefined, item: { sha256: string; kind: Kind; mime: string | null; durationSec: number | null }, signal?: AbortSignal,
  key?: Buffer | null): Promise<Buffer | null> {
  if (!PICTURED.has(item.kind)) return null;
  if (derivativesDir) {
    try {
      const cached = await readFile(thumbnailPath(derivativesDir, item.sha256));
      // A sealed one (encrypted archive) is opened in memory with the key, else made again.
      if (!isSealed(cached)) return cached;
      if (key) {
        try {
          return openSealed(key, cached);
        } catch {
          // sealed under another key or altered: made again below
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return thumbnailJpeg(objectsDir, item, signal);
}
