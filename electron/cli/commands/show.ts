import type { Command } from 'commander';
import type { ItemTags } from '../../common/catalog.ts';
import { capturedAtForReaders } from '../../common/captured-at.ts';
import { fixityFinding, fixityFindingLines, itemRunPass, type FixityFinding } from '../../common/fixity.ts';
import type { CustodyEvent } from '../../common/types.ts';
import { itemCustodyEvents } from '../../core/custody/query.ts';
import { getCase } from '../../core/catalog/cases.ts';
import { getIncident } from '../../core/catalog/incidents.ts';
import { getPerson } from '../../core/catalog/people.ts';
import { getPlace, placeLabel } from '../../core/catalog/places.ts';
import { getItemTags } from '../../core/catalog/tagging.ts';
import { getDigests, getRawMetadata, listSightings, resolveItemRef } from '../../core/db/items.ts';
import { hashListLine, withHashLists } from '../../core/mhl/provenance.ts';
import { lastCheckView, runPasses, type LastCheckView, type RunPass } from '../../core/verify/item-checks.ts';
import { hasDerivativesTable, listDerivatives } from '../../core/redact/store.ts';
import { derivativeJson, derivativeLines } from './redact-lines.ts';
import type { Db } from '../../core/db/open.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { getCredentials } from '../../core/c2pa/store.ts';
import { credentialLines } from './credentials.ts';
import { cliLanguage, t } from '../i18n/index.ts';
import { degrees, outLine, printable } from './text.ts';
import { sidecarJson, sidecarLines } from './sidecars-text.ts';
import { custodyLineWords } from '../i18n/custody-words.ts';

/** A text value longer than this is cut to TEXT_SHOWN characters in the human listing. */
const TEXT_MAX = 200;
const TEXT_SHOWN = 120;
/** A list of plain values longer than this shows its first LIST_SHOWN. */
const LIST_MAX = 32;
const LIST_SHOWN = 16;
const FULL = 'show --json has it in full';

const isScalar = (v: unknown): boolean => v === null || typeof v !== 'object';

/** Byte data stored as `{ base64, length }` (see core/metadata/jsonSafe.ts). */
function isBase64Blob(v: unknown): v is { base64: string; length: number } {
  if (isScalar(v) || Array.isArray(v)) return false;
  const keys = Object.keys(v as object);
  const o = v as { base64?: unknown; length?: unknown };
  return keys.length === 2 && typeof o.base64 === 'string' && typeof o.length === 'number';
}

function scalarText(v: unknown, inList: boolean): string {
  if (typeof v === 'string') {
    if (v.length > TEXT_MAX) return `${inList ? JSON.stringify(v.slice(0, TEXT_SHOWN)) : v.slice(0, TEXT_SHOWN)}… (${v.length} characters; ${FULL})`;
    return inList || v === '' ? JSON.stringify(v) : v;
  }
  return String(v);
}

/**
 * The raw metadata as an indented listing, one "key: value" line per value, in the order the
 * tools gave them (as stored, so the same for every run): nested objects indent by two spaces,
 * list elements appear as [0], [1]…, lists of plain values on one line. Byte data, long texts and
 * long lists are shortened with a note; `show --json` keeps everything.
 */
export function rawMetadataLines(value: unknown, indent = '  '): string[] {
  const lines: string[] = [];
  const walk = (key: string, v: unknown, pad: string): void => {
    if (isScalar(v)) {
      lines.push(`${pad}${key}: ${scalarText(v, false)}`);
    } else if (isBase64Blob(v)) {
      lines.push(`${pad}${key}: <${v.length} bytes of binary data, not shown; ${FULL} (base64)>`);
    } else if (Array.isArray(v)) {
      if (v.length === 0) lines.push(`${pad}${key}: []`);
      else if (v.every(isScalar)) {
        const shown = v.length > LIST_MAX ? v.slice(0, LIST_SHOWN) : v;
        const more = v.length > LIST_MAX ? `, …] (${v.length} values; ${FULL})` : ']';
        lines.push(`${pad}${key}: [${shown.map((x) => scalarText(x, true)).join(', ')}${more}`);
      } else {
        lines.push(`${pad}${key}:`);
        v.forEach((x, i) => walk(`[${i}]`, x, `${pad}  `));
      }
    } else {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) lines.push(`${pad}${key}: {}`);
      else {
        lines.push(`${pad}${key}:`);
        for (const [k, x] of entries) walk(k, x, `${pad}  `);
      }
    }
  };
  if (isScalar(value) || Array.isArray(value)) walk('value', value, indent);
  else for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(k, v, indent);
  return lines;
}

