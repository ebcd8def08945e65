// Fixity findings in the reader's language (issue 15 §2): what a failed check found, the item's last
// check on the Item screen, and a failed item of a run on the Verify screen — which file (original
// name, source path, card/reel), what was found and what to do next. A failure is red and says
// FAILED; it never reads like a pass.
import { useTranslation } from 'react-i18next';
import { digestLabel, type FixityFinding } from '../../../electron/common/fixity.ts';
import type { ItemDetail } from '../../../electron/common/ipc.ts';
import { formatInstant } from '../format.ts';

type TFn = ReturnType<typeof useTranslation>['t'];

/** What a failed fixity check found, as translated lines (one per digest that differed, the size, or what kept it from being read). */
export function findingLines(t: TFn, f: FixityFinding | null | undefined, reason: unknown): string[] {
  if (!f) return [t('item.fixity.unknown', { reason: typeof reason === 'string' ? reason : '' })];
  switch (f.kind) {
    case 'missing':
      // Something else at the object's address: the archive does not hold the file (never "missing", never a pass).
      return [f.notAFile ? notAFileText(t, f) : t('item.fixity.missing')];
    case 'unreadable':
      return [t('item.fixity.unreadable', { error: f.error ?? '' })];
    case 'unrecorded-change':
      return [t('item.fixity.unrecordedChange', { previous: t(`item.fixity.kind.${f.previous ?? 'altered'}`), at: f.previousCheckedAt ?? '' })];
    case 'altered':
    case 'catalog': {
      const lines = Object.keys(f.expected ?? {}).map((alg) =>
        t(`item.fixity.${f.kind}`, { alg: digestLabel(alg), expected: f.expected![alg], found: f.found?.[alg] ?? '' }));
      if (f.expectedBytes !== undefined) lines.push(t('item.fixity.size', { expected: f.expectedBytes, found: f.foundBytes ?? '' }));
      return lines;
    }
  }
}

/**
 * What stands at the object's address instead of the file (FixityFinding.notAFile), as a sentence
 * saying the archive does not hold the file: "… replaced by a symbolic link to <target>", a folder, a pipe.
 */
function notAFileText(t: TFn, f: FixityFinding): string {
  return t(`item.fixity.notAFile.${f.notAFile}`, { target: f.linkTarget ?? '?' });
}

/** A failure's kind as a word ("altered", "missing"); "not a file" when something else stands in the object's place. */
export function failureKindWord(t: TFn, kind: string, f: FixityFinding | null | undefined): string {
  if (f?.notAFile) return t('item.fixity.kind.not-a-file');
  return t(`item.fixity.kind.${kind}`, { defaultValue: kind });
}

/**
 * The item's last fixity check (ItemDetail.lastCheck): when, in which run, passed, or FAILED with
 * what was found, in red. `finding` is what that check's custody event recorded (the event at
 * check.eventSeq), when known: an object replaced by a link, folder or pipe is said as such.
 */
export function LastCheckLine({ check, finding }: { check: NonNullable<ItemDetail['lastCheck']> | null; finding?: FixityFinding | null }) {
  const { t, i18n } = useTranslation();
  if (!check) return <p className="last-check" data-testid="last-check" data-status="never">{t('item.lastCheck.never')}</p>;
  const failed = check.status === 'FAILED';
  const notAFile = failed && finding?.kind === 'missing' && finding.notAFile ? finding : null;
  const vars = {
    when: formatInstant(check.checkedAt, i18n.language), run: check.runId ?? '', kind: t(`item.fixity.kind.${check.outcome}`, { defaultValue: check.outcome }),
    what: notAFile ? notAFileText(t, notAFile) : '',
  };
  const failedKey = notAFile ? 'failedNotAFile' : 'failed';
  const key = failed ? (check.runId === null ? `${failedKey}BeforeRuns` : failedKey) : check.runId === null ? 'passedBeforeRuns' : 'passed';
  return (
    <p className={failed ? 'last-check error' : 'last-check'} role={failed ? 'alert' : undefined} data-testid="last-check" data-status={check.status} data-not-a-file={notAFile?.notAFile}>
      <strong>{t('item.lastCheck.label')}</strong> {t(`item.lastCheck.${key}`, vars)}
    </p>
  );
}

/** One failed item of a fixity check run (common/ipc.ts FixityResultSchema problems with itemId). */
export interface FixityFailure {
  kind: string;
  itemId?: number;
  reason: string;
  finding?: FixityFinding;
  fileName?: string;
  sourcePath?: string;
  reel?: string | null;
}

/** What to do next about a failed item: restore it (content failures), mend the catalog, or find out who replaced it. */
function nextStep(t: TFn, p: FixityFailure): string {
  if (p.kind === 'catalog') return t('verify.failure.next.catalog', { id: p.itemId });
  if (p.kind === 'unrecorded-change') return t('verify.failure.next.unrecorded', { id: p.itemId });
  return t('verify.failure.next.restore', { id: p.itemId });
}

/** A failed item of a run: its original name, source path, card/reel, what was found and what to do next; in red. */
export function FixityFailureEntry({ p }: { p: FixityFailure }) {
  const { t } = useTranslation();
  return (
    <li className="failure" data-kind={p.kind} data-testid="fixity-failure" data-item={p.itemId}>
      <strong data-testid="failure-head">{t('verify.failure.head', { kind: failureKindWord(t, p.kind, p.finding), id: p.itemId, name: p.fileName ?? '?' })}</strong>
      <dl className="facts">
        <dt>{t('verify.failure.name')}</dt><dd data-testid="failure-name">{p.fileName ?? '—'}</dd>
        <dt>{t('verify.failure.source')}</dt><dd className="path" data-testid="failure-source">{p.sourcePath ?? '—'}</dd>
        <dt>{t('verify.failure.reel')}</dt><dd data-testid="failure-reel">{p.reel ?? t('verify.failure.noReel')}</dd>
        <dt>{t('verify.failure.found')}</dt><dd data-testid="failure-found">{findingLines(t, p.finding, p.reason).join('; ')}</dd>
        <dt>{t('verify.failure.next.label')}</dt><dd data-testid="failure-next">{nextStep(t, p)}</dd>
      </dl>
    </li>
  );
}
