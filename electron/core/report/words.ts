// Values of the report in words: sizes, times, coordinates, people, places, incidents, cases and
// custody events (PREMIS 3.0 event types, as electron/core/ingest, custody/transfer.ts,
// export/evidence-set.ts, verify/fixity.ts and catalog/tagging.ts write their details) in plain
// sentences. Shared by the HTML and the PDF so both say exactly the same.
import { algList, str, TAG_FIELDS } from '../../common/custody-words.ts';
import { fixityFinding, type FixityFinding } from '../../common/fixity.ts';
import { sourceListFacts } from '../../common/hashlist-words.ts';
import { dict, fill, word } from './i18n.ts';
import type { ReportCase, ReportEvent, ReportIncident, ReportItem, ReportLang, ReportPerson, ReportPlace } from './model.ts';

const LOCALE: Record<ReportLang, string> = { en: 'en-GB', ru: 'ru-RU', ky: 'ky-KG' };

// Grouping with a no-break space (ru/ky use U+202F, which not every viewer's copy-paste keeps).
const formats = new Map<string, Intl.NumberFormat>();
function number(lang: ReportLang, n: number, digits = 0): string {
  const key = `${lang}${digits}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return f.format(n).replace(/[\u202f\u2009]/gu, '\u00a0');
}

const UNITS: Record<ReportLang, string[]> = {
  en: ['KB', 'MB', 'GB', 'TB'],
  ru: ['КБ', 'МБ', 'ГБ', 'ТБ'],
  ky: ['КБ', 'МБ', 'ГБ', 'ТБ'],
};

/** "2.4 MB (2,431,112 bytes)"; bytes alone below 1 KB. Units of 1024. */
export function formatBytes(lang: ReportLang, bytes: number): string {
  const exact = `${number(lang, bytes)}\u00a0${dict(lang).bytesUnit}`;
  if (bytes < 1024) return exact;
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < UNITS[lang].length - 1) {
    v /= 1024;
    u++;
  }
  return `${number(lang, v, 1)}\u00a0${UNITS[lang][u]} (${exact})`;
}

/** A UTC ISO 8601 instant as "2026-01-02 10:04:05 UTC" (no milliseconds); other text as given. */
export function formatUtc(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/u.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/**
 * A capture time as stored, readable: "2021-04-29 10:00:00 (UTC+06:00)", "… UTC" for Z, and the
 * bare wall time when the file gives no zone.
 */
export function formatCaptured(stored: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/u.exec(stored);
  if (!m) return stored;
  const zone = m[4] === undefined ? '' : m[4] === 'Z' ? ' UTC' : ` (UTC${m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4]})`;
  return `${m[1]} ${m[2]}${m[3] ?? ''}${zone}`;
}

/** Decimal degrees with hemisphere letters and the altitude: "39.94910° N, 70.52804° E, altitude 1020 m". */
export function formatGps(lang: ReportLang, gps: NonNullable<ReportItem['gps']>): string {
  if (gps.noFix) return dict(lang).gpsNoFix;
  const lat = `${Math.abs(gps.lat).toFixed(6)}° ${gps.lat < 0 ? 'S' : 'N'}`;
  const lon = `${Math.abs(gps.lon).toFixed(6)}° ${gps.lon < 0 ? 'W' : 'E'}`;
  const alt = gps.alt === null ? '' : `, ${fill(dict(lang).altitude, { m: number(lang, gps.alt, 0) })}`;
  return `${lat}, ${lon} (${gps.lat.toFixed(6)}, ${gps.lon.toFixed(6)})${alt}`;
}

/** "1 h 02 min 05.3 s" style as h:mm:ss.s. */
export function formatDuration(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec - h * 3600 - m * 60;
  const ss = s.toFixed(1).padStart(4, '0');
  return `${h}:${String(m).padStart(2, '0')}:${ss}`;
}

export const kindWord = (lang: ReportLang, kind: string) => word(lang, `kind_${kind}`, kind);

export const placeWord = (lang: ReportLang, p: ReportPlace) => (p.name === null ? `${p.id} (${dict(lang).placeWithheld})` : `${p.name} [${p.id}]`);

export const personWord = (lang: ReportLang, p: ReportPerson) =>
  `${p.label}${p.pseudonym ? ` (${dict(lang).identityWithheld})` : ''} — ${word(lang, `role_${p.role}`, p.role)}`;

export function incidentWord(lang: ReportLang, i: ReportIncident): string {
  const dates = [i.startedAt, i.endedAt].filter(Boolean).map((d) => formatCaptured(d!)).join(' – ');
  const type = word(lang, `inc_${i.type}`, i.type);
  return [`#${i.id}`, i.title ? `${i.title} (${type})` : type, dates].filter(Boolean).join(', ');
}

