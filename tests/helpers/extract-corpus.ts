// Child-process script for the time-zone test: sniffs and extracts every corpus file and prints
// one JSON object { relPath: { sniff, metadata } } on stdout. Run: node --import tsx <this file>.
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { extractMetadata } from '../../electron/core/metadata/index.ts';
import { loadExpected, MEDIA_DIR } from './corpus.ts';
import { join } from 'node:path';

const out: Record<string, unknown> = {};
for (const rel of Object.keys(loadExpected()).sort()) {
  const path = join(MEDIA_DIR, rel);
  const sniff = await sniffFile(path);
  out[rel] = { sniff, metadata: await extractMetadata(path, sniff.mime, sniff.kind) };
}
process.stdout.write(JSON.stringify(out));
