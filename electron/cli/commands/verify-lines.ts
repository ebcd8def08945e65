// What `evidence verify` says about a fixity check run (issue 15 §2), in the user's language:
// each failed item by its original file name, source path and card/reel, what was found and what
// to do next; notes; the run's scope and Merkle root; the progress line with its ETA.
import { digestLabel } from '../../common/fixity.ts';
import type { FixityNote, FixityProblem, OtherOpenRun, RunReport } from '../../core/verify/fixity.ts';
import type { EarlierRecheck } from '../../core/verify/resume-recheck.ts';
import type { ScopeFilters } from '../../core/verify/scope.ts';
import type { JobProgress } from '../../common/types.ts';
import { t } from '../i18n/index.ts';
import type { Io } from '../io.ts';
import { formatBytes } from './shared.ts';
import { formatRate, RateEstimator } from './progress-rate.ts';
import { printable } from './text.ts';

const ns = (key: string, vars: Record<string, unknown> = {}) => t(`verify-scale:${key}`, vars);

/** The run's scope in words ("the whole archive", "ingested since …, a random sample of 10% (seed …)"). */
export function scopeText(run: Pick<RunReport, 'scope' | 'wholeArchive'>): string {
  if (run.wholeArchive) return ns('scope.archive');
  const f = run.scope.filters;
  return [
    f.since !== undefined ? ns('scope.since', { since: f.since }) : '',
    f.olderThan !== undefined ? ns('scope.olderThan', { age: f.olderThan }) : '',
    f.sample !== undefined ? ns('scope.sample', { percent: f.sample, seed: run.scope.sampleSeed ?? '' }) : '',
    f.items?.length ? t('f15b:scope.items', { count: f.items.length, items: f.items.join(', ') }) : '',
    f.reels?.length ? ns('scope.reels', { reels: f.reels.join(', ') }) : '',
  ].filter(Boolean).join(', ');
}

/**
 * The lines of one failed item: "FAIL kind: item N “name”", then, indented, its source path,
 * card/reel, stored object, what was found and what to do next. Null for a problem of no item
 * (chain, seals, store, catalog rows), which keeps its one-line form.
 */
export function failureLines(p: FixityProblem): string[] | null {
  if (p.itemId === undefined || !p.finding) return null;
  const f = p.finding;
  const id = p.itemId;
  const found: string[] = [];
  if (f.kind === 'altered' || f.kind === 'catalog') {
    for (const alg of Object.keys(f.expected ?? {})) found.push(ns(`failure.found.${f.kind}`, { alg: digestLabel(alg), expected: f.expected![alg], found: f.found?.[alg] ?? '—' }));
    if (f.expectedBytes !== undefined) found.push(ns('failure.found.size', { expected: f.expectedBytes, found: f.foundBytes ?? '—' }));
  } else if (f.kind === 'unreadable') found.push(ns('failure.found.unreadable', { error: f.error ?? '' }));
  else if (f.kind === 'unrecorded-change') found.push(ns('failure.found.unrecorded-change', { at: f.previousCheckedAt ?? '?', previous: f.previous ?? 'failed' }));
  else if (f.notAFile === 'symbolic link') found.push(ns('failure.found.symlink', { target: f.linkTarget ?? '?' }));
  else if (f.notAFile) found.push(ns(`failure.found.notAFile.${f.notAFile.replace(' ', '-')}`));
  else found.push(ns('failure.found.missing'));
  const next = f.kind === 'catalog' ? 'catalog' : f.kind === 'unrecorded-change' ? 'unrecorded-change' : 'restore';
  return [
    t('f15b:fail.head', { kind: f.notAFile ? t('f15b:fail.kind.not-a-file') : kindWord(p.kind), id, name: p.fileName ?? p.sha256 ?? '?' }),
    ...[
      ...sourceLines(p),
      ...(f.object ? [ns('failure.object', { object: f.object })] : []),
      ...found,
      next === 'unrecorded-change' ? t('fix15:verify.nextUnrecorded', { id }) : ns(`failure.next.${next}`, { id }),
    ].map((l) => `      ${l}`),
  ];
}