export function caseWord(lang: ReportLang, c: ReportCase): string {
  const d = dict(lang);
  if (c.authority === null && c.caseNumber === null) return [fill(d.caseRecord, { id: c.id }), c.openedOn ? fill(d.openedOn, { d: c.openedOn }) : ''].filter(Boolean).join(', ');
  return [c.authority, c.caseNumber ? fill(d.caseNumber, { n: c.caseNumber }) : '', c.articles.length ? fill(d.caseArticles, { a: c.articles.join('; ') }) : '',
    c.openedOn ? fill(d.openedOn, { d: c.openedOn }) : ''].filter(Boolean).join(', ');
}


/**
 * One custody event in a sentence of `lang`: what happened to the file, by the event's detail.
 * A failed fixity check says FAILED (in every language) with its reason; an event type this
 * report does not know is given by its PREMIS type and outcome. `sizeOf` formats a byte count.
 */
export function describeEvent(lang: ReportLang, e: ReportEvent): string {
  const d = dict(lang);
  const x = e.detail;
  const outcome = str(x.outcome) ?? '';
  if (e.itemRun !== undefined) return fill(d.ev_fixityRunPass, { run: String(e.itemRun), items: String(typeof x.itemsChecked === 'number' ? x.itemsChecked : '?') });
  switch (e.type) {
    case 'ingestion': {
      const name = str(x.fileName) ?? '';
      const source = str(x.sourcePath);
      const size = typeof x.bytes === 'number' ? formatBytes(lang, x.bytes) : '';
      if (outcome.startsWith('duplicate')) return fill(d.ev_ingestionDuplicate, { source: source ?? name });
      if (!source) return fill(d.ev_ingestionNoSource, { name, size });
      return fill(d.ev_ingestion, { source, name, size, host: str(x.host) ?? '?' });
    }
    case 'message digest calculation':
      return fill(d.ev_digest, { algs: algList(x.digests ?? x.algorithms) });
    case 'replication':
      if (x.action === 'replica removed') return fill(d.ev_replicaRemoved, { name: str(x.replica) ?? '?', copies: String(typeof x.copies === 'number' ? x.copies : 0) });
      if (x.action === 'replica sync') {
        const n = (v: unknown) => String(typeof v === 'number' ? v : 0);
        const synced = fill(Number(n(x.failed)) > 0 ? d.ev_replicaSyncPartial : d.ev_replicaSync, { name: str(x.replica) ?? '?', copied: String(Number(n(x.copied)) + Number(n(x.replaced))), present: String(Number(n(x.alreadyPresent)) + Number(n(x.adopted))), failed: n(x.failed) });
        return [synced, namedCopies(lang, d.replica_lost, x.vanishedItems, Number(n(x.vanished))), namedCopies(lang, d.replica_notCopied, x.failedItems, Number(n(x.failed)))].filter(Boolean).join(' ');
      }
      return [d.ev_replication, x.replacedDamagedObject ? d.ev_replicationReplaced : x.reusedExistingObject ? d.ev_replicationReused : ''].filter(Boolean).join(' ');
    case 'metadata extraction':
      if (outcome === 'failure') return fill(d.ev_metadataFailed, { error: str(x.error) ?? '?' });
      return Array.isArray(x.tool) && x.tool.length ? fill(d.ev_metadata, { tools: x.tool.join(', ') }) : d.ev_metadataNone;
    case 'metadata modification': {
      if (x.action === 'tagging' && x.before && x.after && typeof x.before === 'object' && typeof x.after === 'object') {
        const b = x.before as Record<string, unknown>;
        const a = x.after as Record<string, unknown>;
        // Which fields changed, never their values: the values are in the report's fields above.
        const changed = TAG_FIELDS.filter((f) => JSON.stringify(b[f] ?? null) !== JSON.stringify(a[f] ?? null));
        return fill(d.ev_tagging, { fields: changed.map((f) => d[`field_${f}`]).join(', ') || d.none });
      }
      return fill(d.ev_modification, { action: str(x.action) ?? '—' });
    }
    case 'fixity check': {
      if (x.scope === 'replica') return replicaCheckWords(lang, x);
      // A card's file against the card's own hash list: about the card, never the archive's copy.
      const src = sourceListFacts({ type: e.type, detail: x });
      if (src) {
        const key = ({ pass: 'ev_srcPass', missing: 'ev_srcMissing', altered: 'ev_srcAltered', invalid: 'ev_srcInvalid', rejected: 'ev_srcRejected', summary: 'ev_srcSummary' } as const)[src.verdict];
        return fill(d[key], { list: src.list, entry: src.entry, algs: src.algs || '—', differences: src.differences.join('; '), reason: src.reason, missing: String(src.missing), invalid: String(src.invalid) }).trimEnd();
      }
      if (outcome === 'pass') return fill(d.ev_fixityPass, { algs: algList(x.algorithms) });
      // What was found, in the report's language, from the finding's fields; the verifier's own
      // (English) reason only when the event records nothing this report can read.
      const f = fixityFinding({ type: e.type, detail: x });
      return fill(d.ev_fixityFail, { reason: f ? findingWords(lang, f) : str(x.reason) ?? outcome });
    }
    case 'dissemination': {
      const vars = { exportId: str(x.exportId) ?? '?', path: str(x.path) ?? '?', recipient: str(x.recipient) ?? '' };
      return fill(vars.recipient ? d.ev_disseminationTo : d.ev_dissemination, vars);
    }
    case 'transfer': {
      const vars = { exportId: str(x.exportId) ?? '?', recipient: str(x.recipient) ?? '?' };
      return fill(x.bagVerified === true ? d.ev_transferVerified : d.ev_transfer, vars);
    }
    case 'digital signature generation':
      // Archive-wide events (a seal of the chain, a timestamp of a set): the report names what was signed.
      if (x.action === 'seal') return fill(d.ev_seal, { seq: String((x.seal as { seq?: unknown } | undefined)?.seq ?? '?') });
      if (x.action === 'timestamp') return fill(d.ev_timestamp, { exportId: str(x.exportId) ?? '?', tsa: str(x.tsaName) ?? str(x.tsa) ?? '?', time: str(x.genTime) ?? '?' });
      return fill(d.ev_other, { type: e.type, outcome: outcome || '—' });
    case 'recovery':
      return recoveryWords(lang, x);
    case 'validation': {
      // C2PA Content Credentials (core/c2pa/store.ts validationDetail): the verdict, who signed, the failure codes.
      const verdict = str(x.verdict) ?? outcome;
      const vd = (d as Record<string, string>)[`ev_verdict_${verdict}`] ?? verdict;
      const codes = Array.isArray(x.codes) ? x.codes.map(String) : [];
      const trustList = x.trustList as { name?: unknown; anchors?: unknown } | undefined;
      return fill(d.ev_validation, {
        verdict: vd, signer: str(x.signer) ? fill(d.ev_validationSigner, { signer: str(x.signer)! }) : '',
        codes: codes.length ? fill(d.ev_validationCodes, { codes: codes.join(', ') }) : '', library: str(x.library) ?? '?',
        trust: `${str(trustList?.name) ?? '?'}${typeof trustList?.anchors === 'number' && trustList.anchors ? ` (${trustList.anchors})` : ''}`,
      });
    }
    case 'redaction': {
      // Names of what was removed, never values: the event itself holds none (redact/redact.ts).
      const der = (x.derivative ?? {}) as Record<string, unknown>;
      const rem = (x.removed ?? {}) as Record<string, unknown>;
      const groups = Array.isArray(rem.metadataGroups) && rem.metadataGroups.length ? rem.metadataGroups.map(String).join(', ') : d.none;
      const tool = (x.tool ?? {}) as Record<string, unknown>;
      return fill(d.ev_redaction, { sha256: str(der.sha256) ?? '?', mime: str(der.mime) ?? '?', tool: [str(tool.name), str(tool.version)].filter(Boolean).join(' ') || '?', groups, boxes: String(typeof rem.blurredBoxes === 'number' ? rem.blurredBoxes : 0) });
    }
    default:
      return fill(d.ev_other, { type: e.type, outcome: /^fail/iu.test(outcome) ? d.ev_outcomeFailed : outcome || '—' });
  }
}

