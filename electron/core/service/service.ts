// The archive service: one handler per IPC channel (common/ipc.ts) over the evidence core, plus
// the job runner. Plain Node, no Electron: the app runs it in its archive worker thread, the
// loopback test host runs it in-process, and unit tests call it directly. Handlers receive input
// already validated by `dispatch`; they hold the one open archive.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ChannelOutput, JobEvent, JobRequest, JobResult, ParsedInput, ServiceChannel, Settings } from '../../common/ipc.ts';
import { openArchive, resolveOperator, type Archive } from '../archive.ts';
import { makeMissingThumbnails } from '../derivatives/batch.ts';
import { withheldFromPublicRelease } from '../catalog/public-release.ts';
import { ingest } from '../ingest/ingest.ts';
import { JobRunner, type JobSpec } from '../jobs/runner.ts';
import { verifyReceivedSet } from '../verify/bag-trust.ts';
import { verifyArchive } from '../verify/fixity.ts';
import { createCatalogAdapter, type CatalogAdapter } from './catalog-adapter.ts';
import { exportJobSpec } from './export-job.ts';
import { ServiceError, toIpcError } from './errors.ts';
import { clipOf, countItems, itemDetail, itemFacets, itemSummaries, orderedItemIds, queryItems, thumbnailSet } from './items-query.ts';
import { makeContactSheet, SHEET_FRAMES } from '../derivatives/filmstrip.ts';
import { createLibraryViews } from './library-views.ts';
import { gpsMismatches, mapClusters, mapPlaces } from '../catalog/map-query.ts';
import { resolveMedia, type MediaFile, type MediaRef } from '../media/resolve.ts';
import { releaseRisks } from './release-risks.ts';
import { unredactableItems } from '../redact/release.ts';
import { loadSettings, saveSettings, withRecent } from './settings.ts';
import { redactHandlers } from './redact-handlers.ts';
import { createKey, keysDir, listKeys, resolveKey, unlockKey, type KeyInfo } from '../signing/keystore.ts';
import { replicateIngestJob } from './ingest-replicas.ts';

export interface ServiceOptions {
  /** JSON file holding the operator name, language and recent archives. */
  settingsFile: string;
  appInfo: ChannelOutput<'app.info'>;
  /** Receives every job event (the host forwards them to the window). */
  emit(ev: JobEvent): void;
  /** Worker threads for hashing; default one per core. */
  threads?: number;
  /** Make thumbnails in the background after each ingest that added items (default true). */
  autoDerivatives?: boolean;
  /** The signing keys' folder; default keysDir() ($EVIDENCE_KEYS_DIR, else the profile), read at each call. */
  keysDir?: string;
}

/** A handler per service channel, taking the validated input. */
export type Handlers = { [C in ServiceChannel]: (input: ParsedInput<C>) => Promise<ChannelOutput<C>> };

export interface ArchiveService {
  handlers: Handlers;
  /** Resolves an evidence-media reference to a file inside the open archive (see media/resolve.ts). */
  media(ref: MediaRef): Promise<MediaFile>;
  /** Cancels jobs, waits for them, and closes the archive (releasing its write lock). */
  close(): Promise<void>;
}

/**
 * Creates the service. It opens no archive until `archive.open`; channels that need one fail
 * with NO_ARCHIVE before that. Long work runs as jobs (JobRunner): ingest, archive fixity and
 * export one at a time in order; bag checks and thumbnails beside them.
 */