/** What item's catalog links say, one "label  value" line each, with names looked up ("—" when none). */
function catalogLines(db: Db, tags: ItemTags): string[] {
  const labels = { place: t('show:cat.place'), person: t('show:cat.person'), incident: t('show:cat.incident'), case: t('show:cat.case'),
    tags: t('show:cat.tags'), description: t('show:cat.description'), notes: t('show:cat.notes') };
  const width = Math.max(12, ...Object.values(labels).map((l) => l.length));
  const row = (label: string, text: string) => `  ${label.padEnd(width)} ${text}`;
  const rows = (label: string, texts: string[]) => (texts.length ? texts.map((x) => row(label, x)) : [row(label, '—')]);
  return [
    ...rows(labels.place, tags.places.map((id) => {
      const p = getPlace(db, id);
      return p ? `${id}  ${placeLabel(p)}` : id;
    })),
    ...rows(labels.person, tags.people.map(({ id, role }) => {
      const p = getPerson(db, id);
      return `${id}  ${p ? `${p.name}${p.nameLatin ? ` (${p.nameLatin})` : ''}` : '?'}: ${role}${p?.sensitive ? `  [${t('show:sensitive')}]` : ''}`;
    })),
    ...rows(labels.incident, tags.incidents.map((id) => {
      const i = getIncident(db, id);
      return i ? `${id}  ${i.title} (${i.type}${i.startedAt ? `, ${i.startedAt}` : ''})` : String(id);
    })),
    ...rows(labels.case, tags.cases.map((id) => {
      const c = getCase(db, id);
      return c ? `${id}  ${c.caseNumber} (${c.authority})` : String(id);
    })),
    row(labels.tags, tags.tags.length ? tags.tags.join(', ') : '—'),
    row(labels.description, tags.description ?? '—'),
    row(labels.notes, tags.notes ?? '—'),
  ];
}

/** One fixity check of the item, as `show --json` gives it beside the custody rows (which stay verbatim). */
export interface FixityCheckView {
  seq: number;
  at: string;
  actor: string;
  /** As recorded: "pass" or "fail". */
  outcome: string;
  /** PASSED or FAILED, so that no reader takes a failed check for a passing one. */
  status: 'PASSED' | 'FAILED';
  /** What a failed check found (common/fixity.ts); null for a passing one, or a failure whose record says nothing readable. */
  finding: FixityFinding | null;
  /** The fixity check run (issue 15 §2) it was part of; absent for a check recorded before runs. */
  run?: number;
}

/**
 * The item's fixity checks, oldest first, each with its status and what it found: its own
 * `fixity check` events (failures; every check in archives made before runs) and its passes in
 * recorded runs (`passes`, whose event is the run's: seq is that event's).
 */
export function fixityChecks(events: CustodyEvent[], passes: readonly RunPass[] = []): FixityCheckView[] {
  // Run events in the item's timeline are its passes, which `passes` gives with their run.
  const own: FixityCheckView[] = events.filter((e) => e.type === 'fixity check' && itemRunPass(e) === null).map((e) => ({
    seq: e.seq, at: e.at, actor: e.actor, outcome: String(e.detail.outcome),
    status: e.detail.outcome === 'pass' ? 'PASSED' : 'FAILED', finding: fixityFinding(e),
    ...(typeof e.detail.run === 'number' ? { run: e.detail.run } : {}),
  }));
  const fromRuns: FixityCheckView[] = passes.map((p) => ({ seq: p.seq, at: p.at, actor: p.actor, outcome: 'pass', status: 'PASSED', finding: null, run: p.run }));
  return [...own, ...fromRuns].sort((a, b) => a.seq - b.seq);
}

