// Cross-check of the audited reference records (people, places, incidents, case references)
// against the fingerprints their custody events recorded. Part of crossCheckCatalog (catalog.ts).
import type { Db } from '../db/open.ts';
import { getPerson } from '../catalog/people.ts';
import { personFingerprint } from '../catalog/person-audit.ts';
import { placeFingerprint } from '../catalog/place-audit.ts';
import { getPlace } from '../catalog/places.ts';
import { caseFingerprint, incidentFingerprint } from '../catalog/incident-case-audit.ts';
import { getIncident } from '../catalog/incidents.ts';
import { getCase } from '../catalog/cases.ts';
import type { CatalogProblem, LogCheck, ParsedEvent } from './catalog-types.ts';

const tableExists = (db: Db, name: string) => Boolean(db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(name));

/**
 * Every person, place, incident and case has the fingerprint its last custody event recorded
 * (personRecord, placeRecords, incidentRecords, caseRecords), none is in the catalog without such
 * an event, and none the log recorded is missing unless its last event recorded the deletion
 * (incidents and cases). A person whose record differs is named with the consent and sensitive
 * flags the log holds when those are what changed. The schema-004 baseline (`incidents|cases
 * recorded at upgrade …`) may appear once per kind, before any other incidents/cases event: a
 * second one, or one after the audit had begun, means the upgrade was run again (user_version set
 * back) and its fingerprints vouch for whatever the catalog held then.
 */
