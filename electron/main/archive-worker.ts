// The archive worker thread: the catalog (SQLite) and every job live here, so the main process
// and the window never wait on the database or a hash. Main forwards validated calls; this
// thread answers with the service's Result (validated again by dispatch), resolves media ids,
// and streams job events back.
import { parentPort, workerData } from 'node:worker_threads';
import { dispatch } from '../core/service/dispatch.ts';
import { createArchiveService } from '../core/service/service.ts';
import { MediaError } from '../core/media/resolve.ts';
import { NATIVE_DIR_ENV, sqliteDriverOptions } from '../core/db/native-binding.ts';
import type { ArchiveWorkerData, FromWorker, ToWorker } from './worker-protocol.ts';

const data = workerData as ArchiveWorkerData;
process.env.EVIDENCE_GAZETTEER_SEED ??= data.gazetteerSeed;
// Every evidence set carries the browser verifier; packaged, it is a resource beside the gazetteer.
process.env.EVIDENCE_VERIFY_HTML ??= data.verifyHtml;
// Where openDb finds the SQLite driver built for Electron's ABI (native-binding.ts); threads this
// worker starts (the ingest pool) inherit it.
if (data.nativeDir) process.env[NATIVE_DIR_ENV] ??= data.nativeDir;
try {
  sqliteDriverOptions();
} catch (e) {
  // Said once at start, in the terminal of `npm start`; every archive call then answers the same error.
  console.error(`archive worker: ${e instanceof Error ? e.message : String(e)}`);
}
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

const service = createArchiveService({
  settingsFile: data.settingsFile,
  appInfo: data.appInfo,
  emit: (event) => post({ type: 'event', event }),
});

port.on('message', (m: ToWorker) => {
  if (m.type === 'call') {
    void dispatch(service.handlers, m.channel, m.input, { checkOutput: data.checkOutput }).then((result) => post({ id: m.id, type: 'result', result }));
  } else if (m.type === 'media') {
    service.media(m.ref).then(
      (file) => post({ id: m.id, type: 'media', file, status: 200, message: '' }),
      (e: unknown) => post({ id: m.id, type: 'media', file: null, status: e instanceof MediaError ? e.status : 404, message: e instanceof Error ? e.message : String(e) }),
    );
  } else if (m.type === 'close') {
    void service.close().finally(() => post({ id: m.id, type: 'closed' }));
  }
});