/** The "last check" line of `show` (label padded to `width`): when, which run, and passed or FAILED with the outcome, in the user's language. */
export function lastCheckLine(c: LastCheckView | null, width = 12): string {
  const label = t('fix15:show.lastCheck').padEnd(width);
  if (!c) return `${label} ${t('fix15:show.never')}`;
  const run = c.runId !== null ? t('fix15:show.run', { run: c.runId }) : t('fix15:show.beforeRuns');
  const seq = c.eventSeq !== null ? t('fix15:show.row', { seq: c.eventSeq }) : '';
  return `${label} ${c.checkedAt}  ${c.status === 'PASSED' ? t('fix15:show.passed') : t('fix15:show.failed', { outcome: c.outcome })}  (${run}${seq})`;
}

/** A PREMIS event type in the user's language (the app's words; English as is). */
const typeWord = (type: string): string => custodyLineWords(cliLanguage())?.type(type) ?? type;

/**
 * A custody event as `show` lists it: "  #seq at  type  by actor"; a fixity check says "passed" or
 * "FAILED" before "by" (a run event, in the item's timeline, is the item's pass: "(run N)" after the
 * actor), and a failed one is followed by what it found, one line each, indented
 * (its reason when the finding cannot be read from it).
 */
export function custodyLines(e: CustodyEvent): string[] {
  if (e.type !== 'fixity check') return [`  #${e.seq} ${e.at}  ${typeWord(e.type)}  ${t('show:by', { actor: e.actor })}`];
  // In the item's timeline a run event is the item's pass in that run (whatever the run found elsewhere).
  const run = itemRunPass(e);
  if (run !== null) return [`  #${e.seq} ${e.at}  ${typeWord(e.type)}  ${t('fix15:show.passedInRun')}  ${t('show:by', { actor: e.actor })}  ${t('fix15:show.inRun', { run })}`];
  const passed = e.detail.outcome === 'pass';
  const head = `  #${e.seq} ${e.at}  ${typeWord(e.type)}  ${passed ? t('show:passed') : t('show:failed')}  ${t('show:by', { actor: e.actor })}`;
  if (passed) return [head];
  const f = fixityFinding(e);
  const found = f ? fixityFindingLines(f) : typeof e.detail.reason === 'string' ? [e.detail.reason] : [`outcome: ${String(e.detail.outcome)}`];
  return [head, ...found.map((l) => `      ${l}`)];
}

