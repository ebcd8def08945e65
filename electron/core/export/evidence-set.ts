import { randomUUID } from 'node:crypto';
import { lstatSync, realpathSync, statSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CAPTURE_TIMES_DECLARATION, CAPTURE_TIMES_ELEMENT, capturedAtForReaders } from '../../common/captured-at.ts';
import type { CustodyEvent, DigestAlgorithm, JobProgress } from '../../common/types.ts';
import { objectPath, type Archive } from '../archive.ts';
import { listedItems, type ListedItem } from '../catalog/records.ts';
import { appendCustodyEvent, chainHead, listCustodyEvents } from '../custody/log.ts';
import { fixityRunsSection, type FixityRunsSection } from '../verify/run-excerpt.ts';
import { excerptProof, type CustodyProof } from '../custody/excerpt-proof.ts';
import type { Seal } from '../custody/seal-format.ts';
import type { Db } from '../db/open.ts';
import { archiveAlgorithms, getDigests, getItem, type ItemRow } from '../db/items.ts';
import { credentialFields } from '../c2pa/export.ts';
import { addTagFiles, writeBag, type BagPayloadFile, type BagResult, type BagTagFile } from './bagit.ts';
import { toSafeCsv } from './csv.ts';
import { payloadPaths } from './names.ts';
import { publishBag, zipPublishedBag } from './publish.ts';
import { removeRunLeftovers } from './recovery.ts';
import { getExportRun, INCOMPLETE_MARKER, markerContent, markExportAbandoned, markExportComplete, markExportPublishing, recordExportStarted, workPathOf } from './runs.ts';

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
  /**
   * The items.csv cell for `value` of an extra field `column` (e.g. the people of an item as
   * "Name (#3, depicts)"); undefined leaves the default (JSON for an object or array, text
   * otherwise). Whoever gives it declares the form in bagInfo, where verify-bag reads it.
   */
  csvCell?: (column: string, value: unknown) => string | undefined;
  /** Extra bag-info.txt elements (e.g. Evidence-Redaction). */
  bagInfo?: Record<string, string>;
  /**
   * Ships another file in an item's place (its redacted copy, redact/release.ts): the object to
   * copy, its name under data/, and its items.json entry made from the original's. Undefined: the
   * original itself. Such a payload has only a SHA-256 digest.
   */
  payloadOf?: (item: ListedItem) => SwappedPayload | undefined;
  /**
   * A neutral name for an item's payload file (export/public-names.ts), given when its file names
   * must not leave the archive: the file gets this name under data/ (made unique by payloadPaths)
   * and items.json gives the item no sources and originalName null (so items.csv none either).
   * Undefined: the names stay.
   */
  neutralNameOf?: (item: ListedItem) => string | undefined;
}

/** A file shipped in an item's place (ExportExtras.payloadOf). */
export interface SwappedPayload {
  sha256: string;
  bytes: number;
  /** File name for data/ (payloadPaths makes it unique). */
  name: string;
  /** Its items.json entry, from the entry the original would have had. */
  entry: (original: Record<string, unknown>) => Record<string, unknown>;
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
  /**
   * Steps to run on the finished but unrecorded bag (in "<out>.partial", without bagit.txt), after
   * the tag manifests are written and before the export is recorded complete: signing the tag
   * manifest, timestamps, a report. A throw abandons the export (nothing published).
   */
  beforeComplete?: (draft: ExportDraft) => Promise<void> | void;
  /**
   * The seal of the chain's head made just before this export (sealChain): the excerpt is then
   * the set's events up to the sealed row, with the seal and a completeness proof
   * (docs/seal-and-proof.md). Without it the excerpt is unsealed, up to the current head.
   */
  seal?: Seal | null;
  /** Records to write in the same transaction that records the export complete (e.g. the tokens of its timestamps). */
  recordWithin?: (db: Db, bag: { exportId: string; tagManifestSha256: string }) => void;
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
  /** The seal of chainHead (signed by the exporter's key) and the proof that no event of the set's items is missing. */
  seal?: Seal;
  proof?: CustodyProof;
  /** The fixity check runs that checked the set's items, with the proof of their outcomes (verify/run-excerpt.ts); absent when none did. */
  fixityRuns?: FixityRunsSection;
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
 * temporary files), and must not exist or be an empty directory; "<outDir>.partial" (where the bag
 * is written first) must not exist; with `zip`, neither "<outDir>.zip" nor "<outDir>.zip.partial" may exist. Returns the absolute bag directory.
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
  const exists = (p: string) => {
    try {
      lstatSync(p);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return false;
    }
  };
  // The bag is written there first; a leftover no recovery claimed is not ours to remove.
  const work = workPathOf(bagDir);
  if (exists(work)) throw new ExportTargetError(`--out: ${work} already exists (an unfinished export of another archive, or not an export at all); move it away or choose another --out`);
  if (zip) {
    for (const z of [`${bagDir}.zip`, `${bagDir}.zip.partial`]) {
      if (exists(z)) throw new ExportTargetError(`--zip: ${z} already exists; move it away or choose another --out`);
    }
  }
  return bagDir;
}

