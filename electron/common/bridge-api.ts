// Builds the `window.evidence` object from a transport, so the Electron preload (ipcRenderer)
// and the test host's preload (HTTP) expose exactly the same API: one function per channel of
// common/ipc.ts, job-event subscription, media URLs, dropped-file paths, and nothing else.
import { CHANNEL_NAMES, fail, type Channel, type MediaUrlVariant, type EvidenceApi, type JobEvent, type Result } from './ipc.ts';

export interface BridgeTransport {
  /** Sends one call; must resolve to the Result the other side answered (never reject). */
  invoke(channel: Channel, input: unknown): Promise<Result<unknown>>;
  /** Delivers job events to `listener` until the returned function is called. */
  subscribe(listener: (ev: JobEvent) => void): () => void;
  mediaUrl(variant: MediaUrlVariant, id: number): string;
  pathForFile(file: unknown): string;
}

/** The API object to expose; every function is a plain closure (contextBridge copies them). */
export function createEvidenceApi(t: BridgeTransport): EvidenceApi {
  const api: Record<string, unknown> = {};
  for (const c of CHANNEL_NAMES) {
    api[c] = (input: unknown) => t.invoke(c, input ?? {}).catch((e: unknown) => fail('INTERNAL', `${c}: ${e instanceof Error ? e.message : String(e)}`));
  }
  api.onJobEvent = (listener: (ev: JobEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onJobEvent needs a function');
    return t.subscribe(listener);
  };
  api.mediaUrl = (variant: MediaUrlVariant, id: number) => t.mediaUrl(variant, id);
  api.pathForFile = (file: unknown) => t.pathForFile(file);
  return Object.freeze(api) as EvidenceApi;
}
