// The sandboxed preload (bundled to CommonJS: dist-electron/preload.cjs). Exposes
// `window.evidence` — one function per IPC channel, job-event subscription, media URLs, the path
// of a dropped file — and never ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createEvidenceApi } from '../common/bridge-api.ts';
import { appMediaUrl, ipcName, JOB_EVENT_CHANNEL, type JobEvent, type Result } from '../common/ipc.ts';

contextBridge.exposeInMainWorld('evidence', createEvidenceApi({
  invoke: (channel, input) => ipcRenderer.invoke(ipcName(channel), input) as Promise<Result<unknown>>,
  subscribe(listener) {
    const handler = (_e: unknown, ev: JobEvent) => listener(ev);
    ipcRenderer.on(JOB_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(JOB_EVENT_CHANNEL, handler);
    };
  },
  mediaUrl: appMediaUrl,
  pathForFile: (file) => {
    try {
      return webUtils.getPathForFile(file as File);
    } catch {
      return '';
    }
  },
}));