/**
 * A `recovery` event (replica/repair.ts) in words of `lang`: what was wrong with the stored copy
 * (its finding) and where the good copy came from (a replica by name, a file by its name only).
 */
function recoveryWords(lang: ReportLang, x: Record<string, unknown>): string {
  const d = dict(lang);
  if (x.acknowledged === true) return d.ev_recoveryAcknowledged;
  const f = (x.finding ?? {}) as { kind?: unknown; found?: Record<string, string>; notAFile?: unknown; linkTarget?: unknown };
  // What stood at the object's place, when it was not a file (fixity9 §4): never only "missing".
  const other = f.notAFile === 'symbolic link' ? fill(d.recovery_symlink, { target: str(f.linkTarget) ?? '?' }) : f.notAFile === 'folder' ? d.recovery_folder
    : f.notAFile === 'named pipe' ? d.recovery_pipe : typeof f.notAFile === 'string' ? fill(d.recovery_notAFile, { what: f.notAFile }) : null;
  const what = f.kind === 'altered' ? fill(d.recovery_altered, { found: f.found?.sha256 ?? '?' }) : f.kind === 'unreadable' ? d.recovery_unreadable : other ?? d.recovery_missing;
  const src = (x.restoredFrom ?? {}) as { kind?: unknown; replica?: unknown; fileName?: unknown };
  const from = src.kind === 'file' ? fill(d.recovery_fromFile, { name: str(src.fileName) ?? '?' }) : fill(d.recovery_fromReplica, { name: str(src.replica) ?? '?' });
  return fill(d.ev_recovery, { what, from });
}

