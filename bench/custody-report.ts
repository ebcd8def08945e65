// Speed of the custody report (issue 12 §4) for a large set: `node bin/run-ts.mjs bench/custody-report.ts`
// [N=1000]. Ingests the real corpus (../shared/fixtures/media, or $EVIDENCE_SHARED_DIR) into a
// temporary archive, times the model with thumbnails made in memory and taken from derivatives/,
// then repeats the corpus's items (real thumbnails, real custody events) up to N items and times
// the HTML and the PDF.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openArchive } from '../electron/core/archive.ts';
import { listCustodyEvents } from '../electron/core/custody/log.ts';
import { listAllItems } from '../electron/core/db/items.ts';
import { makeMissingThumbnails } from '../electron/core/derivatives/batch.ts';
import { ingest } from '../electron/core/ingest/ingest.ts';
import { buildCustodyReportModel, renderCustodyReportHtml, renderCustodyReportPdf } from '../electron/core/report/index.ts';

const N = Number(process.env.N ?? 1000);
const shared = process.env.EVIDENCE_SHARED_DIR ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'shared');
const media = join(shared, 'fixtures', 'media');
if (!existsSync(media)) throw new Error(`${media}: corpus not found (set EVIDENCE_SHARED_DIR)`);
const work = mkdtempSync(join(tmpdir(), 'report-bench-'));
const mem = () => `${Math.round(process.memoryUsage().rss / 1048576)} MiB RSS`;
const time = async <T>(label: string, f: () => Promise<T> | T, extra: (r: T) => string = () => ''): Promise<T> => {
  const t = performance.now();
  const r = await f();
  console.log(`${label}: ${Math.round(performance.now() - t)} ms ${extra(r)}`);
  return r;
};
try {
  const archive = await openArchive(join(work, 'archive'), { write: true, create: true });
  await ingest(archive, { inputs: [media], operator: 'bench' });
  const items = listAllItems(archive.db);
  const base = {
    itemIds: items.map((i) => i.id), bagPaths: items.map((i) => `data/${i.id}`), redacted: false, lang: 'ru' as const,
    excerptEvents: listCustodyEvents(archive.db, { items: items.map((i) => i.record.sha256) }),
    set: { exportId: 'export-bench', createdAt: new Date().toISOString(), actor: 'bench', manifestSha256: 'a'.repeat(64), signer: null },
  };
  console.log(`corpus: ${items.length} items (${items.filter((i) => i.record.kind === 'image' || i.record.kind === 'video').length} photos and videos)`);
  await time('model, no thumbnails', () => buildCustodyReportModel(archive.db, archive.objectsDir, { ...base, noThumbnails: true }));
  await time('model, thumbnails and posters made in memory', () => buildCustodyReportModel(archive.db, archive.objectsDir, base), () => mem());
  await time('(makeMissingThumbnails)', () => makeMissingThumbnails(archive));
  const model = await time('model, thumbnails from derivatives/', () => buildCustodyReportModel(archive.db, archive.objectsDir, { ...base, derivativesDir: archive.derivativesDir }));
  await archive.close();
  const big = { ...model, items: Array.from({ length: N }, (_, i) => model.items[i % model.items.length]!) };
  big.set = { ...model.set, itemCount: N };
  console.log(`repeated to ${N} items, ${big.items.filter((i) => i.thumbnail).length} with a picture`);
  await time('html', () => renderCustodyReportHtml(big), (h) => `${(h.length / 1048576).toFixed(1)} MiB`);
  await time('pdf', () => renderCustodyReportPdf(big), (p) => `${(p.length / 1048576).toFixed(1)} MiB, ${mem()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
