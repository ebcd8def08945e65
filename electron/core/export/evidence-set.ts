import { randomUUID } from 'node:crypto';
import { realpathSync, statSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CustodyEvent, DigestAlgorithm, JobProgress } from '../../common/types.ts';
import { objectPath, type Archive } from '../archive.ts';
import { listedItems, type ListedItem } from '../catalog/records.ts';
import { appendCustodyEvent, chainHead, listCustodyEvents } from '../custody/log.ts';
import { archiveAlgorithms, getDigests, getItem, type ItemRow } from '../db/items.ts';
import { writeBag, type BagResult } from './bagit.ts';
import { toSafeCsv } from './csv.ts';
import { payloadPaths } from './names.ts';
import { zipBag } from './zip.ts';

/** Extra per-export content a caller (e.g. the case catalog) may add. */
export interface ExportExtras {
  /** Sub-folder under data/ per item id (e.g. a place name); items absent go to data/ itself. */
  dirOf?: (itemId: number) => string | undefined;
  /** Extra fields per item for items.json / items.csv (e.g. tags). */
  fieldsOf?: (itemId: number) => Record<string, unknown>;
  /** Extra tag files under evidence/ (e.g. people.json). */
  tagFiles?: { path: string; content: string }[];
  /**
   * Keeps a custody event in evidence/custody.json when true (default: all). Rows cannot be
   * edited without breaking their hashes, so a public set leaves whole events out; verifyBag
   * accepts a subset of the chain. The seqs left out are listed in the excerpt (withheldSeqs)
   * and recorded in the dissemination event. A filter that may leave out ingestion events needs
   * an Evidence-Redaction element in bagInfo, or verifyBag reports the items as lacking them.
   */
  excerptFilter?: (e: CustodyEvent) => boolean;
  /** items.json sources keep only the file name (and nameBytes), items.csv has no sourcePath column (folder names can name people). */
  withoutSourcePaths?: boolean;
  /** Extra bag-info.txt elements (e.g. Evidence-Redaction). */
  bagInfo?: Record<string, string>;
}

export interface ExportOptions {
  itemIds: number[];
  outDir: string;
  actor: string;
  recipient?: string;
  organization?: string;
  description?: string;
  zip?: boolean;
  /** The filter that chose the items, recorded with the export. */
  selection: Record<string, unknown>;
  extras?: ExportExtras;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export interface ExportResult {
  exportId: string;
  bagDir: string;
  zip: { zipPath: string; sha256: string; bytes: number } | null;
  items: number;
  payloadOxum: string;
  tagManifestSha256: string;
  manifestSha256: string;
  algorithms: DigestAlgorithm[];
}

/** The custody excerpt written to evidence/custody.json (verified by verifyBag). */
export interface CustodyExcerpt {
  chainHead: { seq: number; hash: string };
  events: CustodyEvent[];
  /**
   * Seqs of the exported items' events that extras.excerptFilter left out, ascending; present only
   * when some were (a set for public release), so ordinary sets are unchanged.
   */
  withheldSeqs?: number[];
}

const CSV_COLUMNS = ['id', 'path', 'sha256', 'bytes', 'mime', 'kind', 'make', 'model', 'serial', 'serialSource', 'capturedAt', 'capturedAtSource', 'gpsLat', 'gpsLon', 'gpsAlt', 'orientation', 'width', 'height', 'durationSec', 'originalName', 'sourcePath'];

/**
 * The output an export was asked to write cannot be used: an empty `outDir`, one inside the
 * archive folder, an existing `outDir` that is not an empty directory, or a zip target that
 * already exists. Thrown before anything is written.
 */
export class ExportTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportTargetError';
  }
}

/**
 * `path` (absolute) with every symlink resolved, also when its last parts do not exist yet: the
 * nearest existing ancestor is resolved by realpath and the rest appended as given.
 */
function realPathAllowingMissing(path: string): string {
  const rest: string[] = [];
  let cur = path;
  for (;;) {
    try {
      return join(realpathSync.native(cur), ...rest.reverse());
    } catch (e) {
      const parent = dirname(cur);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === cur) throw e;
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

const isInside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith('..' + sep));
};

/**
 * Checks where an export of `archive` would write, before anything is written: `outDir` must be
 * given, must not be the archive folder or lie inside it (compared by real paths, so a symlink
 * into the archive is caught too: writing there would mix a bag into the object store or its
 * temporary files), and must not exist or be an empty directory; with `zip`, neither
 * "<outDir>.zip" nor "<outDir>.zip.partial" may exist. Returns the absolute bag directory.
 * Throws ExportTargetError naming the path and the reason.
 */
