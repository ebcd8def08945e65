// The renderer's only door to the archive: `window.evidence`, which the preload (or the test
// host's stand-in) defines with the typed API of common/ipc.ts. Nothing else in the renderer
// touches the bridge.
import type { Channel, ChannelInput, ChannelOutput, EvidenceApi, IpcError, JobEvent, MediaUrlVariant } from '../../electron/common/ipc.ts';

declare global {
  interface Window {
    evidence?: EvidenceApi;
  }
}

/** An error answered by a channel, with its code for the message catalogue. */
export class BridgeError extends Error {
  constructor(readonly code: IpcError['code'], message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

function api(): EvidenceApi {
  if (!window.evidence) throw new BridgeError('INTERNAL', 'window.evidence is missing: the preload did not run');
  return window.evidence;
}

/** Calls `channel` and returns its value; throws BridgeError with the channel's error otherwise. */
export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const fn = api()[channel] as (i: ChannelInput<C>) => Promise<{ ok: true; value: ChannelOutput<C> } | { ok: false; error: IpcError }>;
  const r = await fn(input);
  if (!r.ok) throw new BridgeError(r.error.code, r.error.message);
  return r.value;
}

/** Subscribes to job events; returns the unsubscribe function. */
export function onJobEvent(listener: (ev: JobEvent) => void): () => void {
  return api().onJobEvent(listener);
}

/** The path of a dropped file ('' where the platform cannot tell). */
export function pathForFile(file: File): string {
  return api().pathForFile(file);
}

/** URL of an item's original or thumbnail. */
export function mediaUrl(variant: MediaUrlVariant, id: number): string {
  return api().mediaUrl(variant, id);
}
