import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root. */
export const REPO_ROOT = resolve(here, '..', '..');

/** ../shared beside the repository (CI always has it; a contributor's clone may not). */
export const SHARED_DIR = process.env.EVIDENCE_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');

/** The real-media corpus with expected.json. */
export const MEDIA_DIR = join(SHARED_DIR, 'fixtures', 'media');

/** True when the shared corpus is present; tests that need it use `describe.skipIf(!HAS_CORPUS)`. */
export const HAS_CORPUS = existsSync(join(MEDIA_DIR, 'expected.json'));

export interface ExpectedEntry {
  sha256: string;
  bytes: number;
  mime: string | null;
  mimeSniffedByFile?: string;
  kind: string;
  make: string | null;
  model: string | null;
  capturedAt: string | null;
  gps: { lat: number; lon: number; alt?: number; source?: string } | null;
  orientation: number | null;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  [k: string]: unknown;
}

/** expected.json keyed by path relative to MEDIA_DIR. Empty object when the corpus is absent. */
export function loadExpected(): Record<string, ExpectedEntry> {
  if (!HAS_CORPUS) return {};
  return JSON.parse(readFileSync(join(MEDIA_DIR, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>;
}