/** What a step added before the record (signing, timestamps, a report) may read and change in the unfinished bag. */
export interface ExportDraft {
  readonly exportId: string;
  /** The unfinished bag folder ("<out>.partial", no bagit.txt yet): every file a step adds goes here. */
  readonly bagDir: string;
  /** SHA-256 of tagmanifest-sha256.txt as it stands; addTagFiles updates it, and the export records the last value. */
  readonly tagManifestSha256: string;
  /** Writes tag files into the bag and lists them in the tag manifests (bagit.ts addTagFiles). */
  addTagFiles(files: BagTagFile[]): Promise<void>;
  /** UTC ISO 8601 time the export started. */
  readonly startedAt: string;
  /** The set's item ids and their paths in the bag ("data/…"), in the same order. */
  readonly itemIds: readonly number[];
  readonly dataPaths: readonly string[];
  /** SHA-256 of manifest-sha256.txt (the payload manifest). */
  readonly manifestSha256: string;
  /** The events evidence/custody.json holds, and the seqs it lists as withheld. */
  readonly excerptEvents: readonly CustodyEvent[];
  readonly withheldSeqs: readonly number[];
  /** custody.json `fixityRuns`: the runs that checked the set's items, with proofs; null when none did. */
  readonly fixityRuns: FixityRunsSection | null;
}

/** Everything an export decided before writing: what prepareExport returns and the later steps use. */
export interface ExportPlan {
  exportId: string;
  startedAt: string;
  actor: string;
  recipient: string | null;
  /** The bag folder to publish (absolute). */
  bagDir: string;
  /** Where the bag is written first: "<bagDir>.partial". */
  workDir: string;
  zipPath: string | null;
  zipWorkPath: string | null;
  listed: ListedItem[];
  /** Payload paths under data/, as in export_items. */
  dataPaths: string[];
  algorithms: DigestAlgorithm[];
  excerpt: CustodyExcerpt;
  withheldSeqs: number[];
  selection: Record<string, unknown>;
  payloadOxum: string;
  bag: { payload: BagPayloadFile[]; tagFiles: BagTagFile[]; bagInfo: Record<string, string> };
}

/**
 * Exports items as an evidence set (issue #2): a BagIt 1.0 bag (RFC 8493) at `outDir` with the
 * originals under data/ by their original file names, one payload manifest per digest algorithm
 * that every exported item has, tag files evidence/items.json, evidence/items.csv and
 * evidence/custody.json (the custody rows of the exported items with their chain hashes and the
 * chain head at export time; only those extras.excerptFilter keeps, the others' seqs listed as
 * withheldSeqs), optionally zipped beside it, recorded in the catalog and as `dissemination`
 * custody events (one per item, one for the set, carrying the tag-manifest SHA-256).
 *
 * No folder or zip that a BagIt validator accepts exists before the archive has recorded it
 * (issue 11): the steps are
 * 1. prepareExport: checks and computes everything, writes nothing;
 * 2. recordExportInProgress: export_runs row + `dissemination` event (stage "started");
 * 3. writeExportDraft: the bag under "<out>.partial", marked EXPORT-INCOMPLETE.txt, no bagit.txt;
 * 4. opts.beforeComplete(draft): steps added by callers (signing, timestamps, a report);
 * 5. recordExportComplete: exports row, export_items, the dissemination events;
 * 6. publishExport: bagit.txt, rename to `outDir`, then the zip (recorded before its rename).
 * A process killed anywhere leaves a run that recoverInterruptedExports (recovery.ts) removes
 * (before 5) or finishes (after 5).
 *
 * Throws ExportTargetError (see checkExportTarget) before anything is written or recorded; Error
 * for an empty selection or an unknown item id (nothing recorded). An error in steps 3–4 (an
 * object whose content no longer matches its digests, an abort, a failing step) removes what was
 * written, records the run abandoned with the reason, and is rethrown. An error in step 6 leaves
 * the set recorded and the run "publishing", for the next run to finish, and is rethrown.
 */