/** Sightings a failure names one by one; the others are counted ("and N more"). */
export const SIGHTINGS_SHOWN = 5;

/**
 * Where a failed item came from: its source path and card/reel; for an item ingested from several
 * cards or folders, every sighting (up to SIGHTINGS_SHOWN, then "and N more"), each with its
 * card/reel, so the archivist knows every card that may still hold the original (fixity9 §5).
 */
function sourceLines(p: FixityProblem): string[] {
  const all = p.sightings ?? [];
  if (all.length <= 1) return [...(p.sourcePath ? [ns('failure.source', { path: p.sourcePath })] : []), p.reel ? ns('failure.reel', { reel: p.reel }) : ns('failure.noReel')];
  return [
    ...all.slice(0, SIGHTINGS_SHOWN).map((s) => (s.reel ? t('fixity9:sighting.withReel', { path: s.sourcePath, reel: s.reel }) : t('fixity9:sighting.noReel', { path: s.sourcePath }))),
    ...(all.length > SIGHTINGS_SHOWN ? [t('fixity9:sighting.more', { count: all.length - SIGHTINGS_SHOWN, id: p.itemId })] : []),
  ];
}

/** A problem's kind ("altered", "missing", …) as a word of the user's language. */
const kindWord = (kind: FixityProblem['kind']): string => t(`f15b:fail.kind.${kind}`);

/**
 * The lines of any problem: failureLines for an item's failure; for a stray file in the object
 * store (kind unexpected) what it is and what to do; otherwise "FAIL kind: reason" (the reason as
 * the core gives it).
 */
export function problemLines(p: FixityProblem): string[] {
  const item = failureLines(p);
  if (item) return item;
  if (p.kind === 'unexpected' && p.path) return [t('f15b:fail.unexpected', { kind: kindWord(p.kind), path: p.path }), `      ${t('f15b:fail.unexpectedNext')}`];
  return [t('f15b:fail.line', { kind: kindWord(p.kind), reason: p.reason })];
}

/** A note's line, by what changed: the file itself (inode or device), its size on disk, or only its modification time. */
export function noteLine(n: FixityNote): string {
  const v = { id: n.itemId, name: n.fileName ?? n.sha256 };
  if (n.before.ino !== n.after.ino || n.before.dev !== n.after.dev) return t('f15b:note.identity', v);
  if (n.before.size !== n.after.size) return t('f15b:note.size', v);
  return t('f15b:note.mtime', v);
}

/** Notes of a replaced file below this many are always listed one by one. */
export const WHOLE_COPY_MIN = 3;

/**
 * The notes' lines. When most of the items checked (more than half, and at least WHOLE_COPY_MIN)
 * are other files than at their last check, the archive as a whole was copied (a backup restored,
 * a move to a new disk: every file gets a new inode): one summary line says so instead of one
 * line per item; the other notes (a size or time change alone) are still listed. A few replaced
 * files among otherwise unchanged ones are listed item by item.
 */
export function noteLines(notes: FixityNote[], itemsChecked: number): string[] {
  const replaced = notes.filter((n) => n.before.ino !== n.after.ino || n.before.dev !== n.after.dev);
  if (replaced.length >= WHOLE_COPY_MIN && replaced.length * 2 > itemsChecked) {
    return [t('f15b:note.wholeCopy', { count: replaced.length }), ...notes.filter((n) => !replaced.includes(n)).map(noteLine)];
  }
  return notes.map(noteLine);
}

/** Seconds as "1 h 02 min", "3 min 05 s", "42 s" (units in the user's language). */
export function duration(sec: number): string {
  const s = Math.round(sec);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s >= 3600) return t('fix15:verify.hours', { h: Math.floor(s / 3600), m: two(Math.floor((s % 3600) / 60)) });
  if (s >= 60) return t('fix15:verify.minutes', { m: Math.floor(s / 60), s: two(s % 60) });
  return t('fix15:verify.seconds', { s });
}