export function recordsCheck(db: Db): LogCheck {
  const personPrints = new Map<number, { sha256: string; seq: number; consent: unknown; sensitive: unknown }>();
  const placePrints = new Map<string, { sha256: string; seq: number }>();
  // Incidents and cases: the last fingerprint logged per id; null when that event deleted it.
  const incidentPrints = new Map<number, { sha256: string | null; seq: number }>();
  const casePrints = new Map<number, { sha256: string | null; seq: number }>();
  const baselines = { incidents: [] as number[], cases: [] as number[] };
  const late: { noun: 'incidents' | 'cases'; seq: number; after: number }[] = [];
  let firstAudit: number | null = null; // the first incidents/cases event that is not a baseline

  return {
    see(p: ParsedEvent) {
      const { detail } = p;
      if (p.type !== 'metadata modification' || p.item !== null) return;
      const places = detail.placeRecords as Record<string, unknown> | undefined;
      if (places && typeof places === 'object') {
        for (const [id, sha] of Object.entries(places)) if (typeof sha === 'string') placePrints.set(id, { sha256: sha, seq: p.seq });
      }
      for (const [key, noun, prints] of [['incidentRecords', 'incidents', incidentPrints], ['caseRecords', 'cases', casePrints]] as const) {
        const recs = detail[key] as Record<string, unknown> | undefined;
        if (!recs || typeof recs !== 'object') continue;
        if (typeof detail.action === 'string' && detail.action.startsWith(`${noun} recorded at upgrade`)) {
          baselines[noun].push(p.seq);
          if (firstAudit !== null) late.push({ noun, seq: p.seq, after: firstAudit });
        } else {
          firstAudit ??= p.seq;
        }
        for (const [id, sha] of Object.entries(recs)) {
          if (/^[1-9]\d*$/.test(id) && (typeof sha === 'string' || sha === null)) prints.set(Number(id), { sha256: sha, seq: p.seq });
        }
      }
      const pr = detail.personRecord as { id?: unknown; sha256?: unknown; consent?: unknown; sensitive?: unknown } | undefined;
      if (pr && typeof pr.id === 'number' && typeof pr.sha256 === 'string') {
        personPrints.set(pr.id, { sha256: pr.sha256, seq: p.seq, consent: pr.consent, sensitive: pr.sensitive });
      }
    },

    check(problems: CatalogProblem[]) {
      const push = (reason: string) => problems.push({ kind: 'catalog', reason });

      for (const noun of ['incidents', 'cases'] as const) {
        const [first, ...again] = baselines[noun];
        for (const seq of again) {
          push(`custody row ${seq}: a second schema-upgrade baseline of ${noun} (the first is custody row ${first}): the upgrade to schema 4 ran again (user_version set back?), and its fingerprints vouch for ${noun} as the catalog held them then`);
        }
        for (const l of late) {
          if (l.noun === noun && l.seq === first) {
            push(`custody row ${l.seq}: a schema-upgrade baseline of ${noun} after custody row ${l.after} had already audited incidents or cases: the upgrade to schema 4 ran again (user_version set back?), and its fingerprints vouch for ${noun} as the catalog held them then`);
          }
        }
      }

      // People: consent and the sensitive flag decide what a public release shows.
      if (tableExists(db, 'people')) {
        const seen = new Set<number>();
        for (const { id } of db.prepare('SELECT id FROM people ORDER BY id').all() as { id: number }[]) {
          seen.add(id);
          const logged = personPrints.get(id);
          const person = getPerson(db, id)!;
          if (!logged) push(`person ${id}: no custody event records this person's addition`);
          else if (personFingerprint(person) !== logged.sha256) {
            const flags: string[] = [];
            if (logged.consent !== undefined && logged.consent !== person.consent) flags.push(`consent: log says ${String(logged.consent)}, catalog says ${person.consent}`);
            if (logged.sensitive !== undefined && logged.sensitive !== person.sensitive) flags.push(`sensitive: log says ${String(logged.sensitive)}, catalog says ${String(person.sensitive)}`);
            push(`person ${id}: the record (name, dates, residence, consent ${person.consent}, sensitive ${person.sensitive}…) differs from what custody row ${logged.seq} recorded${flags.length ? ` (${flags.join('; ')})` : ''}: changed outside Evidence Archive`);
          }
        }
        for (const [id, logged] of personPrints) {
          if (!seen.has(id)) push(`person ${id}: recorded by custody row ${logged.seq}, but missing from the catalog (deleted?)`);
        }
      }

      // Places: their coordinates name the village a photo is tagged to; their origin decides redaction.
      if (tableExists(db, 'places')) {
        const seen = new Set<string>();
        for (const { id } of db.prepare('SELECT id FROM places ORDER BY id').all() as { id: string }[]) {
          seen.add(id);
          const logged = placePrints.get(id);
          const place = getPlace(db, id)!;
          if (!logged) push(`place ${id}: no custody event records this place's addition`);
          else if (placeFingerprint(place) !== logged.sha256) {
            push(`place ${id}: the record (names, coordinates ${place.lat},${place.lon}, origin ${place.origin}…) differs from what custody row ${logged.seq} recorded: changed outside Evidence Archive`);
          }
        }
        for (const [id, logged] of placePrints) {
          if (!seen.has(id)) push(`place ${id}: recorded by custody row ${logged.seq}, but missing from the catalog (deleted?)`);
        }
      }

      // Incidents and case references: what an evidence set says happened, when and where, and
      // which criminal case it supports. Deleting one through the program logs a null fingerprint.
      const audited = [
        { noun: 'incident', table: 'incidents', prints: incidentPrints, fingerprint: (id: number) => {
          const i = getIncident(db, id)!;
          return { sha256: incidentFingerprint(i), shown: `title ${JSON.stringify(i.title)}, type ${i.type}, started ${i.startedAt ?? 'none'}, ended ${i.endedAt ?? 'none'}, places ${JSON.stringify(i.placeIds)}, description ${JSON.stringify(i.description)}` };
        } },
        { noun: 'case', table: 'cases', prints: casePrints, fingerprint: (id: number) => {
          const c = getCase(db, id)!;
          return { sha256: caseFingerprint(c), shown: `authority ${JSON.stringify(c.authority)}, case number ${JSON.stringify(c.caseNumber)}, articles ${JSON.stringify(c.articles)}, opened ${c.openedOn ?? 'none'}, description ${JSON.stringify(c.description)}` };
        } },
      ] as const;
      for (const { noun, table, prints, fingerprint } of audited) {
        if (!tableExists(db, table)) continue;
        const seen = new Set<number>();
        for (const { id } of db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]) {
          seen.add(id);
          const logged = prints.get(id);
          if (!logged) {
            push(`${noun} ${id}: no custody event records this ${noun}'s addition (added outside Evidence Archive?)`);
            continue;
          }
          if (logged.sha256 === null) {
            push(`${noun} ${id}: custody row ${logged.seq} recorded its deletion, but it is in the catalog (put back outside Evidence Archive?)`);
            continue;
          }
          const now = fingerprint(id);
          if (now.sha256 !== logged.sha256) push(`${noun} ${id}: the record (now ${now.shown}) differs from what custody row ${logged.seq} recorded: changed outside Evidence Archive`);
        }
        for (const [id, logged] of prints) {
          if (!seen.has(id) && logged.sha256 !== null) {
            push(`${noun} ${id}: recorded by custody row ${logged.seq}, but missing from the catalog, and no custody event records its deletion (deleted outside Evidence Archive?)`);
          }
        }
      }
    },
  };
}
