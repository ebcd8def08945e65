// Messages between Electron main and the archive worker thread (archive-worker.ts).
import type { JobEvent, Result, ServiceChannel } from '../common/ipc.ts';
import type { MediaFile, MediaRef } from '../core/media/resolve.ts';

/** Data the worker starts with. */
export interface ArchiveWorkerData {
  settingsFile: string;
  appInfo: { version: string; platform: string; packaged: boolean };
  /** The shipped gazetteer seed (resources/gazetteer/places.csv), wherever packaging put it. */
  gazetteerSeed: string;
  /** resources/verify/VERIFY.html, copied into every evidence set. */
  verifyHtml: string;
  /** Check outputs against the IPC contract (development builds). */
  checkOutput: boolean;
  /**
   * The native/ folder holding the SQLite driver built for Electron (scripts/electron-native.mjs):
   * the repository's under `npm start`, <resources>/native when packaged. Absent under Node.
   */
  nativeDir?: string;
}

export type ToWorker =
  | { id: number; type: 'call'; channel: ServiceChannel; input: unknown }
  | { id: number; type: 'media'; ref: MediaRef }
  | { id: number; type: 'close' };

export type FromWorker =
  | { id: number; type: 'result'; result: Result<unknown> }
  | { id: number; type: 'media'; file: MediaFile | null; status: number; message: string }
  | { id: number; type: 'closed' }
  | { type: 'event'; event: JobEvent };