/** A word for a shell command line: as is when plain, else in single quotes. */
const shellWord = (w: string): string => (/^[\w.,:/@%+=-]+$/u.test(w) ? w : `'${w.replace(/'/gu, `'\\''`)}'`);

/**
 * The command that continues (or, with --restart added, closes) a run of these filters:
 * "evidence verify --reel BIG --item 3". A run is resumed only by the same filters (fixity.ts).
 */
export function verifyCommand(f: ScopeFilters): string {
  const words = ['evidence', 'verify'];
  if (f.since !== undefined) words.push('--since', f.since);
  if (f.olderThan !== undefined) words.push('--older-than', f.olderThan);
  if (f.sample !== undefined) words.push('--sample', String(f.sample));
  for (const id of f.items ?? []) words.push('--item', String(id));
  for (const r of f.reels ?? []) words.push('--reel', r);
  return printable(words.map(shellWord).join(' '));
}

/** The notice of an unfinished run this check left open (another scope), with how to continue or close it. */
export const otherOpenLine = (r: OtherOpenRun): string =>
  t('fix15:verify.otherOpen', { run: r.id, scope: printable(scopeText(r)), done: r.itemsChecked, total: r.itemsSelected, command: verifyCommand(r.scope.filters) });

/**
 * A progress line on stderr for a terminal, redrawn in place at most every `everyMs`: percent of
 * bytes, items, bytes, rate and time left (RateEstimator: averaged over time, from both bytes and
 * items, counting only this session's work). `now` is the clock (ms), for tests. `done()` clears it.
 */
export function progressLine(io: Io, everyMs = 250, now: () => number = Date.now): { update(p: JobProgress): void; done(): void } {
  const rates = new RateEstimator();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const at = now();
      rates.sample({ atMs: at, bytesDone: p.bytesDone, itemsDone: p.filesDone });
      if (at - last < everyMs && p.filesDone < p.filesTotal) return;
      last = at;
      io.err(`\r\u001b[2K${progressText(p, rates)}`);
      shown = true;
    },
    done() {
      if (shown) io.err('\r\u001b[2K');
    },
  };
}

/** The text of the progress line for `p` with the speed and time left of `rates`. */
export function progressText(p: JobProgress, rates: RateEstimator): string {
  const secs = rates.secondsLeft(p.bytesTotal - p.bytesDone, p.filesTotal - p.filesDone);
  const eta = secs !== null ? duration(secs) : null;
  const percent = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 100;
  return printable(t(eta ? 'fix15:verify.progress' : 'fix15:verify.progressNoEta', {
    percent, done: p.filesDone, total: p.filesTotal, bytesDone: formatBytes(p.bytesDone), bytesTotal: formatBytes(p.bytesTotal), rate: formatRate(rates.bytesPerSecond), eta,
  }));
}

/** An ISO 8601 time as "YYYY-MM-DD HH:MM" in the local time zone (the user's clock). */
export function localMinute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * What a resumed run did with the outcomes found before its interruption (resume-recheck.ts):
 * how many were kept on an unchanged stat and how many re-hashed and why; when some were kept on
 * their stat alone, that bit rot is found only by re-hashing, and how to ask for it. None when the
 * run found nothing before the interruption.
 */
export function recheckLines(r: EarlierRecheck & { policy: { all: boolean; maxAgeHours: number } }): string[] {
  if (!r.examined) return [];
  const hours = r.policy.maxAgeHours;
  return [
    t('fixity9:recheck.line', { examined: r.examined, kept: r.kept, rehashed: r.examined - r.kept, changed: r.changed, old: r.old, failed: r.failed, asked: r.asked, hours }),
    ...(r.kept ? [t('fixity9:recheck.bitRot', { kept: r.kept, hours })] : []),
  ];
}