export async function exportEvidenceSet(archive: Archive, opts: ExportOptions): Promise<ExportResult> {
  const plan = prepareExport(archive, opts);
  recordExportInProgress(archive, plan);
  let bag: BagResult;
  try {
    bag = await writeExportDraft(plan, opts);
    if (opts.beforeComplete) bag = await runBeforeComplete(plan, bag, opts.beforeComplete);
  } catch (err) {
    await abandonAfterError(archive, plan, err);
    throw err;
  }
  recordExportComplete(archive, plan, bag, opts.recordWithin);
  const zip = await publishExport(archive, plan);
  return {
    exportId: plan.exportId, bagDir: plan.bagDir, zip, items: plan.listed.length, payloadOxum: bag.payloadOxum,
    tagManifestSha256: bag.tagManifestSha256, manifestSha256: bag.manifestSha256, algorithms: plan.algorithms,
  };
}

/**
 * Step 1: checks the target (checkExportTarget, also "<out>.partial") and the items, and computes
 * the bag's content, the custody excerpt and the new export id. Reads the catalog, writes nothing.
 * Throws ExportTargetError, or Error for an archive not opened for writing, an empty selection or
 * an unknown item id.
 */
export function prepareExport(archive: Archive, opts: ExportOptions): ExportPlan {
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
  const swapOf = new Map(listed.map((it) => [it.id, opts.extras?.payloadOf?.(it)]));
  const digestsOf = new Map(rows.map((r) => {
    const swap = swapOf.get(r.id);
    return [r.id, swap ? { sha256: swap.sha256 } : getDigests(db, r.id)];
  }));
  const held = archiveAlgorithms(db);
  const algorithms = held.filter((a) => rows.every((r) => digestsOf.get(r.id)![a]));
  const neutralOf = new Map(listed.map((it) => [it.id, opts.extras?.neutralNameOf?.(it)]));
  const paths = payloadPaths(listed.map((it) => ({ name: neutralOf.get(it.id) ?? swapOf.get(it.id)?.name ?? it.sources[0]?.name ?? it.sha256, sha256: swapOf.get(it.id)?.sha256 ?? it.sha256, dir: opts.extras?.dirOf?.(it.id) })));
  const payload = listed.map((it, i) => ({
    source: objectPath(archive.objectsDir, swapOf.get(it.id)?.sha256 ?? it.sha256),
    path: paths[i]!,
    bytes: swapOf.get(it.id)?.bytes ?? it.bytes,
    digests: digestsOf.get(it.id)!,
  }));
  const withoutPaths = Boolean(opts.extras?.withoutSourcePaths);
  const sourcesOf = (it: ListedItem) => (neutralOf.get(it.id) !== undefined ? []
    : withoutPaths ? it.sources.map((src) => ({ name: src.name, ...(src.nameBytes === undefined ? {} : { nameBytes: src.nameBytes }) })) : it.sources);
  const itemsJson = listed.map((it, i) => itemEntry({ ...it, sources: sourcesOf(it) },
    `data/${paths[i]}`, digestsOf.get(it.id)!, { ...credentialFields(db, it.id, withoutPaths), ...opts.extras?.fieldsOf?.(it.id) })).map((e, i) => zoneForReaders(swapOf.get(listed[i]!.id)?.entry(e) ?? e));
  const seal = opts.seal ?? null;
  const head = seal ? { seq: seal.seq, hash: seal.head } : chainHead(db);
  // Under a seal the excerpt stops at the sealed row: what follows is not covered by its proof.
  const allEvents = listCustodyEvents(db, { items: listed.map((i) => i.sha256) }).filter((e) => !seal || e.seq <= seal.seq);
  const keep = opts.extras?.excerptFilter;
  const withheldSeqs = keep ? allEvents.filter((e) => !keep(e)).map((e) => e.seq) : [];
  const excerpt: CustodyExcerpt = {
    chainHead: head ?? { seq: 0, hash: '0'.repeat(64) },
    events: keep ? allEvents.filter(keep) : allEvents,
    ...(withheldSeqs.length ? { withheldSeqs } : {}),
    ...(seal ? { seal, proof: excerptProof(db, seal, listed.map((i) => i.sha256)) } : {}),
  };
  // Passes are leaves of run roots, not events of the items: the runs come with proofs of them.
  const fixityRuns = fixityRunsSection(db, listed, { ...(seal ? { maxSeq: seal.seq } : {}), ...(keep ? { keep } : {}) });
  if (fixityRuns) excerpt.fixityRuns = fixityRuns;
  const bagInfo: Record<string, string> = {
    'Source-Organization': opts.organization ?? 'Evidence Archive user',
    'Contact-Name': opts.actor,
    'External-Description': opts.description ?? `Evidence set of ${listed.length} item(s) exported from an Evidence Archive${opts.recipient ? ` for ${opts.recipient}` : ''}. Originals are under data/ byte for byte; evidence/ holds their metadata and custody history.`,
    'Bagging-Date': new Date().toISOString().slice(0, 10),
    'Internal-Sender-Identifier': exportId,
    'Bag-Software-Agent': 'Evidence Archive 0.1.0',
    [CAPTURE_TIMES_ELEMENT]: CAPTURE_TIMES_DECLARATION,
  };
  if (opts.recipient) bagInfo['Recipient'] = opts.recipient;
  Object.assign(bagInfo, opts.extras?.bagInfo ?? {});
  const zipPath = opts.zip ? `${bagDir}.zip` : null;
  return {
    exportId, startedAt: new Date().toISOString(), actor: opts.actor, recipient: opts.recipient ?? null,
    bagDir, workDir: workPathOf(bagDir), zipPath, zipWorkPath: zipPath ? `${zipPath}.partial` : null,
    listed, dataPaths: paths.map((p) => `data/${p}`), algorithms, excerpt, withheldSeqs, selection: opts.selection,
    payloadOxum: `${payload.reduce((n, p) => n + p.bytes, 0)}.${payload.length}`,
    bag: {
      payload,
      tagFiles: [
        { path: 'evidence/items.json', content: JSON.stringify(itemsJson, null, 2) + '\n' },
        { path: 'evidence/items.csv', content: itemsCsv(itemsJson, !withoutPaths, opts.extras?.csvCell) },
        { path: 'evidence/custody.json', content: JSON.stringify(excerpt, null, 2) + '\n' },
        ...(opts.extras?.tagFiles ?? []),
      ],
      bagInfo,
    },
  };
}

