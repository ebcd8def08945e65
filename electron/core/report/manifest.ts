// The payload manifest's SHA-256 before the bag is written: the report is a tag file, written
// before the manifests, yet its cover gives manifest-sha256.txt's checksum. The catalog already
// holds every payload file's SHA-256 (writeBag stops the export if a copy does not match it), so
// the manifest's text is known in advance.
import { createHash } from 'node:crypto';
import { encodeManifestPath } from '../export/bagit.ts';

/**
 * SHA-256 (lower-case hex) of the manifest-sha256.txt that writeBag (export/bagit.ts) writes for
 * `payload` (each file's path under data/, without "data/", and its SHA-256): RFC 8493 §2.1.3
 * lines "<hex>  data/<encoded path>\n", sorted by the UTF-8 bytes of the path, as writeBag sorts
 * them (tests/integration/custody-report.test.ts compares the two on a written bag).
 */
export function payloadManifestSha256(payload: readonly { path: string; sha256: string }[]): string {
  const lines = payload.map((p) => ({ path: `data/${p.path}`, hex: p.sha256.toLowerCase() }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')));
  return createHash('sha256').update(lines.map((l) => `${l.hex}  ${encodeManifestPath(l.path)}\n`).join(''), 'utf8').digest('hex');
}