export function createArchiveService(opts: ServiceOptions): ArchiveService {
  let archive: Archive | null = null;
  let catalog: CatalogAdapter | null = null; // set with the archive
  let thumbs: Set<string> | null = null;
  let strips: Set<string> | null = null;
  const views = createLibraryViews();
  const runner = new JobRunner(opts.emit, toIpcError);

  const settings = (): Settings => loadSettings(opts.settingsFile);
  const operator = (): string => resolveOperator(settings().operator || undefined);
  const need = (): Archive => {
    if (!archive) throw new ServiceError('NO_ARCHIVE', 'no archive is open: create or open one first');
    return archive;
  };
  const needCatalog = (): CatalogAdapter => {
    need();
    return catalog!;
  };
  const thumbsOf = (a: Archive): Set<string> => (thumbs ??= thumbnailSet(a.derivativesDir));
  const stripsOf = (a: Archive): Set<string> => (strips ??= thumbnailSet(a.derivativesDir, 'strips'));
  const info = (a: Archive) => ({
    dir: a.dir,
    name: basename(a.dir),
    itemCount: (a.db.prepare('SELECT count(*) n FROM items').get() as { n: number }).n,
    writable: a.writable,
    encrypted: a.encrypted,
  });

  const closeArchive = async () => {
    if (runner.busy()) await runner.shutdown();
    const a = archive;
    archive = null;
    catalog = null;
    thumbs = null;
    strips = null;
    views.clear();
    await a?.close();
  };

  const jobSpec = (a: Archive, req: JobRequest): JobSpec => {
    switch (req.kind) {
      case 'ingest':
        return {
          kind: 'ingest', exclusive: true,
          run: async (ctx) => {
            const report = await ingest(a, {
              inputs: req.inputs.map((p) => resolve(p)), operator: operator(), algorithms: req.algorithms, threads: opts.threads,
              signal: ctx.signal, onProgress: ctx.progress, onFile: ctx.file,
            });
            if (report.counts.added > 0 && (opts.autoDerivatives ?? true) && !ctx.signal.aborted) startDerivatives(a);
            // As the CLI's ingest: the new objects go to every connected replica; one not reached is a warning only.
            const replicas = await replicateIngestJob(a, report, operator(), ctx.signal);
            return { kind: 'ingest', report: { ...report, ...replicas } };
          },
        };
      case 'verifyArchive':
        return {
          kind: 'verifyArchive', exclusive: true,
          run: async (ctx) => ({ kind: 'verifyArchive', report: await verifyArchive(a, { actor: operator(), signal: ctx.signal, onProgress: ctx.progress, threads: opts.threads }) }),
        };
      case 'export':
        return exportJobSpec(a, req, {
          operator, catalog: () => (archive === a ? catalog : null), keysDir: keys,
          defaultLang: () => settings().language ?? 'en',
        });
      case 'verifyBag':
        return {
          kind: 'verifyBag', exclusive: false,
          run: async (ctx) => {
            ctx.progress({ filesDone: 0, filesTotal: 1, bytesDone: 0, bytesTotal: 0, currentFile: req.dir });
            let tsaCaPem: string | undefined;
            if (req.tsaCaFile !== undefined) {
              try {
                tsaCaPem = await readFile(resolve(req.tsaCaFile), 'utf8');
              } catch (e) {
                throw new ServiceError('FAILED', `${req.tsaCaFile}: the time-stamping authorities' certificate file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
              }
            }
            // Everything a recipient checks (issue 12 §5): files, signatures, timestamps, the custody seal, and a verdict.
            return { kind: 'verifyBag', report: await verifyReceivedSet(resolve(req.dir), { signal: ctx.signal, expectKey: req.expectKey, tsaCaPem }) };
          },
        };
      case 'derivatives':
        return derivativesSpec(a);
    }
  };

  const derivativesSpec = (a: Archive): JobSpec => ({
    kind: 'derivatives', exclusive: false,
    run: async (ctx): Promise<JobResult> => {
      const r = await makeMissingThumbnails(a, { signal: ctx.signal, onProgress: ctx.progress });
      thumbs = null; // re-read on the next listing
      strips = null;
      return { kind: 'derivatives', report: { made: r.made, existing: r.existing, unsupported: r.unsupported, failed: r.failed } };
    },
  });
  const startDerivatives = (a: Archive) => {
    if (archive === a) runner.start(derivativesSpec(a));
  };

  const keys = () => opts.keysDir ?? keysDir();
  // The window needs no folder paths of the profile beyond the keys folder itself.
  const keyDto = (k: KeyInfo) => ({ name: k.name, fingerprint: k.fingerprint, publicKeyLine: k.publicKeyLine, openPgpFingerprint: k.openPgpFingerprint, createdAt: k.createdAt });

  const handlers: Handlers = {
    'app.info': async () => opts.appInfo,
    'settings.get': async () => settings(),
    'settings.set': async (input) => {
      const s = { ...settings() };
      if (input.operator !== undefined) s.operator = input.operator.trim();
      if (input.language !== undefined) s.language = input.language;
      if (input.tsaUrls !== undefined) s.tsaUrls = [...new Set(input.tsaUrls.filter(Boolean))];
      if (input.signingKey !== undefined) s.signingKey = input.signingKey;
      if (input.gpsMismatchKm !== undefined) s.gpsMismatchKm = input.gpsMismatchKm;
      saveSettings(opts.settingsFile, s);
      return s;
    },
    'archive.open': async ({ dir, create, passphrase }) => {
      await closeArchive();
      // Without a passphrase an encrypted catalog answers CATALOG_LOCKED, and the window asks for it.
      const a = await openArchive(resolve(dir), { write: true, create, passphrase });
      archive = a;
      catalog = createCatalogAdapter(a.db);
      const s = settings();
      saveSettings(opts.settingsFile, { ...s, recent: withRecent(s.recent, a.dir) });
      return info(a);
    },
    'archive.current': async () => (archive ? info(archive) : null),
    'archive.close': async () => {
      await closeArchive();
      return null;
    },
    'items.list': async ({ filter, sort }) => {
      const a = need();
      const items = queryItems(a.db, filter, sort, thumbsOf(a));
      return { total: items.length, items };
    },
    'items.view': async ({ filter, sort, group, first }) => {
      const a = need();
      const v = views.open(a.db, filter, sort, group);
      return first ? { ...v, items: itemSummaries(a.db, views.ids(v.view, 0, first)!, thumbsOf(a), stripsOf(a)) } : v;
    },
    'items.contactSheet': async ({ id }) => {
      const a = need();
      const clip = clipOf(a.db, id);
      if (!clip) throw new ServiceError('NOT_FOUND', `item ${id}: no such item`);
      if (clip.kind !== 'video' || !clip.durationSec) throw new ServiceError('INVALID_INPUT', `item ${id}: a contact sheet needs a video clip with a duration`);
      const path = await makeContactSheet(a, clip);
      return { frames: SHEET_FRAMES, bytes: statSync(path).size };
    },
    'items.page': async ({ view, offset, limit }) => {
      const a = need();
      const ids = views.ids(view, offset, limit);
      if (!ids) throw new ServiceError('NOT_FOUND', `Library view ${view}: expired; make a new one`);
      return { items: itemSummaries(a.db, ids, thumbsOf(a), stripsOf(a)) };
    },
    'items.ids': async ({ view, offset, limit }) => {
      need();
      const ids = views.ids(view, offset, limit);
      if (!ids) throw new ServiceError('NOT_FOUND', `Library view ${view}: expired; make a new one`);
      return { ids };
    },
    'items.count': async ({ filter }) => ({ total: countItems(need().db, filter) }),
    'items.get': async ({ id }) => {
      const a = need();
      const d = itemDetail(a.db, id, thumbsOf(a));
      if (!d) throw new ServiceError('NOT_FOUND', `item ${id}: no such item`);
      return d;
    },
    'items.facets': async () => itemFacets(need().db),
    'catalog.available': async () => needCatalog().available(),
    'catalog.list': async ({ entity }) => needCatalog().list(entity),
    'catalog.get': async ({ entity, id }) => needCatalog().get(entity, id),
    'catalog.create': async ({ data }) => needCatalog().create(data),
    'catalog.update': async ({ id, data }) => needCatalog().update(id, data),
    'catalog.link': async (input) => {
      needCatalog().link(input, operator());
      return null;
    },
    'catalog.tag': async ({ itemIds, tag, tagged }) => {
      needCatalog().tag(itemIds, tag, tagged, operator());
      return null;
    },
    'catalog.describe': async ({ id, description, notes }) => needCatalog().describe(id, { description, notes }, operator()),
    'catalog.suggestPlaces': async ({ id }) => needCatalog().suggestPlaces(id),
    'map.places': async () => mapPlaces(need().db),
    'map.points': async ({ bounds, cellDeg, limit }) => mapClusters(need().db, bounds, cellDeg, limit),
    'map.mismatches': async ({ maxKm, itemId, offset, limit }) => gpsMismatches(need().db, { maxKm, itemId, offset, limit }),
    'keys.list': async () => ({ dir: keys(), keys: listKeys(keys()).map(keyDto) }),
    'keys.create': async ({ name, passphrase }) => keyDto(await createKey({ name, passphrase, dir: keys() })),
    'keys.check': async ({ name, passphrase }) => {
      const info = resolveKey(name, keys());
      await unlockKey(info, passphrase);
      return keyDto(info);
    },
    'export.withheld': async ({ itemIds, filter }) => {
      const a = need();
      return withheldFromPublicRelease(a.db, itemIds ?? orderedItemIds(a.db, filter!, { by: 'id', dir: 'asc' }));
    },
    'export.releaseRisks': async ({ itemIds, filter }) => {
      const a = need();
      return releaseRisks(a.db, itemIds ?? orderedItemIds(a.db, filter!, { by: 'id', dir: 'asc' }));
    },
    'export.unredactable': async ({ itemIds, filter }) => {
      const a = need();
      // The export job's own rule (export-job.ts), so the screen's warning and the set agree.
      return unredactableItems(a.db, itemIds ?? orderedItemIds(a.db, filter!, { by: 'id', dir: 'asc' })).map(({ id, fileName, mime }) => ({ id, fileName, mime }));
    },
    'jobs.start': async (req) => ({ jobId: runner.start(jobSpec(need(), req)) }),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: runner.cancel(jobId) }),
    'jobs.list': async () => runner.list(),
    ...redactHandlers(need, operator),
  };

  return {
    handlers,
    media: async (ref) => resolveMedia(need(), ref),
    close: closeArchive,
  };
}
