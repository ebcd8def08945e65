// The loopback test host's stand-in for electron/preload: defines `window.evidence` with the
// same API (common/bridge-api.ts) over HTTP: calls are POST /__ipc/<channel>, job events come
// as server-sent events from /__events, media from /media/<variant>/<id>. Bundled to an IIFE
// by host.ts and injected before the page's own scripts.
import { createEvidenceApi } from '../../electron/common/bridge-api.ts';
import type { JobEvent, Result } from '../../electron/common/ipc.ts';

const listeners = new Set<(ev: JobEvent) => void>();
let source: EventSource | null = null;

(window as unknown as { evidence: unknown }).evidence = createEvidenceApi({
  async invoke(channel, input) {
    const res = await fetch(`/__ipc/${encodeURIComponent(channel)}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
    return (await res.json()) as Result<unknown>;
  },
  subscribe(listener) {
    listeners.add(listener);
    if (!source) {
      source = new EventSource('/__events');
      source.onmessage = (m) => {
        const ev = JSON.parse(m.data as string) as JobEvent;
        for (const l of listeners) l(ev);
      };
    }
    return () => listeners.delete(listener);
  },
  mediaUrl: (variant, id) => `/media/${variant}/${id}`,
  // Electron's webUtils.getPathForFile in the app. A test simulating a drop from the file manager
  // names the paths of its File objects in window.__evidenceTestPaths (by file name): a File put
  // into a DataTransfer comes out as another object, so a property set on it would be lost.
  pathForFile: (file) => {
    const name = (file as { name?: unknown } | null)?.name;
    const paths = (window as unknown as { __evidenceTestPaths?: Record<string, string> }).__evidenceTestPaths;
    return typeof name === 'string' && paths && Object.hasOwn(paths, name) ? paths[name]! : '';
  },
});