export const show: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('show').argument('<item>', 'catalog id or SHA-256 prefix')).option('--json', 'print as JSON')
      .description('an item: record, digests, catalog links (places, people, incidents, cases, tags, description, notes), sightings, raw metadata, custody events'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      let it;
      try {
        it = resolveItemRef(a.db, ref as string);
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      const full = {
        id: it.id,
        record: it.record,
        digests: getDigests(a.db, it.id),
        sightings: withHashLists(a.db, listSightings(a.db, it.id)),
        metadataError: it.metadataError,
        warnings: it.warnings,
        rawMetadata: getRawMetadata(a.db, it.id),
        custody: itemCustodyEvents(a.db, it.record.sha256),
        catalog: getItemTags(a.db, it.id),
        ...sidecarJson(a.db, it.id),
        // C2PA Content Credentials as last validated (null: never checked); `credentials show` validates again.
        credentials: getCredentials(a.db, it.id)?.report ?? null,
        derivatives: hasDerivativesTable(a.db) ? listDerivatives(a.db, it.id) : [],
      };
      const last = lastCheckView(a.db, it.id);
      if (o.json) {
        printJson(io, { ...full, derivatives: full.derivatives.map(derivativeJson), fixityChecks: fixityChecks(full.custody, runPasses(a.db, it.id)), lastCheck: last });
        return 0;
      }
      const r = it.record;
      const lines: [string, unknown][] = [
        ['id', it.id], ['sha256', r.sha256], ['bytes', r.bytes], ['mime', r.mime], ['kind', t(`list:kind.${r.kind}`, { defaultValue: r.kind })], ['make', r.make], ['model', r.model],
        ['serial', r.serial ? `${r.serial} (${r.serialSource})` : null],
        ['capturedAt', r.capturedAt ? `${capturedAtForReaders(r.capturedAt, r.capturedAtHasZone)!} (${r.capturedAtSource}${r.capturedAtHasZone ? '' : `, ${t('show:noZone')}`})` : null],
        ['gps', r.gps ? `${degrees(r.gps.lat)}, ${degrees(r.gps.lon)}${r.gps.alt !== null ? `, ${Number(r.gps.alt.toFixed(2))} m` : ''} (${r.gps.source})${r.gps.noFix ? ` — ${t('show:noFix')}` : ''}` : null],
        ['orientation', r.orientation], ['size', r.width ? `${r.width}×${r.height}` : null], ['durationSec', r.durationSec], ['codec', r.codec],
      ];
      // The field names in the reader's language (English: the record's own keys, as before).
      const label = (k: string) => t(`show:field.${k}`, { defaultValue: k });
      const width = Math.max(12, t('fix15:show.lastCheck').length, ...[...lines.map(([k]) => k), 'otherDate', 'metadata', 'warning'].map((k) => label(k).length));
      // Make, model, dates and warnings come from the file's own metadata: as untrusted as its name.
      for (const [k, v] of lines) outLine(io, `${label(k).padEnd(width)} ${v ?? '—'}`);
      // The mvhd's other time is written by the same clock as its creation_time: as unsure of its zone.
      const mvhdLocal = !r.capturedAtHasZone && Boolean(r.capturedAtSource?.startsWith('QuickTime mvhd'));
      for (const d of r.otherDates) {
        const v = mvhdLocal && d.tag.startsWith('QuickTime mvhd') ? `${capturedAtForReaders(d.value, false)!} (${t('show:noZone')}; ${d.tag})` : `${d.value} (${d.tag})`;
        outLine(io, `${label('otherDate').padEnd(width)} ${v}`);
      }
      for (const [alg, v] of Object.entries(full.digests)) outLine(io, `${alg.padEnd(width)} ${v}`);
      if (it.metadataError) outLine(io, `${label('metadata').padEnd(width)} ${t('show:error', { error: it.metadataError })}`);
      outLine(io, lastCheckLine(last, width));
      for (const w of it.warnings) outLine(io, `${label('warning').padEnd(width)} ${w}`);
      for (const l of sidecarLines(a.db, it.id)) outLine(io, l);
      if (full.credentials) for (const l of credentialLines(full.credentials)) outLine(io, l);
      else outLine(io, `${t('c2pa:heading')} ${t('c2pa:notChecked', { item: it.id })}`);
      outLine(io, t('show:section.catalog'));
      for (const l of catalogLines(a.db, full.catalog)) outLine(io, l);
      outLine(io, t('show:section.sightings'));
      for (const s of full.sightings) {
        outLine(io, `  ${s.ingestedAt}  ${s.operator}@${s.host}  ${s.path}  (${t('show:sighting', { bytes: s.bytes, mtime: s.mtime })})  ${t('reels:show_reel', { name: s.reel ?? '—' })}`);
        for (const h of s.hashLists ?? []) outLine(io, printable(`    hash list: ${hashListLine(h)}`));
      }
      outLine(io, t('show:section.raw'));
      if (full.rawMetadata === null || Object.keys(full.rawMetadata).length === 0) outLine(io, '  —');
      else for (const l of rawMetadataLines(full.rawMetadata)) outLine(io, l);
      for (const l of derivativeLines(full.derivatives)) outLine(io, l);
      outLine(io, t('show:section.custody'));
      for (const ev of full.custody) for (const l of custodyLines(ev)) outLine(io, l);
      return 0;
    });
  },
};
