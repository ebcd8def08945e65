// The words of `evidence log` lines in Russian and Kyrgyz. The event types and outcomes are the
// desktop app's own (renderer/src/i18n: custody.<type>, custody.outcome.*), imported as they are,
// so that the CLI and the Item screen's timeline name a custody event alike; the sentences are the
// custody report's (core/report/words.ts), chosen by core/custody/readable.ts.
import type { CustodyLineWords, FixityRunCounts } from '../../core/custody/readable.ts';
import { formatBytes } from '../../core/report/words.ts';
import appEn from '../../../renderer/src/i18n/en.json' with { type: 'json' };
import appRu from '../../../renderer/src/i18n/ru.json' with { type: 'json' };
import appKy from '../../../renderer/src/i18n/ky.json' with { type: 'json' };
import { t, type CliLanguage } from './index.ts';

const APP = { en: appEn.custody, ru: appRu.custody, ky: appKy.custody } as const;

// outcomeWord's words → the app's custody.outcome keys.
const OUTCOME_KEYS: Record<string, keyof typeof appEn.custody.outcome> = {
  FAILED: 'failed', passed: 'passed', done: 'done', duplicate: 'duplicate', 'in progress': 'inProgress', interrupted: 'interrupted',
};

/**
 * The words of a custody line (core/custody/readable.ts custodyLine) in `lang`; undefined for
 * English, whose words readable.ts holds itself (and tests pin).
 */
export function custodyLineWords(lang: CliLanguage): CustodyLineWords | undefined {
  if (lang === 'en') return undefined;
  const app = APP[lang] as Record<string, unknown> & { outcome: Record<string, string> };
  return {
    lang,
    type: (type) => (typeof app[type] === 'string' ? (app[type] as string) : type),
    outcome: (word) => (OUTCOME_KEYS[word] ? app.outcome[OUTCOME_KEYS[word]] ?? word : word),
    archive: t('log:archive'),
    card: t('fix14:card'),
    item: (prefix) => t('log:unknownItem', { prefix }),
    fixityRun: (c: FixityRunCounts) => [
      c.itemsChecked !== undefined ? t('log:run.checked', { count: c.itemsChecked }) : t('log:run.archiveChecked'),
      c.bytesChecked !== undefined ? `(${formatBytes(lang, c.bytesChecked)})` : '',
      c.problems ? `— ${t('log:run.problems', { count: c.problems })}` : '',
      c.unrecordedCopies ? `— ${t('log:run.unrecorded', { count: c.unrecordedCopies })}` : '',
    ].filter(Boolean).join(' ') + '.',
    runPass: (run, c) => t('fix15:log.runPass', {
      run,
      parts: [
        c.scope ?? t('verify-scale:scope.archive'),
        c.itemsChecked !== undefined ? t('log:run.checked', { count: c.itemsChecked }) : '',
        c.problems ? t('fix15:log.otherProblems', { count: c.problems }) : '',
      ].filter(Boolean).join(', '),
    }),
  };
}
