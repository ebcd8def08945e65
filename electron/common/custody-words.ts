// What a custody event did, as a message key and its values, for the desktop's Item timeline
// (renderer/src/i18n: custody.line.<key>, in en, ru and ky). The sentences follow the custody
// report's (core/report/words.ts describeEvent, which `evidence log` prints): the renderer cannot
// import core, so the choice of sentence is made here, from the event's detail as ingest, verify,
// tagging, export, transfer and signing write it. Plain data: no node:*; imports only common/.
import { sourceListFacts } from './hashlist-words.ts';

/** The fields of a custody event this module reads (CustodyEvent of common/types.ts has them). */
export interface CustodyEventLike {
  type: string;
  item: string | null;
  detail: Record<string, unknown>;
}

/** A sentence to show: a key under custody.line, the values it names, and values to format first. */
export interface CustodySummary {
  key: 'ingestion' | 'ingestionNoSource' | 'ingestionDuplicate' | 'digest' | 'replication' | 'replicationReused' | 'replicationReplaced'
    | 'metadata' | 'metadataFailed' | 'metadataNone' | 'tagging' | 'modification' | 'fixityPass' | 'fixityFail' | 'fixityRun'
    | 'dissemination' | 'disseminationTo' | 'transfer' | 'transferVerified' | 'seal' | 'timestamp' | 'validation' | 'other'
    | 'recoveryReplica' | 'recoveryFile' | 'recoveryAcknowledged' | 'replicaRemoved' | 'replicaSync' | 'replicaCheck' | 'replicaCheckFail' | 'redaction'
    | 'srcPass' | 'srcMissing' | 'srcAltered' | 'srcInvalid' | 'srcRejected' | 'srcSummary';
  /** Text values by placeholder name (list, entry, differences for a card's hash-list check; source, name, host, algs, tools, error, action, exportId, path, recipient, seq, tsa, time, items, problems, type, outcome, reason, copied, present, failed, intact, checked). */
  vars: Record<string, string>;
  /** A byte count for the {{size}} placeholder, to format in the reader's language. */
  bytes?: number;
  /** Catalog fields a tagging changed (places, people, incidents, cases, tags, description, notes), for {{fields}}, to translate. */
  fields?: string[];
}

/** True when the event's detail.outcome records a failure ("fail", "failure", in any case). */
export const isFailedEvent = (e: CustodyEventLike): boolean => typeof e.detail.outcome === 'string' && /^fail/iu.test(e.detail.outcome);

export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
export const ALG_NAMES: Record<string, string> = { sha256: 'SHA-256', sha1: 'SHA-1', md5: 'MD5' };
export const algList = (v: unknown): string => {
  const names = Array.isArray(v) ? v.map(String) : v && typeof v === 'object' ? Object.keys(v) : [];
  return names.map((a) => ALG_NAMES[a] ?? a).join(', ') || 'SHA-256';
};
export const TAG_FIELDS = ['places', 'people', 'incidents', 'cases', 'tags', 'description', 'notes'] as const;

/**
 * What event `e` did, as the custody report would say it (describeEvent): the sentence's key and
 * values. A failed fixity check of an item gives `fixityFail` (the timeline adds what was found,
 * common/fixity.ts); an archive-wide fixity run gives its counts; an event type not known here
 * gives `other` with its PREMIS type and outcome.
 */