/** An archive-wide check of a replica's copies (replica/verify.ts) in words of `lang`, with its counts. */
function replicaCheckWords(lang: ReportLang, x: Record<string, unknown>): string {
  const d = dict(lang);
  const n = (v: unknown) => String(typeof v === 'number' ? v : 0);
  const problems = Number(n(x.missing)) + Number(n(x.altered)) + Number(n(x.unreadable));
  const counts = fill(problems ? d.ev_replicaCheckFail : d.ev_replicaCheck, { name: str(x.replica) ?? '?', intact: n(x.intact), checked: n(x.copiesChecked), problems: String(problems) });
  return [counts, namedCopies(lang, d.replica_copies, x.failedItems, problems)].filter(Boolean).join(' ');
}

/** Copies a replica sentence names at most; the others are "and N more" (the event and --json hold them). */
export const SENTENCE_COPIES_MAX = 5;

/**
 * The copies a replica event names (replica/named.ts eventCopies: objects with item, itemId,
 * fileName, path and, for a check, kind; a bare SHA-256 in events written before copies were
 * named), in `template` ("The copies: {list}."): the first SENTENCE_COPIES_MAX as "IMG_0001.JPG
 * (item 4, altered)", the file named by its original name, else its path in the replica, else its
 * SHA-256's first 12 digits; "and N more" up to `total`. Empty when the event names none.
 */
function namedCopies(lang: ReportLang, template: string, list: unknown, total: number): string {
  if (!Array.isArray(list) || !list.length) return '';
  const d = dict(lang);
  const shown = list.slice(0, SENTENCE_COPIES_MAX).map((c) => {
    const o = (c && typeof c === 'object' ? c : { item: c }) as Record<string, unknown>;
    const file = str(o.fileName) ?? str(o.path) ?? (str(o.item)?.slice(0, 12) || '?');
    const kind = str(o.kind);
    const facts = [typeof o.itemId === 'number' ? fill(d.replica_item, { id: o.itemId }) : '', kind ? word(lang, `replica_kind_${kind}`, kind) : ''].filter(Boolean);
    return facts.length ? `${file} (${facts.join(', ')})` : file;
  });
  const more = Math.max(total, list.length) - shown.length;
  return fill(template, { list: `${shown.join('; ')}${more > 0 ? ` ${fill(d.replica_andMore, { count: more })}` : ''}` });
}

/** A failed check's finding in words of `lang`: what kind of failure, with the digests and sizes. */
function findingWords(lang: ReportLang, f: FixityFinding): string {
  const d = dict(lang);
  const parts: string[] = [d[`fixity_${f.kind}`]];
  for (const alg of Object.keys(f.expected ?? {})) {
    parts.push(fill(d.fixity_digest, { alg: alg.toUpperCase(), expected: f.expected![alg]!, found: f.found?.[alg] ?? '—' }));
  }
  if (f.expectedBytes !== undefined && f.foundBytes !== undefined) parts.push(fill(d.fixity_size, { expected: String(f.expectedBytes), found: String(f.foundBytes) }));
  if (f.error) parts.push(f.error);
  return parts.join(' ');
}

/** True when the event records a failure the reader must see (a failed fixity check, a failed step). */
export const isFailure = (e: ReportEvent): boolean => {
  // A run's event in an item's timeline is that item's pass, whatever the run found elsewhere.
  if (e.itemRun !== undefined) return false;
  const o = str(e.detail.outcome) ?? '';
  return /^fail/iu.test(o);
};
