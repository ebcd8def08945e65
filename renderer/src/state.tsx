// The window's state: open archive, settings, current screen, Library filter and selection,
// running jobs. One context, small reducers; the screens read and change it through hooks.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ArchiveInfo, CatalogEntity, CatalogId, ChannelOutput, IngestFileResultDto, ItemFilter, ItemSort, JobInfo, JobProgressView, Settings } from '../../electron/common/ipc.ts';
import { BridgeError, call, onJobEvent } from './bridge.ts';

export type Route =
  | { screen: 'archives' }
  | { screen: 'library' }
  | { screen: 'map' }
  | { screen: 'import' }
  | { screen: 'item'; id: number }
  | { screen: 'catalog'; entity: CatalogEntity; id?: CatalogId }
  | { screen: 'export' }
  | { screen: 'verify' }
  | { screen: 'keys' };

export interface JobView {
  info: JobInfo;
  progress: JobProgressView | null;
  files: IngestFileResultDto[];
}

export interface AppState {
  archive: ArchiveInfo | null;
  setArchive(a: ArchiveInfo | null): void;
  settings: Settings;
  setSettings(s: Settings): void;
  route: Route;
  go(r: Route): void;
  filter: ItemFilter;
  setFilter(f: ItemFilter): void;
  sort: ItemSort;
  setSort(s: ItemSort): void;
  selection: ReadonlySet<number>;
  setSelection(s: ReadonlySet<number>): void;
  catalog: ChannelOutput<'catalog.available'>;
  jobs: Record<string, JobView>;
  /** Bumped whenever archive content may have changed (a job ended, a tag changed). */
  dataVersion: number;
  bumpData(): void;
  error: { code: string; message: string } | null;
  report(e: unknown): void;
  clearError(): void;
}

const Ctx = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useApp outside AppProvider');
  return s;
}

const NO_CATALOG: ChannelOutput<'catalog.available'> = { entities: [], tagging: false, suggestions: false };

export function AppProvider({ initialSettings, children }: { initialSettings: Settings; children: ReactNode }) {
  const [archive, setArchive] = useState<ArchiveInfo | null>(null);
  const [settings, setSettings] = useState(initialSettings);
  const [route, go] = useState<Route>({ screen: 'archives' });
  const [filter, setFilter] = useState<ItemFilter>({});
  const [sort, setSort] = useState<ItemSort>({ by: 'capturedAt', dir: 'desc' });
  const [selection, setSelection] = useState<ReadonlySet<number>>(new Set());
  const [catalog, setCatalog] = useState(NO_CATALOG);
  const [jobs, setJobs] = useState<Record<string, JobView>>({});
  const [dataVersion, setDataVersion] = useState(0);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const bumpData = useCallback(() => setDataVersion((v) => v + 1), []);
  const report = useCallback((e: unknown) => {
    setError(e instanceof BridgeError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
  }, []);
  const clearError = useCallback(() => setError(null), []);

  // Job events arrive often during an ingest; batch them per animation frame.
  const pending = useRef<Parameters<Parameters<typeof onJobEvent>[0]>[0][]>([]);
  useEffect(() => {
    let frame = 0;
    const flush = () => {
      frame = 0;
      const evs = pending.current;
      pending.current = [];
      // Decided here, not inside the updater below: React may run an updater later, at render,
      // after this function has returned, and a job's end would then never refresh the data.
      const ended = evs.some((ev) => ev.type === 'state' && ['done', 'failed', 'cancelled'].includes(ev.job.state));
      setJobs((prev) => {
        const next = { ...prev };
        for (const ev of evs) {
          if (ev.type === 'state') {
            const cur = next[ev.job.id];
            next[ev.job.id] = { info: ev.job, progress: ev.job.progress ?? cur?.progress ?? null, files: cur?.files ?? [] };
          } else {
            const cur = next[ev.jobId];
            if (!cur) continue;
            next[ev.jobId] = ev.type === 'progress' ? { ...cur, progress: ev.progress } : { ...cur, files: [...cur.files, ev.file] };
          }
        }
        return next;
      });
      if (ended) bumpData();
    };
    const off = onJobEvent((ev) => {
      pending.current.push(ev);
      frame ||= requestAnimationFrame(flush);
    });
    return () => {
      off();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [bumpData]);

  useEffect(() => {
    if (!archive) {
      setCatalog(NO_CATALOG);
      return;
    }
    call('catalog.available', {}).then(setCatalog, report);
    setSelection(new Set());
    setFilter({});
  }, [archive, report]);

  const value = useMemo<AppState>(() => ({
    archive, setArchive, settings, setSettings, route, go, filter, setFilter, sort, setSort, selection, setSelection,
    catalog, jobs, dataVersion, bumpData, error, report, clearError,
  }), [archive, settings, route, filter, sort, selection, catalog, jobs, dataVersion, bumpData, error, report, clearError]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The newest job of `kind` (started in this window), if any. */
export function latestJob(jobs: Record<string, JobView>, kind: JobInfo['kind'], id?: string | null): JobView | null {
  if (id) return jobs[id] ?? null;
  const all = Object.values(jobs).filter((j) => j.info.kind === kind);
  return all.sort((a, b) => b.info.startedAt.localeCompare(a.info.startedAt))[0] ?? null;
}
