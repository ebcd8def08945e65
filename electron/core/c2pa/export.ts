// What an evidence set says of an item's Content Credentials (issue 14 §3), in evidence/items.json.
import type { Db } from '../db/open.ts';
import { getCredentials } from './store.ts';

/**
 * items.json fields for item `itemId`: `credentialsVerdict` (absent, valid-trusted,
 * valid-untrusted, invalid; a scalar, so items.csv gets a column) for an item that was checked,
 * and `credentials`, the whole validation report (signer, signing time, generator, actions,
 * ingredients, codes, library and trust list used), when the file carries a manifest store.
 * An item never checked gets neither. With `verdictOnly` (a reduced set, e.g. a public release,
 * whose items.json leaves out source paths) only the verdict: a report names signers, titles of
 * ingredients and tools, which can name people. The manifest store's bytes stay in the original under data/.
 */
export function credentialFields(db: Db, itemId: number, verdictOnly = false): Record<string, unknown> {
  const c = getCredentials(db, itemId);
  if (!c) return {};
  return { credentialsVerdict: c.verdict, ...(!verdictOnly && (c.verdict !== 'absent' || c.report.error) ? { credentials: c.report } : {}) };
}