/** Step 2: the run as in progress (export_runs + a "started" dissemination event), before any file is written. */
export function recordExportInProgress(archive: Archive, plan: ExportPlan): void {
  recordExportStarted(archive.db, {
    id: plan.exportId, startedAt: plan.startedAt, actor: plan.actor, outPath: plan.bagDir, workPath: plan.workDir,
    zipPath: plan.zipPath, zipWorkPath: plan.zipWorkPath,
  }, { recipient: plan.recipient, itemCount: plan.listed.length, payloadOxum: plan.payloadOxum });
}

/**
 * Step 3: writes the bag to plan.workDir with the EXPORT-INCOMPLETE.txt marker first and no
 * bagit.txt (writeBag `incomplete`), so neither verify-bag nor any BagIt validator accepts it.
 * Throws as writeBag does (which removes what it wrote).
 */
export async function writeExportDraft(plan: ExportPlan, opts: Pick<ExportOptions, 'signal' | 'onProgress'> = {}): Promise<BagResult> {
  return writeBag({
    outDir: plan.workDir,
    ...plan.bag,
    algorithms: plan.algorithms,
    signal: opts.signal,
    onProgress: opts.onProgress,
    incomplete: { markerName: INCOMPLETE_MARKER, markerContent: markerContent(plan.exportId, plan.startedAt) },
  });
}

