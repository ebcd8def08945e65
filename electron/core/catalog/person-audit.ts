// Changes to people are audited like changes to evidence: who someone is, whether they consented
// to publication and whether they are flagged sensitive decide what a public release shows, so an
// edit made behind the program's back (directly in SQLite) must be detectable. The custody log
// is append-only and can never be erased, so it records a fingerprint of the person's record
// and the two publication flags, never the personal data itself.
import type { Person } from '../../common/catalog.ts';
import { resolveOperator } from '../archive.ts';
import { contentHash } from '../custody/content-hash.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { Db } from '../db/open.ts';

/**
 * SHA-256 (hex) of the RFC 8785 JSON of a person's fields (id and everything a user can set;
 * not the created/updated timestamps). Equal fingerprints mean equal records.
 */
export function personFingerprint(p: Person): string {
  return contentHash({
    id: p.id, name: p.name, nameLatin: p.nameLatin, sex: p.sex, birthDate: p.birthDate, ageAtHarm: p.ageAtHarm,
    residencePlaceId: p.residencePlaceId, statuses: p.statuses, harmDate: p.harmDate, description: p.description,
    consent: p.consent, sensitive: p.sensitive, externalId: p.externalId,
  });
}

/**
 * Appends an archive-wide `metadata modification` custody event (PREMIS 3.0 eventType) for a
 * person added or edited: `{outcome, action: 'person added'|'person edited', personRecord: {id,
 * sha256, consent, sensitive}}`. Call inside the transaction that made the change. `actor`
 * defaults to resolveOperator(). Throws SQLite errors.
 */
export function logPersonChange(db: Db, p: Person, action: 'added' | 'edited', actor?: string): void {
  appendCustodyEvent(db, {
    actor: actor ?? resolveOperator(), type: 'metadata modification', item: null,
    detail: { outcome: 'success', action: `person ${action}`, personRecord: { id: p.id, sha256: personFingerprint(p), consent: p.consent, sensitive: p.sensitive } },
  });
}
