// The MHL hashes an ingest worker computes beside its own digests, for files a card's hash list
// names (ingest/task.ts): kept apart from the catalog's digests, which hold SHA-256, SHA-1 and MD5 only.
import { createMultiHasher, isMhlHashFormat, type MhlHashFormat, type MultiHasher } from './hash.ts';

/** MHL hash values by format (mhl/hash.ts MhlHashFormat), lower-case hex or a C4 ID. */
export type MhlDigests = Partial<Record<MhlHashFormat, string>>;

/** A MultiHasher of the MHL `formats` a task asked for, or null when it asked for none. Unknown names are ignored. */
export async function mhlHashersFor(formats: readonly string[] | undefined): Promise<MultiHasher | null> {
  const known = (formats ?? []).filter(isMhlHashFormat);
  return known.length ? createMultiHasher(known) : null;
}