export function checkExportTarget(archiveDir: string, outDir: string, zip: boolean): string {
  if (outDir.trim() === '') throw new ExportTargetError('--out: give the folder to write the bag to');
  const bagDir = resolve(outDir);
  const archiveReal = realPathAllowingMissing(resolve(archiveDir));
  if (isInside(archiveReal, realPathAllowingMissing(bagDir))) {
    throw new ExportTargetError(`--out ${bagDir}: inside the archive folder ${archiveDir}; write the bag outside the archive`);
  }
  let entries: string[] | null = null;
  try {
    const st = statSync(bagDir);
    if (!st.isDirectory()) throw new ExportTargetError(`--out ${bagDir}: exists and is not a folder; choose a new folder`);
    entries = readdirSync(bagDir);
  } catch (e) {
    if (e instanceof ExportTargetError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (entries !== null && entries.length > 0) throw new ExportTargetError(`--out ${bagDir}: folder exists and is not empty; choose a new or empty folder`);
  if (zip) {
    for (const z of [`${bagDir}.zip`, `${bagDir}.zip.partial`]) {
      let exists = true;
      try {
        statSync(z);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        exists = false;
      }
      if (exists) throw new ExportTargetError(`--zip: ${z} already exists; move it away or choose another --out`);
    }
  }
  return bagDir;
}

/**
 * Exports items as an evidence set (issue #2): a BagIt 1.0 bag (RFC 8493) at `outDir` with the
 * originals under data/ by their original file names, one payload manifest per digest algorithm
 * that every exported item has, tag files evidence/items.json, evidence/items.csv and
 * evidence/custody.json (the custody rows of the exported items with their chain hashes and the
 * chain head at export time; only those extras.excerptFilter keeps, the others' seqs listed as
 * withheldSeqs), optionally zipped beside it. Then records the export in the
 * catalog and as `dissemination` custody events (one per item, one for the set, carrying the
 * tag-manifest SHA-256). Throws ExportTargetError (see checkExportTarget: an empty `outDir`, one
 * inside the archive, an existing non-empty `outDir`, an existing zip target) before anything is
 * written; Error for an empty selection, an unknown item id, or an object whose content no longer
 * matches its digests (nothing is recorded then).
 */
export async function exportEvidenceSet(archive: Archive, opts: ExportOptions): Promise<ExportResult> {
  if (!archive.writable) throw new Error(`${archive.dir}: archive opened read-only; export needs the write lock`);
  const bagDir = checkExportTarget(archive.dir, opts.outDir, Boolean(opts.zip));
  const db = archive.db;
  const ids = [...new Set(opts.itemIds)];
  if (!ids.length) throw new Error('nothing to export: the selection holds no items');
  const rows: ItemRow[] = ids.map((id) => {
    const it = getItem(db, id);
    if (!it) throw new Error(`item ${id}: no such item`);
    return it;
  });
  const listed = listedItems(db, rows);
  const exportId = `export-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const digestsOf = new Map(rows.map((r) => [r.id, getDigests(db, r.id)]));
  const held = archiveAlgorithms(db);
  const algorithms = held.filter((a) => rows.every((r) => digestsOf.get(r.id)![a]));
  const paths = payloadPaths(listed.map((it) => ({ name: it.sources[0]?.name ?? it.sha256, sha256: it.sha256, dir: opts.extras?.dirOf?.(it.id) })));
  const payload = listed.map((it, i) => ({
    source: objectPath(archive.objectsDir, it.sha256),
    path: paths[i]!,
    bytes: it.bytes,
    digests: digestsOf.get(it.id)!,
  }));
  const withoutPaths = Boolean(opts.extras?.withoutSourcePaths);
  const itemsJson = listed.map((it, i) => itemEntry(withoutPaths ? { ...it, sources: it.sources.map((src) => ({ name: src.name, ...(src.nameBytes === undefined ? {} : { nameBytes: src.nameBytes }) })) } : it,
    `data/${paths[i]}`, digestsOf.get(it.id)!, opts.extras?.fieldsOf?.(it.id)));
  const head = chainHead(db);
  const allEvents = listCustodyEvents(db, { items: listed.map((i) => i.sha256) });
  const keep = opts.extras?.excerptFilter;
  const withheldSeqs = keep ? allEvents.filter((e) => !keep(e)).map((e) => e.seq) : [];
  const excerpt: CustodyExcerpt = {
    chainHead: head ?? { seq: 0, hash: '0'.repeat(64) },
    events: keep ? allEvents.filter(keep) : allEvents,
    ...(withheldSeqs.length ? { withheldSeqs } : {}),
  };
  const bagInfo: Record<string, string> = {
    'Source-Organization': opts.organization ?? 'Evidence Archive user',
    'Contact-Name': opts.actor,
    'External-Description': opts.description ?? `Evidence set of ${listed.length} item(s) exported from an Evidence Archive${opts.recipient ? ` for ${opts.recipient}` : ''}. Originals are under data/ byte for byte; evidence/ holds their metadata and custody history.`,
    'Bagging-Date': new Date().toISOString().slice(0, 10),
    'Internal-Sender-Identifier': exportId,
    'Bag-Software-Agent': 'Evidence Archive 0.1.0',
  };
  if (opts.recipient) bagInfo['Recipient'] = opts.recipient;
  Object.assign(bagInfo, opts.extras?.bagInfo ?? {});
  const bag: BagResult = await writeBag({
    outDir: bagDir,
    payload,
    tagFiles: [
      { path: 'evidence/items.json', content: JSON.stringify(itemsJson, null, 2) + '\n' },
      { path: 'evidence/items.csv', content: itemsCsv(itemsJson, !withoutPaths) },
      { path: 'evidence/custody.json', content: JSON.stringify(excerpt, null, 2) + '\n' },
      ...(opts.extras?.tagFiles ?? []),
    ],
    bagInfo,
    algorithms,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  const zip = opts.zip ? await zipBag(bag.bagDir, `${bag.bagDir}.zip`) : null;
  const now = new Date().toISOString();
  db.transaction(() => {
    db.prepare(`INSERT INTO exports (id, created_at, actor, out_path, zip_path, recipient, item_count, payload_oxum, tagmanifest_sha256, selection)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(exportId, now, opts.actor, bag.bagDir, zip?.zipPath ?? null, opts.recipient ?? null,
      listed.length, bag.payloadOxum, bag.tagManifestSha256, JSON.stringify(opts.selection));
    const ins = db.prepare('INSERT INTO export_items (export_id, item_id, path) VALUES (?, ?, ?)');
    listed.forEach((it, i) => ins.run(exportId, it.id, `data/${paths[i]}`));
    for (const [i, it] of listed.entries()) {
      appendCustodyEvent(db, { actor: opts.actor, type: 'dissemination', item: it.sha256, at: now, detail: {
        outcome: 'success', exportId, path: `data/${paths[i]}`, recipient: opts.recipient ?? null, tagManifestSha256: bag.tagManifestSha256,
      } });
    }
    appendCustodyEvent(db, { actor: opts.actor, type: 'dissemination', item: null, at: now, detail: {
      outcome: 'success', exportId, bagDir: bag.bagDir, zip: zip ? { path: zip.zipPath, sha256: zip.sha256, bytes: zip.bytes } : null,
      recipient: opts.recipient ?? null, items: listed.map((i) => i.sha256), payloadOxum: bag.payloadOxum,
      manifestSha256: bag.manifestSha256, tagManifestSha256: bag.tagManifestSha256, algorithms, selection: opts.selection,
      custodyExcerptHead: excerpt.chainHead, ...(withheldSeqs.length ? { custodyExcerptWithheldSeqs: withheldSeqs } : {}),
    } });
  })();
  return { exportId, bagDir: bag.bagDir, zip, items: listed.length, payloadOxum: bag.payloadOxum, tagManifestSha256: bag.tagManifestSha256, manifestSha256: bag.manifestSha256, algorithms };
}

