// What `evidence verify` says about a fixity check run (issue 15 §2), in the user's language:
// each failed item by its original file name, source path and card/reel, what was found and what
// to do next; notes; the run's scope and Merkle root; the progress line with its ETA.
import { digestLabel } from '../../common/fixity.ts';
import type { FixityNote, FixityProblem, OtherOpenRun, RunReport } from '../../core/verify/fixity.ts';
import type { ScopeFilters } from '../../core/verify/scope.ts';
import type { JobProgress } from '../../common/types.ts';
import { t } from '../i18n/index.ts';
import type { Io } from '../io.ts';
import { formatBytes } from './shared.ts';
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
    f.items?.length ? ns('scope.items', { items: f.items.join(', ') }) : '',
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
    ns('failure.head', { kind: p.kind, id, name: p.fileName ?? p.sha256 ?? '?' }),
    ...[
      ...(p.sourcePath ? [ns('failure.source', { path: p.sourcePath })] : []),
      p.reel ? ns('failure.reel', { reel: p.reel }) : ns('failure.noReel'),
      ...(f.object ? [ns('failure.object', { object: f.object })] : []),
      ...found,
      next === 'unrecorded-change' ? t('fix15:verify.nextUnrecorded', { id }) : ns(`failure.next.${next}`, { id }),
    ].map((l) => `      ${l}`),
  ];
}

/** A note's line. */
export const noteLine = (n: FixityNote): string => ns('note.identity', { id: n.itemId, name: n.fileName ?? n.sha256 });

/** Seconds as "1 h 02 min", "3 min 05 s", "42 s" (units in the user's language). */
function duration(sec: number): string {
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
 * bytes, items, bytes, rate and time left, both from the bytes read in this session (a resumed
 * run's earlier bytes do not make it look fast). `done()` clears it.
 */
export function progressLine(io: Io, everyMs = 250): { update(p: JobProgress): void; done(): void } {
  const started = Date.now();
  let firstBytes: number | null = null;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      firstBytes ??= p.bytesDone;
      const now = Date.now();
      if (now - last < everyMs && p.filesDone < p.filesTotal) return;
      last = now;
      const secs = (now - started) / 1000;
      const rate = secs > 0 ? (p.bytesDone - firstBytes) / secs : 0;
      const left = p.bytesTotal - p.bytesDone;
      const eta = rate > 0 ? duration(left / rate) : null;
      const percent = p.bytesTotal > 0 ? Math.floor((p.bytesDone / p.bytesTotal) * 100) : 100;
      io.err(`\r\u001b[2K${printable(t(eta ? 'fix15:verify.progress' : 'fix15:verify.progressNoEta', { percent, done: p.filesDone, total: p.filesTotal, bytesDone: formatBytes(p.bytesDone), bytesTotal: formatBytes(p.bytesTotal), rate: formatBytes(rate), eta }))}`);
      shown = true;
    },
    done() {
      if (shown) io.err('\r\u001b[2K');
    },
  };
}
