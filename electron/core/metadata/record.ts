import type { Digests, Kind, MetadataResult, NormalizedRecord } from '../../common/types.ts';

/**
 * The normalized record of an item (issue #2 field names: sha256, bytes, mime, kind, then the
 * metadata fields): what the catalog stores and a `metadata extraction` event's recordSha256
 * covers. Built in one place so the worker that hashes it and the catalog that stores it agree.
 */
export function itemRecord(c: { digests: Digests; bytes: number; mime: string | null; kind: Kind }, meta: MetadataResult): NormalizedRecord {
  return { sha256: c.digests.sha256, bytes: c.bytes, mime: c.mime, kind: c.kind, ...meta.fields };
}