export function custodySummary(e: CustodyEventLike): CustodySummary {
  const x = e.detail;
  const outcome = str(x.outcome) ?? '';
  switch (e.type) {
    case 'ingestion': {
      const name = str(x.fileName) ?? '';
      const source = str(x.sourcePath);
      const bytes = typeof x.bytes === 'number' ? { bytes: x.bytes } : {};
      if (outcome.startsWith('duplicate')) return { key: 'ingestionDuplicate', vars: { source: source ?? name } };
      if (!source) return { key: 'ingestionNoSource', vars: { name }, ...bytes };
      return { key: 'ingestion', vars: { source, name, host: str(x.host) ?? '?' }, ...bytes };
    }
    case 'message digest calculation':
      return { key: 'digest', vars: { algs: algList(x.digests ?? x.algorithms) } };
    case 'replication':
      if (x.action === 'replica removed') return { key: 'replicaRemoved', vars: { name: str(x.replica) ?? '?', copies: String(typeof x.copies === 'number' ? x.copies : 0) } };
      if (x.action === 'replica sync') {
        const n = (v: unknown) => (typeof v === 'number' ? v : 0);
        return { key: 'replicaSync', vars: { name: str(x.replica) ?? '?', copied: String(n(x.copied) + n(x.replaced)), present: String(n(x.alreadyPresent) + n(x.adopted)), failed: String(n(x.failed)) } };
      }
      return { key: x.replacedDamagedObject ? 'replicationReplaced' : x.reusedExistingObject ? 'replicationReused' : 'replication', vars: {} };
    case 'metadata extraction':
      if (/^fail/iu.test(outcome)) return { key: 'metadataFailed', vars: { error: str(x.error) ?? '?' } };
      return Array.isArray(x.tool) && x.tool.length ? { key: 'metadata', vars: { tools: x.tool.join(', ') } } : { key: 'metadataNone', vars: {} };
    case 'metadata modification': {
      if (x.action === 'tagging' && x.before && x.after && typeof x.before === 'object' && typeof x.after === 'object') {
        const b = x.before as Record<string, unknown>;
        const a = x.after as Record<string, unknown>;
        // Which fields changed, never their values: those are on the screen above.
        return { key: 'tagging', vars: {}, fields: TAG_FIELDS.filter((f) => JSON.stringify(b[f] ?? null) !== JSON.stringify(a[f] ?? null)) };
      }
      return { key: 'modification', vars: { action: str(x.action) ?? '—' } };
    }
    case 'fixity check': {
      // A card's file against the card's own hash list (core/mhl/ingest-check.ts): about the card, not the archive's copy.
      const src = sourceListFacts(e);
      if (src) {
        const key = ({ pass: 'srcPass', missing: 'srcMissing', altered: 'srcAltered', invalid: 'srcInvalid', rejected: 'srcRejected', summary: 'srcSummary' } as const)[src.verdict];
        return { key, vars: { list: src.list, entry: src.entry, algs: src.algs || '—', differences: src.differences.join('; '), reason: src.reason, missing: String(src.missing), invalid: String(src.invalid) } };
      }
      if (x.scope === 'replica') {
        const n = (v: unknown) => (typeof v === 'number' ? v : 0);
        const problems = n(x.missing) + n(x.altered) + n(x.unreadable);
        return { key: problems ? 'replicaCheckFail' : 'replicaCheck', vars: { name: str(x.replica) ?? '?', intact: String(n(x.intact)), checked: String(n(x.copiesChecked)), problems: String(problems) } };
      }
      if (e.item === null && (x.scope === 'archive' || x.scope === 'selection')) {
        return { key: 'fixityRun', vars: { items: String(typeof x.itemsChecked === 'number' ? x.itemsChecked : '?'), problems: String(typeof x.problems === 'number' ? x.problems : 0) } };
      }
      if (outcome === 'pass') return { key: 'fixityPass', vars: { algs: algList(x.algorithms) } };
      return { key: 'fixityFail', vars: { reason: str(x.reason) ?? outcome } };
    }
    case 'dissemination': {
      const vars = { exportId: str(x.exportId) ?? '?', path: str(x.path) ?? '?', recipient: str(x.recipient) ?? '' };
      return { key: vars.recipient ? 'disseminationTo' : 'dissemination', vars };
    }
    case 'transfer':
      return { key: x.bagVerified === true ? 'transferVerified' : 'transfer', vars: { exportId: str(x.exportId) ?? '?', recipient: str(x.recipient) ?? '?' } };
    case 'digital signature generation':
      if (x.action === 'seal') return { key: 'seal', vars: { seq: String((x.seal as { seq?: unknown } | undefined)?.seq ?? '?') } };
      if (x.action === 'timestamp') return { key: 'timestamp', vars: { exportId: str(x.exportId) ?? '?', tsa: str(x.tsaName) ?? str(x.tsa) ?? '?', time: str(x.genTime) ?? '?' } };
      return { key: 'other', vars: { type: e.type, outcome: outcome || '—' } };
    case 'recovery': {
      // Where the good copy came from; what was wrong is the failed check just before it on the timeline.
      const src = (x.restoredFrom ?? {}) as Record<string, unknown>;
      if (x.acknowledged === true) return { key: 'recoveryAcknowledged', vars: {} };
      return src.kind === 'file' ? { key: 'recoveryFile', vars: { name: str(src.fileName) ?? '?' } } : { key: 'recoveryReplica', vars: { name: str(src.replica) ?? '?' } };
    }
    case 'validation':
      // C2PA Content Credentials (core/c2pa/store.ts validationDetail); the timeline translates the verdict.
      return { key: 'validation', vars: { verdict: str(x.verdict) ?? outcome, signer: str(x.signer) ?? '—', codes: Array.isArray(x.codes) && x.codes.length ? x.codes.map(String).join(', ') : '—' } };
    case 'redaction': {
      // Names of the metadata groups removed and a count of boxes; the event holds no removed value.
      const der = (x.derivative ?? {}) as Record<string, unknown>;
      const rem = (x.removed ?? {}) as Record<string, unknown>;
      const groups = Array.isArray(rem.metadataGroups) && rem.metadataGroups.length ? rem.metadataGroups.map(String).join(', ') : '—';
      return { key: 'redaction', vars: { sha256: str(der.sha256) ?? '?', mime: str(der.mime) ?? '?', groups, boxes: String(typeof rem.blurredBoxes === 'number' ? rem.blurredBoxes : 0) } };
    }
    default:
      return { key: 'other', vars: { type: e.type, outcome: outcome || '—' } };
  }
}