/** Step 4: the caller's steps on the unfinished bag; returns the bag result with the tag-manifest digest they left. */
async function runBeforeComplete(plan: ExportPlan, bag: BagResult, hook: (draft: ExportDraft) => Promise<void> | void): Promise<BagResult> {
  let tagManifestSha256 = bag.tagManifestSha256;
  const draft: ExportDraft = {
    exportId: plan.exportId,
    bagDir: plan.workDir,
    startedAt: plan.startedAt,
    itemIds: plan.listed.map((it) => it.id),
    dataPaths: plan.dataPaths,
    manifestSha256: bag.manifestSha256,
    excerptEvents: plan.excerpt.events,
    withheldSeqs: plan.withheldSeqs,
    fixityRuns: plan.excerpt.fixityRuns ?? null,
    get tagManifestSha256() {
      return tagManifestSha256;
    },
    async addTagFiles(files) {
      tagManifestSha256 = await addTagFiles(plan.workDir, files);
    },
  };
  await hook(draft);
  return { ...bag, tagManifestSha256 };
}

/**
 * Step 5: records the set complete in one transaction: the exports row, export_items, one
 * `dissemination` event per item and one for the set (zip: its planned path, with sha256 and bytes
 * null until the "zipped" event), and the run moved to "publishing". Throws on SQLite errors.
 */
