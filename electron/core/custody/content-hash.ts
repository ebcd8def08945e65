import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/**
 * SHA-256 (lower-case hex) of the RFC 8785 canonical JSON of `value`: what a custody event
 * records about catalog content (a normalized record, raw metadata) so that a later change to
 * that content in the catalog can be detected against the hash chain.
 * Throws TypeError for values JSON cannot represent.
 */
export function contentHash(value: unknown): string {
  const text = canonicalJson(JSON.parse(JSON.stringify(value ?? null)));
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