function itemEntry(it: Omit<ListedItem, 'sources'> & { sources: { name: string; path?: string }[] }, path: string, digests: Record<string, string>, extra?: Record<string, unknown>): Record<string, unknown> {
  return { path, ...it, digests, originalName: it.sources[0]?.name ?? null, ...(extra ?? {}) };
}

function itemsCsv(items: Record<string, unknown>[], withSourcePath: boolean): string {
  const base = withSourcePath ? CSV_COLUMNS : CSV_COLUMNS.filter((c) => c !== 'sourcePath');
  const rows = items.map((e) => {
    const gps = e.gps as { lat: number; lon: number; alt: number | null } | null;
    const sources = e.sources as { path?: string }[];
    const flat: Record<string, unknown> = { ...e, gpsLat: gps?.lat ?? '', gpsLon: gps?.lon ?? '', gpsAlt: gps?.alt ?? '', sourcePath: sources[0]?.path ?? '' };
    const extraCols = Object.keys(e).filter((k) => !CSV_COLUMNS.includes(k) && !['gps', 'sources', 'digests', 'otherDates', 'capturedAtHasZone', 'codec'].includes(k));
    return { flat, extraCols };
  });
  const extra = [...new Set(rows.flatMap((r) => r.extraCols))];
  const columns = [...base, ...extra];
  return toSafeCsv(columns, rows.map((r) => columns.map((c) => {
    const v = r.flat[c];
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  })), { bom: true });
}