export function recordExportComplete(archive: Archive, plan: ExportPlan, bag: BagResult, recordWithin?: ExportOptions['recordWithin']): void {
  const db = archive.db;
  const { exportId, listed, actor } = plan;
  const now = new Date().toISOString();
  db.transaction(() => {
    db.prepare(`INSERT INTO exports (id, created_at, actor, out_path, zip_path, recipient, item_count, payload_oxum, tagmanifest_sha256, selection)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(exportId, now, actor, plan.bagDir, plan.zipPath, plan.recipient,
      listed.length, bag.payloadOxum, bag.tagManifestSha256, JSON.stringify(plan.selection));
    const ins = db.prepare('INSERT INTO export_items (export_id, item_id, path) VALUES (?, ?, ?)');
    listed.forEach((it, i) => ins.run(exportId, it.id, plan.dataPaths[i]));
    for (const [i, it] of listed.entries()) {
      appendCustodyEvent(db, { actor, type: 'dissemination', item: it.sha256, at: now, detail: {
        outcome: 'success', exportId, path: plan.dataPaths[i], recipient: plan.recipient, tagManifestSha256: bag.tagManifestSha256,
      } });
    }
    appendCustodyEvent(db, { actor, type: 'dissemination', item: null, at: now, detail: {
      outcome: 'success', exportId, bagDir: plan.bagDir, zip: plan.zipPath ? { path: plan.zipPath, sha256: null, bytes: null } : null,
      recipient: plan.recipient, items: listed.map((i) => i.sha256), payloadOxum: bag.payloadOxum,
      manifestSha256: bag.manifestSha256, tagManifestSha256: bag.tagManifestSha256, algorithms: plan.algorithms, selection: plan.selection,
      custodyExcerptHead: plan.excerpt.chainHead, ...(plan.withheldSeqs.length ? { custodyExcerptWithheldSeqs: plan.withheldSeqs } : {}),
      ...(plan.excerpt.seal ? { sealSeq: plan.excerpt.seal.seq, signer: plan.excerpt.seal.signer?.fingerprint ?? null } : {}),
    } });
    recordWithin?.(db, { exportId, tagManifestSha256: bag.tagManifestSha256 });
    markExportPublishing(db, exportId);
  })();
}

/**
 * Step 6: moves the recorded bag into place (publishBag), makes the zip if asked (recorded before
 * its rename: zipPublishedBag), and marks the run complete. Returns the zip or null. Throws Error
 * naming the export and saying the set is recorded when any of it fails; the run stays
 * "publishing" for recoverInterruptedExports.
 */
export async function publishExport(archive: Archive, plan: ExportPlan): Promise<ExportResult['zip']> {
  try {
    await publishBag(plan.workDir, plan.bagDir);
    const run = getExportRun(archive.db, plan.exportId)!;
    const zip = run.zipPath ? await zipPublishedBag(archive.db, run, plan.actor) : null;
    markExportComplete(archive.db, plan.exportId);
    return zip;
  } catch (err) {
    throw new Error(`export ${plan.exportId} is recorded, but publishing it failed: ${(err as Error).message}; ` +
      'the next `evidence export` on this archive finishes it', { cause: err });
  }
}

/** After a failure in steps 3–4: removes the unfinished bag (only if it is this run's) and records the run abandoned. */
async function abandonAfterError(archive: Archive, plan: ExportPlan, err: unknown): Promise<void> {
  const reason = err instanceof Error ? err.message : String(err);
  try {
    const run = getExportRun(archive.db, plan.exportId)!;
    const { removed, left } = await removeRunLeftovers(run);
    markExportAbandoned(archive.db, plan.exportId, { actor: plan.actor, reason, removed, left: left.map((l) => `${l.path}: ${l.why}`) });
  } catch {
    // The original error matters more; the next export's recovery tries again.
  }
}

/**
 * Item entry `e` with `capturedAtZone` ("known" | "unknown", null without a capture time) after
 * capturedAtHasZone, so that items.csv gets a column saying it in words. `capturedAt` stays as
 * recorded: the metadata extraction event pins it (CAPTURE_TIMES_ELEMENT says how the CSV gives it).
 */
function zoneForReaders(e: Record<string, unknown>): Record<string, unknown> {
  const has = e.capturedAtHasZone === true;
  const at = typeof e.capturedAt === 'string' ? e.capturedAt : null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    out[k] = v;
    if (k === 'capturedAtHasZone') out.capturedAtZone = at === null ? null : has ? 'known' : 'unknown';
  }
  if (!('capturedAtZone' in out)) out.capturedAtZone = at === null ? null : has ? 'known' : 'unknown';
  return out;
}

function itemEntry(it: Omit<ListedItem, 'sources'> & { sources: { name: string; path?: string }[] }, path: string, digests: Record<string, string>, extra?: Record<string, unknown>): Record<string, unknown> {
  return { path, ...it, digests, originalName: it.sources[0]?.name ?? null, ...(extra ?? {}) };
}

function itemsCsv(items: Record<string, unknown>[], withSourcePath: boolean, csvCell?: ExportExtras['csvCell']): string {
  const base = withSourcePath ? CSV_COLUMNS : CSV_COLUMNS.filter((c) => c !== 'sourcePath');
  const rows = items.map((e) => {
    const gps = e.gps as { lat: number; lon: number; alt: number | null } | null;
    const sources = e.sources as { path?: string }[];
    // A time of unknown zone as the wall-clock time it is: a "Z" would read as UTC (CAPTURE_TIMES_ELEMENT).
    const capturedAt = typeof e.capturedAt === 'string' ? capturedAtForReaders(e.capturedAt, e.capturedAtHasZone === true) : e.capturedAt;
    const flat: Record<string, unknown> = { ...e, capturedAt, gpsLat: gps?.lat ?? '', gpsLon: gps?.lon ?? '', gpsAlt: gps?.alt ?? '', sourcePath: sources[0]?.path ?? '' };
    const extraCols = Object.keys(e).filter((k) => !CSV_COLUMNS.includes(k) && !['gps', 'sources', 'digests', 'otherDates', 'capturedAtHasZone', 'codec', 'credentials'].includes(k));
    return { flat, extraCols };
  });
  const extra = [...new Set(rows.flatMap((r) => r.extraCols))];
  const columns = [...base, ...extra];
  return toSafeCsv(columns, rows.map((r) => columns.map((c) => {
    const v = r.flat[c];
    const own = extra.includes(c) ? csvCell?.(c, v) : undefined;
    if (own !== undefined) return own;
    return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  })), { bom: true });
}
